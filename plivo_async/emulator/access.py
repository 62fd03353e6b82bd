"""The emulator's access log: one line per request at INFO on ``plivo_async.emulator``.

Method, path, status and how long the answer took; never a header (the Authorization
header carries the token) nor the query. aiohttp asks :attr:`AccessLog.enabled` once per
connection, so below INFO nothing is formatted and the per-request path stays light.
"""

from __future__ import annotations

import logging

from aiohttp.abc import AbstractAccessLogger
from aiohttp.web import BaseRequest, StreamResponse

__all__ = ["AccessLog"]


class AccessLog(AbstractAccessLogger):
    """``POST /v1/Account/MA.../Call/ 201 12.3 ms``"""

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            "%s %s %s %.1f ms", request.method, request.path, response.status, time * 1000
        )
