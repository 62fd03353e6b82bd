"""``RawResponse``: what ``client.with_raw_response`` methods return.

The HTTP facts of one request (status, headers, attempts, time) next to the decoded body;
``.parse()`` gives the typed model the plain method would have returned: the resource base
(``resources/_base.py``) records the model on the ``RawResponse`` instead of casting it.
"""

from __future__ import annotations

from typing import Any

from multidict import CIMultiDictProxy

from ._convert import structure_response

__all__ = ["RawResponse"]


class RawResponse:
    """One request's answer as it came: status, token-free headers, attempts, timings.

    ``attempts`` counts the attempts made (retries included); ``elapsed`` is the seconds
    from the call to the answer (waits for the client's own limits included, and counted
    apart in ``waited``). ``data`` is the decoded JSON body.
    """

    __slots__ = (
        "attempts",
        "data",
        "elapsed",
        "headers",
        "method",
        "model",
        "path",
        "status",
        "waited",
    )

    def __init__(self, method: str, path: str) -> None:
        self.method = method
        self.path = path
        self.status = 0
        self.headers: CIMultiDictProxy[str] | None = None
        self.attempts = 0
        self.waited = 0.0
        self.elapsed = 0.0
        self.data: Any = None
        self.model: type[Any] | None = None

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
