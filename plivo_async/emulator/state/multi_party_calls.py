"""Multi-party calls of the Voice API (``MultiPartyCall/``) and their participants.

Unlike conferences, a multi-party call can be built from API calls alone: adding a
participant by ``friendly_name`` creates the call (``Initialized``, then ``Active`` when a
participant with ``start_mpc_on_enter`` joins, or on ``start``), and each participant
dialled is a call placed through ``core.place``. A participant leaves when its call ends;
the multi-party call ends when its last participant has left (or one with
``end_mpc_on_exit`` leaves, or it is stopped). Like everything in the emulator, this is
computed from the calls' lifecycles on access (:meth:`MultiPartyCallState.refresh`).

Tests may also add an existing call directly: ``emu.state(MultiPartyCallState)`` then
:meth:`MultiPartyCallState.create` and :meth:`MultiPartyCallRoom.add`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .calls import CallState, format_time

__all__ = ["MultiPartyCallRoom", "MultiPartyCallState", "ParticipantState"]

#: Termination causes and codes as Plivo reports them.
NO_ACTIVE_PARTICIPANTS = ("No Active Participants", 1000)
HANGUP_API = ("Hangup API Triggered", 3000)
END_ON_EXIT = ("Participant Exited With end_mpc_on_exit", 1020)


@dataclass(slots=True)
class ParticipantState:
    """One participant of a multi-party call."""

    member_id: str
    call: CallState
    role: str
    joined_at: float
    coach_mode: bool = True
    mute: bool = False
    hold: bool = False
    start_mpc_on_enter: bool = True
    end_mpc_on_exit: bool = False
    exit_time: float | None = None
    exit_cause: str | None = None
    recording: str = "not-recording"
    playing: str | None = None

    def view(self, mpc_uuid: str, auth_id: str, now: float) -> dict[str, Any]:
        end = now if self.exit_time is None else self.exit_time
        duration = math.ceil(max(0.0, end - self.joined_at))
        return {
            "member_id": self.member_id,
            "mpc_uuid": mpc_uuid,
            "call_uuid": self.call.uuid,
            "role": self.role,
            "coach_mode": self.coach_mode,
            "mute": self.mute,
            "hold": self.hold,
            "start_mpc_on_enter": self.start_mpc_on_enter,
            "end_mpc_on_exit": self.end_mpc_on_exit,
            "join_time": format_time(self.joined_at),
            "exit_time": None if self.exit_time is None else format_time(self.exit_time),
            "exit_cause": self.exit_cause,
            "duration": duration,
            "billed_duration": 60 * math.ceil(duration / 60),
            "billed_amount": round(0.005 * math.ceil(duration / 60), 5),
            "resource_uri": (
                f"/v1/Account/{auth_id}/MultiPartyCall/uuid_{mpc_uuid}"
                f"/Participant/{self.member_id}/"
            ),
        }


@dataclass(slots=True)
class MultiPartyCallRoom:
    """One multi-party call."""

    uuid: str
    friendly_name: str
    created: float
    status: str = "Initialized"
    stay_alone: bool = False
    max_participants: int = 10
    recording: str = "not-recording"
    recordings: list[dict[str, Any]] = field(default_factory=list)
    participants: dict[str, ParticipantState] = field(default_factory=dict)
    end_time: float | None = None
    termination: tuple[str, int] | None = None

    def active_participants(self) -> list[ParticipantState]:
        return [p for p in self.participants.values() if p.exit_time is None]

    def add(self, participant: ParticipantState) -> None:
        self.participants[participant.member_id] = participant
        if participant.start_mpc_on_enter and self.status == "Initialized":
            self.status = "Active"

    def leave(self, participant: ParticipantState, now: float, cause: str) -> None:
        if participant.exit_time is None:
            participant.exit_time = now
            participant.exit_cause = cause
        if participant.end_mpc_on_exit:
            self.end(now, END_ON_EXIT)

    def end(self, now: float, termination: tuple[str, int]) -> None:
        if self.status == "Ended":
            return
        self.status = "Ended"
        self.end_time = now
        self.termination = termination
        self.recording = "not-recording"
        for participant in self.active_participants():
            participant.exit_time = now
            participant.exit_cause = "MPC Ended"

    def view(self, auth_id: str, now: float) -> dict[str, Any]:
        ended = self.end_time is not None
        duration = math.ceil((self.end_time or now) - self.created) if ended else None
        base = f"/v1/Account/{auth_id}/MultiPartyCall/uuid_{self.uuid}/"
        return {
            "mpc_uuid": self.uuid,
            "friendly_name": self.friendly_name,
            "status": self.status,
            "recording": self.recording,
            "stay_alone": self.stay_alone,
            "start_time": format_time(self.created),
            "end_time": format_time(self.end_time) if self.end_time is not None else None,
            "duration": duration,
            "billed_duration": None if duration is None else 60 * math.ceil(duration / 60),
            "billed_amount": None if duration is None else round(0.005 * duration / 60, 5),
            "termination_cause": self.termination[0] if self.termination else None,
            "termination_cause_code": self.termination[1] if self.termination else None,
            "participants": base + "Participant/",
            "resource_uri": base,
            "sub_account": None,
        }


class MultiPartyCallState:
    """Every multi-party call by uuid; member ids are unique per emulator."""

    def __init__(self) -> None:
        self.rooms: dict[str, MultiPartyCallRoom] = {}
        self._next_member = 1

    def reset(self) -> None:
        self.rooms.clear()
        self._next_member = 1

    def create(self, uuid: str, friendly_name: str, now: float) -> MultiPartyCallRoom:
        room = self.rooms[uuid] = MultiPartyCallRoom(uuid, friendly_name, created=now)
        return room

    def new_member_id(self) -> str:
        member_id = str(self._next_member)
        self._next_member += 1
        return member_id

    def refresh(self, now: float) -> None:
        """Let participants whose call ended leave, and end emptied multi-party calls."""
        for room in self.rooms.values():
            if room.status == "Ended":
                continue
            for participant in room.active_participants():
                if participant.call.is_over(now):
                    room.leave(participant, participant.call.end_at, "Participant Call Hangup")
            if room.status == "Active" and not room.active_participants():
                room.end(now, NO_ACTIVE_PARTICIPANTS)

    def by_uuid(self, uuid: str, now: float) -> MultiPartyCallRoom | None:
        self.refresh(now)
        return self.rooms.get(uuid)

    def by_name(self, friendly_name: str, now: float) -> MultiPartyCallRoom | None:
        """The newest multi-party call of that name that has not ended, else the newest."""
        self.refresh(now)
        named = [r for r in self.rooms.values() if r.friendly_name == friendly_name]
        open_ = [r for r in named if r.status != "Ended"]
        chosen = open_ or named
        return max(chosen, key=lambda r: r.created) if chosen else None
