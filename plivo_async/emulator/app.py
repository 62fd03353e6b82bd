"""The app factory: one ``aiohttp.web`` application for an :class:`EmulatorCore`.

One application serves both path trees (``/v1/Account/{auth_id}/...`` of api.plivo.com
and ``/v1/phlo/...`` of phlorunner.plivo.com), so one base URL covers both. Every path
works with and without its trailing slash (the official SDK adds one, other clients may
not). The per-request path is kept light: no logging, no scans over all calls.
"""

from __future__ import annotations

from email.utils import formatdate

from aiohttp import web

from .core import EmulatorCore
from .http import PLACING
from .middleware import emulator_middleware
from .routes import add_all_routes

__all__ = ["EmulatorCore", "build_app"]


def build_app(core: EmulatorCore) -> web.Application:
    """The application: the middleware, then every area's routes (``routes.AREAS``)."""
    app = web.Application(middlewares=[emulator_middleware(core)], client_max_size=1024**2)
    app[PLACING] = set()
    add_all_routes(app)

    async def date_of_the_emulator(request: web.Request, response: web.StreamResponse) -> None:
        # The API's clock is the emulator's (a ManualClock in tests): clients read skew
        # from Date, as they do from Plivo's.
        response.headers["Date"] = formatdate(core.clock(), usegmt=True)

    app.on_response_prepare.append(date_of_the_emulator)
    return app
