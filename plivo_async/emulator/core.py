"""``EmulatorCore``: what every route shares: ids, clock, history, state, errors, placing.

One core per emulator. Route handlers (``routes/<area>.py``) get it as ``ctx.core`` and
use only what is here; the middleware (``middleware.py``) uses it for auth, faults and the
request records; :class:`~plivo_async.emulator.server.Emulator` wraps it with a server.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any, TypeVar

from aiohttp import web

from .auth import Credentials
from .callbacks import CallbackSender
from .faults import FaultConfig, FaultInjector
from .flow import FlowRunner
from .history import DEFAULT_HISTORY_LIMIT, CallEntry, CallSource, History, RequestEntry
from .ratelimit import SlidingWindow
from .scripts import Scripts
from .state import (
    AccountState,
    AreaState,
    CallState,
    CallStore,
    Lifecycle,
    PricingState,
    SubaccountState,
)
from .state.account import DEFAULT_CASH_CREDIT
from .state.pricing import VoicePrices

__all__ = ["EmulatorCore"]

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
S = TypeVar("S", bound=AreaState)

_JSON = "application/json"


def _uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` without building the UUID object.

    Each call create asks for two ids (call and api_id); the UUID class's pure-Python
    ``__init__`` and ``__str__`` were the emulator's largest cost of its own per request.
    """
    bits = (bits & ~(0xC000 << 48) | 0x8000 << 48) & ~(0xF000 << 64) | 4 << 76
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _credit(value: Decimal | str) -> Decimal:
    try:
        credit = Decimal(value)
    except (ArithmeticError, ValueError, TypeError):
        raise ValueError(f"cash_credit: not a decimal amount ({value!r})") from None
    if not credit.is_finite():
        raise ValueError(f"cash_credit: not a finite amount ({value!r})")
    return credit


class EmulatorCore:
    """State and shared helpers of one emulator; :class:`Emulator` adds the server."""

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
        cdr_lag: float | None = None,
        rate_limit: tuple[int, float] | None,
        callbacks: bool,
        flows: bool = False,
        history_limit: int | None = DEFAULT_HISTORY_LIMIT,
        cash_credit: Decimal | str = DEFAULT_CASH_CREDIT,
        voice_prices: VoicePrices | None = None,
    ) -> None:
        self.auth_id = auth_id
        self.subaccounts = SubaccountState()
        """The subaccounts, whose credentials :attr:`credentials` accepts too."""
        self.credentials = Credentials(auth_id, auth_token, self.subaccounts.token_of)
        self.seed = seed
        self.clock = clock
        """The emulator's time (seconds): call lifecycles and record timestamps use it."""
        self.sleep = sleep
        """Waits on the emulator's time (latency, callbacks); a fake one takes no real time."""
        self.history = History(history_limit)
        self.calls = CallStore(lifecycle, cps, cdr_lag)
        self.scripts = Scripts()
        """How each destination behaves (answers, busy, rings out; when; for how long)."""
        self.prices = PricingState.of(voice_prices)
        """What ``GET Pricing/`` serves and calls are billed at."""
        self.account = AccountState(_credit(cash_credit))
        """The account's details and starting credit; :meth:`credit` is what is left."""
        self._states: dict[type[Any], AreaState] = {
            CallStore: self.calls,
            PricingState: self.prices,
            AccountState: self.account,
            SubaccountState: self.subaccounts,
        }
        self._ids = random.Random(f"ids-{seed}") if seed is not None else None
        self.window = SlidingWindow(*rate_limit) if rate_limit else None
        """The account's request limit (None: off); the middleware answers 429 beyond it."""
        self.callbacks: CallbackSender | None = None
        if callbacks:
            self.callbacks = CallbackSender(
                auth_token=auth_token,
                history=self.history,
                clock=clock,
                sleep=sleep,
                seed=seed,
                duplicates=lambda: self.injector.config.duplicate_callbacks,
            )
        self.injector = FaultInjector(faults or FaultConfig(), seed)
        self.flows: FlowRunner | None = None
        """Runs the Plivo XML of answered calls (``Emulator(flows=True)``), else None."""
        if flows:
            self.flows = FlowRunner(self, auth_token=auth_token, seed=seed)
        self.signing_key = self.new_id().encode()
        """The emulator's own key for what it signs (JWT tokens); Plivo's is secret too."""

    # -- configuration -------------------------------------------------------------

    @property
    def faults(self) -> FaultConfig:
        return self.injector.config

    @faults.setter
    def faults(self, config: FaultConfig | None) -> None:
        """Apply a new fault config; its schedule and RNG start afresh."""
        self.injector = FaultInjector(config or FaultConfig(), self.seed)

    def state(self, kind: type[S]) -> S:
        """This emulator's one instance of an area's state class, created on first use."""
        found = self._states.get(kind)
        if found is None:
            found = self._states[kind] = kind()
        return found  # type: ignore[return-value]  # keyed by its own type

    def reset(self) -> None:
        """Forget the history, the state of every area and the rate-limit window."""
        self.history.reset()
        for area in self._states.values():
            area.reset()
        if self.flows is not None:
            self.flows.reset()
        if self.window is not None:
            self.window.reset()

    def credit(self) -> Decimal:
        """The account's cash credit now: the start less every call billed so far."""
        return self.account.credit(self.calls.calls.values(), self.clock(), self.rate)

    def rate(self, call: CallState) -> Decimal:
        """The per-minute price of ``call``'s destination (0 where nothing matches)."""
        return self.prices.outbound_rate(call.to) or Decimal(0)

    def new_id(self) -> str:
        """A uuid4 string; reproducible when the emulator has a seed."""
        if self._ids is None:
            return _uuid4_text(int.from_bytes(os.urandom(16), "big"))
        return _uuid4_text(self._ids.getrandbits(128))

    # -- answers -----------------------------------------------------------------------

    def json(self, status: int, payload: dict[str, Any]) -> web.Response:
        """A JSON answer (add ``"api_id": core.new_id()`` to the payload as Plivo does)."""
        return web.Response(status=status, body=json.dumps(payload), content_type=_JSON)

    def error(self, status: int, message: str) -> web.Response:
        """Plivo's error shape: ``{"api_id", "error"}``."""
        return self.json(status, {"api_id": self.new_id(), "error": message})

    # -- placing calls -----------------------------------------------------------------

    def place(
        self,
        rec: RequestEntry,
        *,
        from_: str,
        to: str,
        source: CallSource,
        params: dict[str, Any],
        mpc: tuple[str, str, str] | None = None,
    ) -> CallState:
        """Place one call: a :class:`CallState` walking its lifecycle, and a CallEntry.

        Every route that dials goes through here, so ``emu.duplicates()``, the CPS queue
        and ``max_calls_in_window`` count it; ``source`` is ``"api"``, ``"mpc"`` (then
        ``mpc`` is ``(phlo_id, node_id, action)``) or ``"dial"`` (a call flow's B-leg).
        The destination's script shapes the call; callbacks (when on) and call flows
        follow calls placed with ``source="api"``.
        """
        now = self.clock()
        call_uuid = self.new_id()
        script = self.scripts[to] if self.scripts else None
        call = self.calls.place(
            call_uuid, from_=from_, to=to, source=source, now=now, params=params, script=script
        )
        phlo_id, node_id, action = mpc or (None, None, None)
        self.history.add_call(
            CallEntry(
                call_uuid, to, from_, now, source, rec.index, call_uuid, phlo_id, node_id, action
            )
        )
        if source == "api":
            if self.flows is not None:
                self.flows.start(call, rec)  # before the callbacks: it takes over answer_url
            if self.callbacks is not None:
                self.callbacks.start(call)
        return call

    def hang_up(
        self, call: CallState, *, source: str = "API Request", cause: str = "Normal Hangup"
    ) -> None:
        """End ``call`` now and let its callbacks catch up; ``source`` and ``cause`` (Plivo's
        hangup source and cause name) say who ended it and why."""
        call.hang_up(self.clock(), source=source, cause=cause)
        if self.callbacks is not None:
            self.callbacks.wake(call.uuid)
