"""A do-not-call list: :class:`Suppression`, asked before every dial of a row.

It is a set of numbers (in memory, or read from a file of one number a line), or an async
callable, ``await is_suppressed("+14155550100") -> bool``, so that a list kept elsewhere
(a Redis set, a database table) answers at the moment of each dial. Every number is
compared in E.164 (see :func:`~.numbers.e164`; ``region`` reads national numbers in the
list or file). A number that is not a valid phone number in the list is refused when
the list is made (a file's line is named).
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Collection, Iterable
from pathlib import Path
from typing import TypeAlias

from ...errors import ValidationError
from .numbers import e164

__all__ = ["Suppress", "Suppression"]

#: What ``suppress=`` accepts: a file, a collection of numbers, or an async callable.
Suppress: TypeAlias = (
    "str | os.PathLike[str] | Collection[str] | Callable[[str], Awaitable[bool]] | Suppression"
)


class Suppression:
    """Numbers never to call (see the module doc). :meth:`check` takes a destination."""

    def __init__(
        self,
        numbers: Iterable[str] = (),
        *,
        ask: Callable[[str], Awaitable[bool]] | None = None,
        region: str | None = None,
        source: str = "the do-not-call list",
    ) -> None:
        self.region = region
        self.source = source
        self._ask = ask
        self._numbers = frozenset(numbers)

    def __repr__(self) -> str:
        kind = "callable" if self._ask is not None else f"{len(self._numbers)} numbers"
        return f"<Suppression {self.source} ({kind})>"

    def __len__(self) -> int:
        return len(self._numbers)

    @classmethod
    def of(cls, value: Suppress, *, region: str | None = None) -> Suppression:
        """A suppression list from what ``suppress=`` was given."""
        if isinstance(value, Suppression):
            return value
        if isinstance(value, (str, os.PathLike)):
            return cls.read(value, region=region)
        if callable(value):
            return cls(ask=value, region=region, source=getattr(value, "__name__", "callable"))
        numbers = {_listed(number, region, "the numbers given:") for number in value}
        return cls(numbers, region=region, source="the given numbers")

    @classmethod
    def read(cls, path: str | os.PathLike[str], *, region: str | None = None) -> Suppression:
        """One number a line; blank lines and ``#`` comments skipped; a header line
        (``number``/``phone``) too. A line that is not a number: ValidationError naming it."""
        numbers = set()
        with open(path, encoding="utf-8") as lines:
            for line_number, line in enumerate(lines, 1):
                text = line.split("#", 1)[0].split(",", 1)[0].strip()
                if not text or (line_number == 1 and not any(c.isdigit() for c in text)):
                    continue
                numbers.add(_listed(text, region, f"{path} line {line_number}:"))
        return cls(numbers, region=region, source=str(Path(path)))

    async def check(self, destination: str) -> bool:
        """Whether ``destination`` (as a row gives it: Plivo's international form) is on
        the list. A destination that is not a valid number is compared as it is written."""
        try:
            number = e164(destination)
        except ValidationError:
            number = destination
        if self._ask is not None:
            return bool(await self._ask(number))
        return number in self._numbers

    async def any_of(self, destinations: Iterable[str]) -> str | None:
        """The first of ``destinations`` on the list, or None."""
        for destination in destinations:
            if await self.check(destination):
                return destination
        return None


def _listed(number: str, region: str | None, where: str) -> str:
    """A number of the list in E.164; ValidationError saying where it is if it is not one."""
    try:
        return e164(number, region)
    except ValidationError as exc:
        raise ValidationError.invalid("suppress", f"{where} {number!r}: {exc.rule}") from None
