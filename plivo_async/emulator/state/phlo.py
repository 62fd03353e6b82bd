"""PHLO multi-party-call members: the state behind the PHLO routes."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["MemberState", "PhloState"]


@dataclass(slots=True)
class MemberState:
    """A member of a PHLO multi-party call, as far as member actions are concerned."""

    member_id: str
    role: str = "agent"
    call_uuid: str | None = None
    on_hold: bool = False
    muted: bool = False
    left: bool = False
    actions: list[str] = field(default_factory=list)


class PhloState:
    """Members of every multi-party-call node, by ``(phlo_id, node_id)`` then member id."""

    def __init__(self) -> None:
        self.members: dict[tuple[str, str], dict[str, MemberState]] = {}

    def node_members(self, phlo_id: str, node_id: str) -> dict[str, MemberState]:
        """The members of one node (created empty on first use)."""
        return self.members.setdefault((phlo_id, node_id), {})

    def reset(self) -> None:
        self.members.clear()
