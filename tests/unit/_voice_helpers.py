"""What the conference and multi-party call unit tests share: one method, one request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aioresponses import aioresponses
from yarl import URL

from plivo_async.client import AsyncPlivo

from ._resources_helpers import assert_sent

Call = Callable[[AsyncPlivo], Awaitable[Any]]


async def check_request(
    client: AsyncPlivo,
    mocked: aioresponses,
    call: Call,
    method: str,
    url: str,
    params: dict[str, Any] | None,
    response: type,
) -> None:
    """``call`` sends exactly ``method url`` with ``params`` (the query of a GET, else the
    JSON body) and types Plivo's answer as ``response``."""
    mock_url = str(URL(url).with_query(params)) if method == "GET" and params else url
    mocked.add(mock_url, method, status=200, payload={"api_id": "a1", "message": "ok"})
    result = await call(client)
    if method == "GET":
        assert_sent(mocked, method, url, query=params)
    else:
        assert_sent(mocked, method, url, params)
    assert isinstance(result, response)
    assert result.api_id == "a1"
