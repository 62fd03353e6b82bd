"""Local caller ids: :class:`CallerIds`, the pool of your numbers a row's ``from`` is
chosen from.

For each callee, the pool numbers of the same country and area code are taken first,
then those of the same country; none: the run's default ``from``. Among several equally
good numbers one is picked by a digest of the callee's number, so a row keeps the same
caller id across its redials and across resumes, and the calls of an area spread over
the area's numbers. A row that gives its own ``from`` keeps it.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable

from ...errors import ValidationError
from .numbers import Place, e164, place_of

__all__ = ["CallerIds"]


class CallerIds:
    """A pool of caller ids, each checked to be a valid number in E.164 (``+`` first)."""

    def __init__(self, numbers: Iterable[str]) -> None:
        pool: list[str] = []
        for number in numbers:
            text = str(number).strip()
            if not text.startswith("+"):
                raise ValidationError.invalid(
                    "caller_ids", "each must be in E.164, starting with + (+14155550100)", text
                )
            try:
                pool.append(e164(text))
            except ValidationError:
                raise ValidationError.invalid(
                    "caller_ids", "each must be a valid phone number", text
                ) from None
        if not pool:
            raise ValidationError.invalid("caller_ids", "must hold at least one number")
        self.numbers = tuple(dict.fromkeys(pool))
        self._by_place: dict[Place, list[str]] = defaultdict(list)
        self._by_country: dict[str, list[str]] = defaultdict(list)
        for number in self.numbers:
            place = place_of(number)
            self._by_place[place].append(number)
            self._by_country[place.country].append(number)

    def __repr__(self) -> str:
        return f"<CallerIds {len(self.numbers)} numbers>"

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> CallerIds:
        """One number a line (blank lines and ``#`` comments skipped)."""
        with open(path, encoding="utf-8") as lines:
            numbers = [line.split("#", 1)[0].strip() for line in lines]
        return cls(number for number in numbers if number)

    def choose(self, destination: str) -> str | None:
        """The caller id for a callee, or None (no pool number of its country)."""
        try:
            place = place_of(destination)
        except ValidationError:
            return None
        same = self._by_place.get(place) or self._by_country.get(place.country)
        if not same:
            return None
        digest = hashlib.blake2b(destination.lstrip("+").encode(), digest_size=4).digest()
        return same[int.from_bytes(digest, "big") % len(same)]
