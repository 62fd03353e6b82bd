"""PHLOs the emulator knows, their nodes, and the members of each node.

Like Plivo, the emulator answers 404 to a PHLO, node or member it does not know. PHLOs are
declared (``Emulator(phlos={"phlo-id": {"node-id": "multi_party_call"}})``, ``--phlo`` on
the command line); ``any_phlo=True`` accepts any id instead, for quick demos. A member of a
node is known once an action of that node dialled it or named it as ``trigger_source``, or
when it is declared (:class:`PhloNode` ``members``, for a conference bridge).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

__all__ = ["NODE_TYPES", "MemberState", "PhloNode", "PhloState", "Phlos"]

#: The node types with member actions (and the generic ``node(type, id)`` any other).
NODE_TYPES = ("multi_party_call", "conference_bridge")


@dataclass(frozen=True, slots=True)
class PhloNode:
    """A node of a declared PHLO: its type and the members it starts with."""

    node_type: str
    members: tuple[str, ...] = ()

    def __init__(self, node_type: str, members: Iterable[str] = ()) -> None:
        if not isinstance(node_type, str) or not node_type:
            raise ValueError(f"a node type is a non-empty string, not {node_type!r}")
        object.__setattr__(self, "node_type", node_type)
        object.__setattr__(self, "members", tuple(members))


Phlos = Mapping[str, Mapping[str, str | PhloNode]]
"""PHLO id -> node id -> node type (or a :class:`PhloNode`)."""


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
    """The declared PHLOs, and the members of every node by ``(phlo_id, node_id)``."""

    def __init__(self) -> None:
        self.members: dict[tuple[str, str], dict[str, MemberState]] = {}
        self.phlos: dict[str, dict[str, PhloNode]] = {}
        self.any_phlo = False
        """Accept any PHLO, node and member id (``Emulator(any_phlo=True)``)."""

    def declare(self, phlos: Phlos) -> None:
        """Add PHLOs (node types as strings or :class:`PhloNode`)."""
        for phlo_id, nodes in phlos.items():
            if not isinstance(phlo_id, str) or not phlo_id:
                raise ValueError(f"a PHLO id is a non-empty string, not {phlo_id!r}")
            known = self.phlos.setdefault(phlo_id, {})
            for node_id, node in nodes.items():
                if not isinstance(node_id, str) or not node_id:
                    raise ValueError(f"a node id is a non-empty string, not {node_id!r}")
                known[node_id] = node if isinstance(node, PhloNode) else PhloNode(node)

    def knows(self, phlo_id: str) -> bool:
        return self.any_phlo or phlo_id in self.phlos

    def node(self, phlo_id: str, node_id: str, node_type: str) -> PhloNode | None:
        """The node of that id and type, or None (Plivo's 404)."""
        if self.any_phlo:
            return PhloNode(node_type)
        node = self.phlos.get(phlo_id, {}).get(node_id)
        return node if node is not None and node.node_type == node_type else None

    def node_members(self, phlo_id: str, node_id: str) -> dict[str, MemberState]:
        """The members of one node (its declared ones on first use)."""
        members = self.members.get((phlo_id, node_id))
        if members is None:
            node = self.phlos.get(phlo_id, {}).get(node_id)
            declared = node.members if node is not None else ()
            members = self.members[(phlo_id, node_id)] = {m: MemberState(m) for m in declared}
        return members

    def member(self, phlo_id: str, node_id: str, member_id: str) -> MemberState | None:
        """A known member of the node, or None (Plivo's 404); any one with ``any_phlo``."""
        members = self.node_members(phlo_id, node_id)
        if self.any_phlo:
            return members.setdefault(member_id, MemberState(member_id))
        return members.get(member_id)

    def reset(self) -> None:
        """Forget the members (the declared PHLOs stay: they are configuration)."""
        self.members.clear()
