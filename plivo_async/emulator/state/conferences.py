"""Conferences and their members: the state behind the Conference API routes.

A conference exists while it has members: callers join it with the ``<Conference>`` XML
element, which no API call does. So tests (and the XML call-flow runner) join callers
themselves, either in-process::

    confs = emu.state(ConferenceState)
    call = ...  # a live call, e.g. placed with client.calls.create(...)
    confs.join("My Conf Room", call, now=emu_clock())

or over HTTP, for an emulator in another process::

    POST /__emulator__/Conference/{conference_name}/Member/   {"call_uuid": "..."}

A member leaves when its call ends (hung up, or over on the emulator's clock), when it is
kicked, or when the conference is hung up; the conference ends with its last member.
Membership is computed from the calls' lifecycles on each access (:meth:`live`), so the
clock alone drives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .calls import CallState

__all__ = ["ConferenceMemberState", "ConferenceRoom", "ConferenceState"]


@dataclass(slots=True)
class ConferenceMemberState:
    """One member: its call, its flags, and what is playing or being spoken to it."""

    member_id: str
    call: CallState
    caller_name: str
    direction: str
    joined_at: float
    muted: bool = False
    deaf: bool = False
    playing: str | None = None
    speaking: str | None = None
    actions: list[str] = field(default_factory=list)

    def view(self, now: float) -> dict[str, Any]:
        """The member as ``GET Conference/{name}/`` shows it."""
        return {
            "member_id": self.member_id,
            "muted": self.muted,
            "deaf": self.deaf,
            "from": self.call.from_,
            "to": self.call.to,
            "caller_name": self.caller_name,
            "direction": self.direction,
            "call_uuid": self.call.uuid,
            "join_time": str(int(now - self.joined_at)),
        }


@dataclass(slots=True)
class ConferenceRoom:
    """A conference: its members by id and its recordings (the last one may be running)."""

    name: str
    created: float
    members: dict[str, ConferenceMemberState] = field(default_factory=dict)
    recordings: list[dict[str, Any]] = field(default_factory=list)
    recording: bool = False

    def view(self, now: float) -> dict[str, Any]:
        """``GET Conference/{name}/`` without the ``api_id``."""
        return {
            "conference_name": self.name,
            "conference_run_time": str(int(now - self.created)),
            "conference_member_count": str(len(self.members)),
            "members": [m.view(now) for m in self.members.values()],
        }


class ConferenceState:
    """Every conference in progress, by name; member ids are unique per emulator."""

    def __init__(self) -> None:
        self.rooms: dict[str, ConferenceRoom] = {}
        self._next_member = 1

    def reset(self) -> None:
        self.rooms.clear()
        self._next_member = 1

    def join(
        self,
        name: str,
        call: CallState,
        *,
        now: float,
        caller_name: str | None = None,
        direction: str = "outbound",
        muted: bool = False,
        deaf: bool = False,
    ) -> ConferenceMemberState:
        """Put ``call`` in conference ``name`` (created if needed), as ``<Conference>`` does.

        Raises ``ValueError`` if the call is not live: only a call in progress can join.
        """
        if not call.is_live(now):
            raise ValueError(f"call {call.uuid} is not live")
        room = self.live(now).get(name)
        if room is None:
            room = self.rooms[name] = ConferenceRoom(name, created=now)
        member = ConferenceMemberState(
            member_id=str(self._next_member),
            call=call,
            caller_name=caller_name or call.from_,
            direction=direction,
            joined_at=now,
            muted=muted,
            deaf=deaf,
        )
        self._next_member += 1
        room.members[member.member_id] = member
        return member

    def live(self, now: float) -> dict[str, ConferenceRoom]:
        """The conferences in progress at ``now``: members whose call ended have left."""
        for name, room in list(self.rooms.items()):
            for member_id, member in list(room.members.items()):
                if not member.call.is_live(now):
                    del room.members[member_id]
            if not room.members:
                del self.rooms[name]
        return self.rooms

    def get(self, name: str, now: float) -> ConferenceRoom | None:
        """The conference ``name`` if it is in progress at ``now``."""
        return self.live(now).get(name)
