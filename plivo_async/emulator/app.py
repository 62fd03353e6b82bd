"""The emulated Plivo HTTP API: routes, auth, fault middleware and handlers.

One ``aiohttp.web`` application serves both path trees (``/v1/Account/{auth_id}/...`` of
api.plivo.com and ``/v1/phlo/...`` of phlorunner.plivo.com), so one base URL covers both.
Every path works with and without its trailing slash (the official SDK adds one, other
clients may not). The per-request path is kept light: no logging, no scans over all calls.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, cast

from aiohttp import web

from .callbacks import CallbackSender
from .faults import NO_FAULT, Decision, FaultConfig, FaultInjector
from .ratelimit import SlidingWindow
from .records import CallRecord, Records, RequestRecord
from .rules import (
    BadRequest,
    check_destination,
    validate_create,
    validate_list_query,
    validate_member_action,
    validate_mpc_action,
    validate_transfer,
)
from .state import CallState, CallStore, Lifecycle, MemberState, format_time

__all__ = ["EmulatorCore"]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class _Ctx:
    """What the middleware hands to a route: the request's record and parsed body."""

    __slots__ = ("body", "rec")

    def __init__(self, rec: RequestRecord) -> None:
        self.rec = rec
        self.body: dict[str, Any] = {}


Route = Callable[[web.Request, _Ctx], Awaitable[web.StreamResponse]]

_JSON = "application/json"
_LEGS = ("aleg", "bleg", "both")
_DIGITS = frozenset("0123456789*#wW@")
_ERROR_TEXT = {
    429: "too many requests",
    500: "internal server error",
    502: "bad gateway",
    503: "service unavailable",
    504: "gateway timeout",
}


class EmulatorCore:
    """State and request handling of one emulator; :class:`Emulator` adds the server."""

    def __init__(
        self,
        *,
        auth_id: str,
        auth_token: str,
        faults: FaultConfig | None,
        seed: int | None,
        clock: Clock,
        sleep: Sleep,
        lifecycle: Lifecycle,
        cps: float | None,
        rate_limit: tuple[int, float] | None,
        callbacks: bool,
    ) -> None:
        self.auth_id = auth_id
        self._auth_token = auth_token
        self.seed = seed
        self.clock = clock
        self.sleep = sleep
        self.records = Records()
        self.store = CallStore(lifecycle, cps)
        self._ids = random.Random(f"ids-{seed}") if seed is not None else None
        self._expected_auth = (
            "Basic " + base64.b64encode(f"{auth_id}:{auth_token}".encode()).decode()
        )
        self._window = SlidingWindow(*rate_limit) if rate_limit else None
        self.callbacks: CallbackSender | None = None
        if callbacks:
            self.callbacks = CallbackSender(
                auth_token=auth_token, records=self.records, clock=clock, sleep=sleep, seed=seed
            )
        self._injector = FaultInjector(faults or FaultConfig(), seed)
        self._placing: frozenset[Route] = frozenset({self.create_call, self.mpc_action})
        self.app = self._build_app()

    # -- configuration -------------------------------------------------------------

    @property
    def faults(self) -> FaultConfig:
        return self._injector.config

    @faults.setter
    def faults(self, config: FaultConfig | None) -> None:
        """Apply a new fault config; its schedule and RNG start afresh."""
        self._injector = FaultInjector(config or FaultConfig(), self.seed)

    def reset(self) -> None:
        """Forget records, calls, members and the rate-limit window."""
        self.records.reset()
        self.store.reset()
        if self._window is not None:
            self._window.reset()

    def new_id(self) -> str:
        """A uuid4 string; reproducible when the emulator has a seed."""
        if self._ids is None:
            return str(uuid.uuid4())
        return str(uuid.UUID(int=self._ids.getrandbits(128), version=4))

    # -- plumbing --------------------------------------------------------------------

    def _build_app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware], client_max_size=1024**2)
        account = "/v1/Account/{auth_id}"
        call = account + "/Call/{call_uuid}"
        mpc = "/v1/phlo/{phlo_id}/multi_party_call/{node_id}"
        routes: list[tuple[str, str, Route]] = [
            ("POST", account + "/Call", self.create_call),
            ("GET", account + "/Call", self.list_calls),
            ("GET", call, self.get_call),
            ("POST", call, self.transfer_call),
            ("DELETE", call, self.hangup_call),
            ("POST", call + "/Record", self.start_recording),
            ("DELETE", call + "/Record", self.stop_action),
            ("POST", call + "/Play", self.start_playing),
            ("DELETE", call + "/Play", self.stop_action),
            ("POST", call + "/Speak", self.start_speaking),
            ("DELETE", call + "/Speak", self.stop_action),
            ("POST", call + "/DTMF", self.send_digits),
            ("DELETE", account + "/Request/{request_uuid}", self.cancel_request),
            ("GET", "/v1/phlo/{phlo_id}", self.get_phlo),
            ("GET", mpc, self.get_mpc_node),
            ("POST", mpc, self.mpc_action),
            ("POST", mpc + "/members/{member_id}", self.member_action),
            ("POST", "/v1/account/{auth_id}/phlo/{phlo_id}", self.run_phlo),
            ("GET", "/__emulator__/stats", self.admin_stats),
            ("GET", "/__emulator__/calls", self.admin_calls),
            ("POST", "/__emulator__/reset", self.admin_reset),
            ("PUT", "/__emulator__/faults", self.admin_faults),
        ]
        for method, path, route in routes:
            # The middleware calls routes as route(request, ctx); aiohttp only stores them.
            handler = cast(Handler, route)
            app.router.add_route(method, path, handler)
            app.router.add_route(method, path + "/", handler)
        return app

    def _json(self, status: int, payload: dict[str, Any]) -> web.Response:
        return web.Response(status=status, body=json.dumps(payload), content_type=_JSON)

    def error(self, status: int, message: str) -> web.Response:
        """Plivo's error shape: ``{"api_id", "error"}``."""
        return self._json(status, {"api_id": self.new_id(), "error": message})

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        path_id = request.match_info.get("auth_id")
        if path_id is not None and path_id != self.auth_id:
            return False
        if header == self._expected_auth:
            return True
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return hmac.compare_digest(user, self.auth_id) & hmac.compare_digest(
            password, self._auth_token
        )

    async def _body(self, request: web.Request) -> dict[str, Any]:
        if not request.body_exists:
            return {}
        raw = await request.read()
        if not raw.strip():
            return {}
        if request.content_type == "application/x-www-form-urlencoded":
            form = await request.post()
            return {k: v for k, v in form.items() if isinstance(v, str)}
        try:
            data = json.loads(raw)
        except ValueError:
            raise BadRequest("request body is not valid JSON") from None
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise BadRequest("request body must be a JSON object")
        return data

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        query = dict(request.query) if request.query_string else {}
        rec = RequestRecord(
            len(self.records.requests),
            request.method,
            request.path,
            query,
            self.clock(),
            time.monotonic(),
        )
        self.records.requests.append(rec)
        match = request.match_info
        route = None if match.http_exception is not None else cast(Route, match.route.handler)
        decision = NO_FAULT
        injector = self._injector
        if request.path.startswith("/v1/") and (
            injector.config.paths == "all" or route in self._placing
        ):
            decision = injector.decide()
            rec.fault = decision.name
        if decision.latency:
            await self.sleep(decision.latency)
        if not decision.after:
            if decision.drop:
                return self._drop(request)
            if decision.status is not None:
                return self._fault_response(rec, decision)
        if route is None:
            unrouted = match.http_exception
            status, reason = (unrouted.status, unrouted.reason) if unrouted else (404, "Not Found")
            response: web.StreamResponse = self.error(status, reason)
        else:
            try:
                response = await self._process(request, route, _Ctx(rec))
            except web.HTTPException as exc:
                response = self.error(exc.status, exc.reason)
        if decision.after:
            if decision.drop:
                return self._drop(request)
            return self._fault_response(rec, decision)
        rec.status = response.status
        return response

    async def _process(self, request: web.Request, route: Route, ctx: _Ctx) -> web.StreamResponse:
        rec = ctx.rec
        if not self._authorized(request):
            return self.error(401, "authentication failed: check auth_id and auth_token")
        if self._window is not None and not self._window.admit(rec.time):
            rec.fault = rec.fault or "rate_limited"
            return self.error(429, "too many requests: account limit exceeded")
        try:
            if request.method != "GET":
                rec.body = ctx.body = await self._body(request)
            else:
                ctx.body = {}
            return await route(request, ctx)
        except BadRequest as exc:
            return self.error(400, exc.message)

    def _drop(self, request: web.Request) -> web.Response:
        transport = request.transport
        if transport is not None:
            transport.abort()
        return web.Response(status=499)

    def _fault_response(self, rec: RequestRecord, decision: Decision) -> web.Response:
        status = decision.status or 500
        rec.status = status
        response = self.error(status, _ERROR_TEXT[status])
        retry_after = self._injector.config.retry_after
        if status == 429 and retry_after is not None:
            if isinstance(retry_after, float) and retry_after.is_integer():
                retry_after = int(retry_after)
            response.headers["Retry-After"] = str(retry_after)
        return response

    def _live_call(self, request: web.Request) -> CallState:
        call = self.store.get(request.match_info["call_uuid"])
        if call is None or not call.is_live(self.clock()):
            raise web.HTTPNotFound(reason="call not found or not live")
        return call

    def _place(
        self,
        rec: RequestRecord,
        *,
        from_: str,
        to: str,
        source: str,
        params: dict[str, Any],
        mpc: tuple[str, str, str] | None = None,
    ) -> CallState:
        now = self.clock()
        call_uuid = self.new_id()
        call = self.store.place(
            call_uuid, from_=from_, to=to, source=source, now=now, params=params
        )
        phlo_id, node_id, action = mpc or (None, None, None)
        self.records.add_call(
            CallRecord(
                call_uuid, to, from_, now, "mpc" if mpc else "api", rec.index, call_uuid,
                phlo_id, node_id, action,
            )
        )  # fmt: skip
        if self.callbacks is not None and source == "api":
            self.callbacks.start(call)
        return call

    # -- Call API ----------------------------------------------------------------------

    async def create_call(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``POST /Call/``: one call per ``<``-separated destination."""
        fields = validate_create(ctx.body)
        parent = fields["parent_call_uuid"]
        if parent and fields["error_if_parent_not_found"] and self.store.get(parent) is None:
            raise BadRequest(f"parent call {parent} not found")
        rec: RequestRecord = ctx.rec
        destinations: list[str] = fields.pop("to")
        uuids = [
            self._place(rec, from_=fields["from"], to=to, source="api", params=fields).uuid
            for to in destinations
        ]
        request_uuid: str | list[str] = uuids[0] if len(uuids) == 1 else uuids
        return self._json(
            201, {"message": "call fired", "request_uuid": request_uuid, "api_id": self.new_id()}
        )

    async def list_calls(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``GET /Call/``: CDR pages, or ids of live/queued calls with ``?status=``."""
        query = request.query
        now = self.clock()
        status = query.get("status")
        if status in ("live", "queued"):
            wanted = ("ringing", "in-progress") if status == "live" else ("queued",)
            calls = self.store.with_status(now, *wanted)
            if "to_number" in query:
                calls = [c for c in calls if c.to == query["to_number"]]
            if "from_number" in query:
                calls = [c for c in calls if c.from_ == query["from_number"]]
            return self._json(200, {"api_id": self.new_id(), "calls": [c.uuid for c in calls]})
        limit, offset = validate_list_query(query)
        selected = list(reversed(self.store.calls.values()))
        if query.get("call_direction") == "inbound":
            selected = []
        if "to_number" in query:
            selected = [c for c in selected if c.to == query["to_number"]]
        if "from_number" in query:
            selected = [c for c in selected if c.from_ == query["from_number"]]
        if status:
            selected = [c for c in selected if c.status(now) == status]
        total = len(selected)
        base = f"/v1/Account/{self.auth_id}/Call/?limit={limit}&offset="
        meta = {
            "limit": limit,
            "offset": offset,
            "next": base + str(offset + limit) if offset + limit < total else None,
            "previous": base + str(max(0, offset - limit)) if offset > 0 else None,
            "total_count": total,
        }
        objects = [c.cdr(now, self.auth_id) for c in selected[offset : offset + limit]]
        return self._json(200, {"api_id": self.new_id(), "meta": meta, "objects": objects})

    async def get_call(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``GET /Call/{uuid}/``; ``?status=live|queued`` for the live/queued lookups."""
        call = self.store.get(request.match_info["call_uuid"])
        if call is None:
            return self.error(404, "call not found")
        now = self.clock()
        status = request.query.get("status")
        if status in ("live", "queued"):
            current = call.status(now)
            ok = call.is_live(now) if status == "live" else current == "queued"
            if not ok:
                return self.error(404, f"call is not {status}")
            return self._json(200, {"api_id": self.new_id(), **call.live_view(now)})
        return self._json(200, {"api_id": self.new_id(), **call.cdr(now, self.auth_id)})

    async def transfer_call(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``POST /Call/{uuid}/``: transfer legs to new XML URLs."""
        body = ctx.body
        legs = validate_transfer(body)
        call = self._live_call(request)
        call.events.setdefault("transfers", []).append({"legs": legs, **body})
        return self._json(202, {"message": "call transferred", "api_id": self.new_id()})

    async def hangup_call(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``DELETE /Call/{uuid}/``: end a queued, ringing or answered call."""
        call = self.store.get(request.match_info["call_uuid"])
        now = self.clock()
        if call is None or call.is_over(now):
            return self.error(404, "call not found")
        call.hang_up(now)
        if self.callbacks is not None:
            self.callbacks.wake(call.uuid)
        return web.Response(status=204)

    async def cancel_request(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``DELETE /Request/{uuid}/``: cancel a call still in Plivo's queue."""
        call = self.store.get(request.match_info["request_uuid"])
        now = self.clock()
        if call is None or call.status(now) != "queued":
            return self.error(404, "request not found or no longer queued")
        call.hang_up(now)
        if self.callbacks is not None:
            self.callbacks.wake(call.uuid)
        return web.Response(status=204)

    async def start_recording(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``POST /Call/{uuid}/Record/``."""
        body = ctx.body
        file_format = str(body.get("file_format") or "mp3")
        if file_format not in ("mp3", "wav"):
            raise BadRequest("file_format must be mp3 or wav")
        time_limit = body.get("time_limit")
        if time_limit is not None and (
            isinstance(time_limit, bool) or not str(time_limit).isdigit() or int(time_limit) < 1
        ):
            raise BadRequest("time_limit must be a positive integer")
        call = self._live_call(request)
        recording_id = self.new_id()
        call.events.setdefault("recordings", []).append(recording_id)
        url = f"https://media.plivo.com/v1/Account/{self.auth_id}/Recording/{recording_id}.{file_format}"
        return self._json(
            202,
            {
                "url": url,
                "message": "call recording started",
                "recording_id": recording_id,
                "api_id": self.new_id(),
            },
        )

    async def start_playing(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``POST /Call/{uuid}/Play/``: ``urls`` required."""
        body = ctx.body
        if not body.get("urls"):
            raise BadRequest("Missing mandatory parameter: urls")
        self._check_legs(body, "legs")
        call = self._live_call(request)
        call.events.setdefault("play", []).append(body)
        return self._json(202, {"message": "play started", "api_id": self.new_id()})

    async def start_speaking(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``POST /Call/{uuid}/Speak/``: ``text`` required."""
        body = ctx.body
        if not body.get("text"):
            raise BadRequest("Missing mandatory parameter: text")
        self._check_legs(body, "legs")
        call = self._live_call(request)
        call.events.setdefault("speak", []).append(body)
        return self._json(202, {"message": "speak started", "api_id": self.new_id()})

    async def send_digits(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``POST /Call/{uuid}/DTMF/``: ``digits`` required."""
        body = ctx.body
        digits = body.get("digits")
        if not digits or not isinstance(digits, str) or not set(digits) <= _DIGITS:
            raise BadRequest("digits is required: 0-9, *, #, w, W")
        self._check_legs(body, "leg")
        call = self._live_call(request)
        call.events.setdefault("dtmf", []).append(digits)
        return self._json(202, {"message": "digits sent", "api_id": self.new_id()})

    async def stop_action(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``DELETE`` of Record/Play/Speak: 204 on a live call."""
        self._live_call(request)
        return web.Response(status=204)

    @staticmethod
    def _check_legs(body: Mapping[str, Any], name: str) -> None:
        legs = body.get(name)
        if legs is not None and legs not in _LEGS:
            raise BadRequest(f"{name} must be one of aleg, bleg, both")

    # -- PHLO ----------------------------------------------------------------------------

    async def get_phlo(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        phlo_id = request.match_info["phlo_id"]
        return self._json(
            200,
            {
                "api_id": self.new_id(),
                "phlo_id": phlo_id,
                "name": f"emulated phlo {phlo_id}",
                "created_on": format_time(self.clock()),
            },
        )

    async def get_mpc_node(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        info = request.match_info
        return self._json(
            200,
            {
                "api_id": self.new_id(),
                "node_id": info["node_id"],
                "phlo_id": info["phlo_id"],
                "name": "Multi-Party Call",
                "node_type": "multi_party_call",
                "created_on": format_time(self.clock()),
            },
        )

    async def run_phlo(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """``POST /v1/account/{auth_id}/phlo/{phlo_id}``: accepted, nothing is dialled."""
        phlo_id = request.match_info["phlo_id"]
        api_id = self.new_id()
        message = f"phlo {phlo_id} with phlo_run_uuid: {api_id} executed"
        return self._json(201, {"phlo_id": phlo_id, "api_id": api_id, "message": message})

    async def mpc_action(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """call / warm_transfer / cold_transfer: dial ``to`` and add it to the node."""
        action, to, role, trigger_source = validate_mpc_action(ctx.body)
        info = request.match_info
        phlo_id, node_id = info["phlo_id"], info["node_id"]
        call = self._place(
            ctx.rec,
            from_=trigger_source,
            to=to,
            source="mpc",
            params={"role": role, "trigger_source": trigger_source},
            mpc=(phlo_id, node_id, action),
        )
        members = self.store.node_members(phlo_id, node_id)
        members[to] = MemberState(to, role=role, call_uuid=call.uuid, actions=[action])
        if action == "cold_transfer" and trigger_source in members:
            members[trigger_source].left = True
        return self._json(200, {"api_id": self.new_id(), "error": ""})

    async def member_action(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """hold/unhold/mute/unmute/hangup/... of one member of the node."""
        info = request.match_info
        member_id = info["member_id"]
        action = validate_member_action(ctx.body, member_id)
        check_destination("member_id", member_id)
        members = self.store.node_members(info["phlo_id"], info["node_id"])
        member = members.setdefault(member_id, MemberState(member_id))
        member.actions.append(action)
        if action in ("hold", "unhold"):
            member.on_hold = action == "hold"
        elif action in ("mute", "unmute"):
            member.muted = action == "mute"
        elif action == "resume_call":
            member.on_hold = False
        elif action in ("hangup", "voicemail_drop"):
            member.left = True
            call = self.store.get(member.call_uuid) if member.call_uuid else None
            if call is not None:
                call.hang_up(self.clock())
        return self._json(200, {"api_id": self.new_id(), "error": ""})

    # -- admin (for an emulator in another process) --------------------------------------

    async def admin_stats(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        return self._json(200, self.records.summary())

    async def admin_calls(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        """Arrival times (its clock) of every call placed and every API request, since reset.

        What a test in another process needs to check a limit where Plivo counts it.
        """
        records = self.records
        calls = [{"to": c.to, "time": c.time, "source": c.source} for c in records.calls]
        requests = [
            {"time": r.time, "method": r.method, "path": r.path, "query": r.query}
            for r in records.requests
            if not r.path.startswith("/__emulator__")
        ]
        payload = {"calls": calls, "requests": requests, "max_in_1s": records.max_calls_in_window()}
        return self._json(200, payload)

    async def admin_reset(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        self.reset()
        return web.Response(status=204)

    async def admin_faults(self, request: web.Request, ctx: _Ctx) -> web.StreamResponse:
        body = dict(ctx.body)
        for key in ("latency_ms", "server_errors"):
            if isinstance(body.get(key), list):
                body[key] = tuple(body[key])
        if isinstance(body.get("schedule"), dict):
            body["schedule"] = {int(k): v for k, v in body["schedule"].items()}
        try:
            self.faults = FaultConfig(**body)
        except (TypeError, ValueError) as exc:
            raise BadRequest(str(exc)) from None
        return web.Response(status=204)
