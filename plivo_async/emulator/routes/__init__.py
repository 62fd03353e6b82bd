"""The emulator's routes: one module per API area, the same names as ``resources/``.

How to add an area (say conferences)
====================================

1. **Routes**: create ``plivo_async/emulator/routes/conferences.py`` with module-level
   handlers and a ``ROUTES`` tuple of :class:`~plivo_async.emulator.http.RouteSpec`
   values (method, absolute path, handler; ``places_calls=True`` for a route that
   dials), e.g. ``RouteSpec("GET", ACCOUNT + "/Conference/{conference_name}", get)``;
   each path is also served with a trailing slash. A handler is
   ``async def handler(request: web.Request, ctx: Ctx) -> web.StreamResponse``: the
   middleware has already recorded the request, injected faults, checked Basic auth
   (401) and the account rate limit (429), and parsed the body into ``ctx.body`` (a dict
   from JSON or a form; ``{}`` for GET). ``ctx.core`` is the emulator
   (:class:`~plivo_async.emulator.core.EmulatorCore`) and ``ctx.rec`` the request's
   ``RequestEntry``. Path parameters arrive decoded in ``request.match_info`` (a
   conference name may hold spaces and ``/``: match it as one segment, ``{name}``).
2. **Register it**: add one line to :data:`AREAS` below (and its import line). Order
   does not matter while paths do not overlap; keep ``admin`` last.
3. **Rules**: what the area answers 400 to goes in ``plivo_async/emulator/rules/<area>.py``
   as ``validate_<thing>(body) -> ...`` functions built from the field parsers of
   :mod:`plivo_async.emulator.rules` (``text_field``, ``required_field``, ``int_field``,
   ``bool_field``, ``method_field``, ``check_url``, ``optional_url``,
   ``check_destination``). They raise ``BadRequest``. The rules are deliberately
   independent of the client's ``plivo_async.validation``.
4. **State**: put the area's state in ``plivo_async/emulator/state/<area>.py`` as one
   class with a no-argument constructor and ``reset()`` (forget everything), re-exported
   from ``state/__init__.py``. Get this emulator's instance with
   ``ctx.core.state(ConferenceState)`` (created on first use; ``emu.reset()`` resets it);
   tests reach the same instance as ``emu.state(ConferenceState)`` and may create state
   API calls cannot (a conference needs callers joined by XML): document such helpers on
   the state class. Calls are ``core.calls`` (:class:`~plivo_async.emulator.state.CallStore`);
   a live call from the path: ``routes.calls.live_call(core, request)`` (404 otherwise).

The shared helpers (on ``core = ctx.core``, and in ``routes/_paging.py``):

- **Answers**: ``core.json(status, payload)`` (put ``"api_id": core.new_id()`` in the
  payload as Plivo does); ``web.Response(status=204)`` for empty answers.
- **Lists**: ``query_page(request.query, objects, path)`` (or ``page(...)``) gives
  ``{"meta", "objects"}`` in Plivo's list shape, with ``limit``/``offset`` checked.
- **Errors**: ``raise BadRequest("message")`` anywhere in a handler gives Plivo's 400
  ``{"api_id", "error": "message"}``; ``raise web.HTTPNotFound(reason="conference not
  found")`` gives the same shape with 404 (any ``web.HTTPException`` keeps its status);
  or ``return core.error(404, "...")``. Never let another exception escape: the fuzz test
  (``tests/emulator/test_fuzz.py``) sends arbitrary bodies to every route and fails on
  any 5xx that was not an injected fault.
- **Placing calls**: every call an area dials (a participant added, a conference member
  called) goes through ``core.place(ctx.rec, from_=..., to=..., source="api", params=...)``
  (it returns the :class:`~plivo_async.emulator.state.CallState`), so ``emu.duplicates()``,
  the CPS queue (``Emulator(cps=...)``) and ``history.max_calls_in_window`` count it; and
  mark its endpoint ``places_calls=True`` so faults with ``paths="calls"`` hit it. End a
  call with ``core.hang_up(call)``.
- **Time**: ``core.clock()`` (the emulator's time: never ``time.time()``), and
  ``await core.sleep(s)``; state is a function of the clock, nothing runs in background.
- **Ids**: ``core.new_id()`` (a uuid4, reproducible with ``Emulator(seed=...)``).
- **Callbacks**: ``core.callbacks`` (None unless ``Emulator(callbacks=True)``) sends
  signed ring/answer/hangup callbacks for calls placed with ``source="api"``.

Tests for an area go in ``tests/emulator/test_<area>.py`` (raw HTTP: the ``emu``,
``api`` and ``http`` fixtures of ``tests/emulator/conftest.py``).
"""

from __future__ import annotations

from aiohttp import web

from ..http import RouteSpec, add_route_specs
from . import (
    account,
    admin,
    applications,
    call_feedback,
    calls,
    conferences,
    endpoints,
    lookup,
    masking_sessions,
    multi_party_calls,
    numbers,
    phlo,
    pricing,
    recordings,
    streams,
    subaccounts,
    token,
    verify_callerids,
)

__all__ = ["AREAS", "add_all_routes"]

AREAS: tuple[tuple[RouteSpec, ...], ...] = (
    calls.ROUTES,
    phlo.ROUTES,
    conferences.ROUTES,
    multi_party_calls.ROUTES,
    recordings.ROUTES,
    streams.ROUTES,
    endpoints.ROUTES,
    applications.ROUTES,
    numbers.ROUTES,
    call_feedback.ROUTES,
    masking_sessions.ROUTES,
    verify_callerids.ROUTES,
    token.ROUTES,
    account.ROUTES,
    subaccounts.ROUTES,
    pricing.ROUTES,
    lookup.ROUTES,
    admin.ROUTES,
)
"""Every area's ``ROUTES``, in registration order: one line per area."""


def add_all_routes(app: web.Application) -> None:
    """Serve the routes of every area in :data:`AREAS`."""
    for routes in AREAS:
        add_route_specs(app, routes)
