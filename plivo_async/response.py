"""``RawResponse``: what ``client.with_raw_response`` methods return.

The HTTP facts of one request (status, headers, attempts, time) next to the decoded body;
``.parse()`` gives the typed model the plain method would have returned. Built once, by
the base client, from the last answer (``resources/_base.py`` passes the model to cast to).
"""

from __future__ import annotations

from typing import Any

import attrs
from multidict import CIMultiDictProxy

from ._convert import structure_response

__all__ = ["RawResponse"]


@attrs.frozen(repr=False)
class RawResponse:
    """One request's answer as it came: status, token-free headers, attempts, timings.

    ``attempts`` counts the attempts made (retries included); ``elapsed`` is the seconds
    from the call to the answer (waits for the client's own limits included, and counted
    apart in ``waited``). ``data`` is the decoded JSON body; ``model`` what ``parse()``
    structures it as.
    """

    method: str
    path: str
    status: int
    headers: CIMultiDictProxy[str]
    attempts: int
    waited: float
    elapsed: float
    data: Any
    model: type[Any] | None = None

    def __repr__(self) -> str:
        return (
            f"<RawResponse {self.method} {self.path} -> {self.status}, "
            f"{self.attempts} attempt(s), {self.elapsed * 1000:.1f} ms>"
        )

    def json(self) -> Any:
        """The decoded JSON body (``{}`` for an empty one)."""
        return self.data

    def parse(self) -> Any:
        """The typed model the method returns without ``with_raw_response``."""
        if self.model is None:
            return self.data
        return structure_response(self.model, self.data)
