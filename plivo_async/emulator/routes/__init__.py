"""The emulator's routes: one module per API area, the same names as ``resources/``.

How to add an area (say conferences)
====================================

1. **Routes**: create ``plivo_async/emulator/routes/conferences.py`` exposing exactly::

       def add_routes(app: web.Application, core: EmulatorCore) -> None:

   It defines its handlers as closures over ``core`` and registers each with
   ``add_route(app, METHOD, path, handler)`` from ``plivo_async.emulator.http`` (which
   also serves the path with a trailing slash). Paths are absolute, e.g.
   ``routes.calls.ACCOUNT + "/Conference/{conference_name}"``. A handler is
   ``async def handler(request: web.Request, ctx: Ctx) -> web.StreamResponse``: the
   middleware has already recorded the request, injected faults, checked Basic auth
   (401) and the account rate limit (429), and parsed the body into ``ctx.body`` (a dict
   from JSON or a form; ``{}`` for GET). ``ctx.rec`` is the request's ``RequestRecord``.
   Path parameters arrive decoded in ``request.match_info`` (a conference name may hold
   spaces and ``/``: match it as one segment, ``{name}``).
2. **Register it**: add one line to :data:`AREAS` below (and its import line). Order
   does not matter while paths do not overlap; keep ``admin`` last.
3. **State**: put the area's state in ``plivo_async/emulator/state/<area>.py`` as one
   class with a no-argument constructor and ``reset()`` (forget everything), re-exported
   from ``state/__init__.py``. Get this emulator's instance with
   ``core.state(ConferenceState)`` (created on first use; ``emu.reset()`` resets it);
   tests reach the same instance as ``emu.state(ConferenceState)`` and may create state
   API calls cannot (a conference needs callers joined by XML): document such helpers on
   the state class. Calls are ``core.calls`` (:class:`~plivo_async.emulator.state.CallStore`);
   a live call from the path: ``routes.calls.live_call(core, request)`` (404 otherwise).

The shared helpers (all on ``core``, an :class:`~plivo_async.emulator.core.EmulatorCore`):

- **Answers**: ``core.json(status, payload)`` (put ``"api_id": core.new_id()`` in the
  payload as Plivo does); ``web.Response(status=204)`` for empty answers.
- **Errors**: ``raise BadRequest("message")`` (``plivo_async.emulator.rules``) anywhere
  in a handler gives Plivo's 400 ``{"api_id", "error": "message"}``;
  ``raise web.HTTPNotFound(reason="conference not found")`` gives the same shape with
  404 (any ``web.HTTPException`` keeps its status); or ``return core.error(404, "...")``.
  Never let another exception escape: the fuzz test
  (``tests/emulator/test_fuzz.py``) sends arbitrary bodies to every route and fails on
  any 5xx that was not an injected fault.
- **Validation**: write the area's rules as ``validate_<thing>(body) -> ...`` functions in
  ``rules.py`` (or ``rules_<area>.py`` if long), built from its field parsers:
  ``text_field(body, name)``, ``required_field``, ``int_field(body, name, low, high)``
  (refuses non-integers and over-long digit strings), ``bool_field``, ``method_field``,
  ``check_url(name, value)`` (http(s) with a host; refuses unparsable URLs),
  ``check_destination(name, value)`` (number or SIP URI). They raise ``BadRequest``. The
  rules are deliberately independent of the client's ``plivo_async.validation``.
- **Placing calls**: every call an area dials (a participant added, a conference member
  called) goes through ``core.place(ctx.rec, from_=..., to=..., source="api", params=...)``
  (it returns the :class:`~plivo_async.emulator.state.CallState`), so ``emu.duplicates()``,
  the CPS queue (``Emulator(cps=...)``) and ``records.max_calls_in_window`` count it; and
  register the route with ``add_route(..., places_calls=True)`` so faults with
  ``paths="calls"`` hit it. End a call with ``core.hang_up(call)``.
- **Time**: ``core.clock()`` (the emulator's time: never ``time.time()``), and
  ``await core.sleep(s)``; state is a function of the clock, nothing runs in background.
- **Ids**: ``core.new_id()`` (a uuid4, reproducible with ``Emulator(seed=...)``).
- **Callbacks**: ``core.callbacks`` (None unless ``Emulator(callbacks=True)``) sends
  signed ring/answer/hangup callbacks for calls placed with ``source="api"``.

Tests for an area go in ``tests/emulator/test_<area>.py`` (raw HTTP: the ``emu``,
``api`` and ``http`` fixtures of ``tests/emulator/conftest.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..core import EmulatorCore
from .admin import add_routes as admin_routes
from .applications import add_routes as applications_routes
from .call_feedback import add_routes as call_feedback_routes
from .calls import add_routes as calls_routes
from .conferences import add_routes as conferences_routes
from .endpoints import add_routes as endpoints_routes
from .masking_sessions import add_routes as masking_sessions_routes
from .multi_party_calls import add_routes as multi_party_calls_routes
from .phlo import add_routes as phlo_routes
from .recordings import add_routes as recordings_routes
from .streams import add_routes as streams_routes
from .token import add_routes as token_routes
from .verify_callerids import add_routes as verify_callerids_routes

__all__ = ["AREAS", "AddRoutes", "add_all_routes"]

AddRoutes = Callable[[web.Application, EmulatorCore], None]

AREAS: tuple[AddRoutes, ...] = (
    calls_routes,
    phlo_routes,
    conferences_routes,
    multi_party_calls_routes,
    recordings_routes,
    streams_routes,
    endpoints_routes,
    applications_routes,
    call_feedback_routes,
    masking_sessions_routes,
    verify_callerids_routes,
    token_routes,
    admin_routes,
)
"""Every area's ``add_routes``, in registration order: one line per area."""


def add_all_routes(app: web.Application, core: EmulatorCore) -> None:
    """Register the routes of every area in :data:`AREAS`."""
    for add_routes in AREAS:
        add_routes(app, core)
