"""What ``parse(text, strict=False)`` reports: every problem of a document, located.

A document written elsewhere (another SDK's tests, a hand-edited file) may break several
rules at once; :class:`Problem` names each as a compiler would (line, column, element,
attribute, rule, the value found), and :class:`Parsed` holds them with the tree that could
still be read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from plivo_async.xml.elements import Response

__all__ = ["Parsed", "Problem"]


@attrs.frozen(kw_only=True)
class Problem:
    """One broken rule at ``line``:``column`` (1-based, where the element starts).

    ``element`` is the tag (``"document"`` for the document as a whole), ``attribute`` the
    XML attribute, ``"text"`` for the element's text, or ``None`` for the element itself;
    ``got`` the value found (``None`` when there is none to show).
    """

    line: int
    column: int
    element: str
    attribute: str | None
    rule: str
    got: Any = None

    @property
    def where(self) -> str:
        """``GetInput.executionTimeout``: the element and attribute, as errors name them."""
        return self.element if self.attribute is None else f"{self.element}.{self.attribute}"

    def __str__(self) -> str:
        """``3:5: GetInput.executionTimeout: must be ... (got 2)``."""
        got = "" if self.got is None else f" (got {_shown(self.got)})"
        return f"{self.line}:{self.column}: {self.where}: {self.rule}{got}"


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text)} characters)"


@attrs.frozen
class Parsed:
    """The tree that could be read (``None`` if none could) and every problem found.

    Unpacks as ``document, problems = parse(text, strict=False)``. The tree keeps values
    that break their rule (so ``str(document)`` shows them), and leaves out what cannot sit
    in it (an unknown element or attribute, a child where it may not be).
    """

    document: Response | None
    problems: list[Problem] = attrs.field(factory=list)

    @property
    def ok(self) -> bool:
        """No problem: the document would parse with ``strict=True`` too."""
        return not self.problems and self.document is not None

    def __iter__(self) -> Iterator[Any]:
        yield self.document
        yield self.problems
