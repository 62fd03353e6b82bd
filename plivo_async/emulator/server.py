"""``Emulator``: the fake Plivo API served on loopback in the running event loop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from decimal import Decimal
from types import TracebackType
from typing import Any, TypeVar

from aiohttp import web

from .access import AccessLog
from .app import build_app
from .core import EmulatorCore
from .faults import FaultConfig
from .flow import FlowRunner
from .history import DEFAULT_HISTORY_LIMIT, History
from .scripts import Scripts
from .state import AreaState, CallState, Lifecycle, Phlos, PhloState
from .state.account import DEFAULT_CASH_CREDIT
from .state.pricing import VoicePrices

__all__ = ["DEFAULT_AUTH_ID", "DEFAULT_AUTH_TOKEN", "Emulator"]

S = TypeVar("S", bound=AreaState)

log = logging.getLogger("plivo_async.emulator")

DEFAULT_AUTH_ID = "MAEMULATOR0000000000"
DEFAULT_AUTH_TOKEN = "emulator-token"


class Emulator:
    """A local Plivo voice API (Call API + PHLO) with fault injection and a history of what it saw.

    ``async with Emulator() as emu:`` binds ``host`` (127.0.0.1) on an ephemeral port;
    point a client at ``emu.url`` (API) and ``emu.phlo_url`` (PHLO runner): both are the
    same server root. Credentials default to :data:`DEFAULT_AUTH_ID` /
    :data:`DEFAULT_AUTH_TOKEN`. ``clock`` (seconds, default ``time.time``) drives call
    lifecycles and record timestamps; ``sleep`` (default ``asyncio.sleep``) is used for
    injected latency and callback waits, so tests can pass a fake pair.
    ``cps`` queues calls beyond that many per second (as Plivo does); ``rate_limit``
    (e.g. ``(300, 5.0)``) answers 429 beyond that many requests per window;
    ``callbacks=True`` sends signed ring/answer/machine/hangup callbacks to loopback URLs
    (and the result of a create made with ``callback_url``, Plivo's asynchronous mode);
    :attr:`scripts` says how each destination answers (busy, no answer, a machine, after
    how long, for how long);
    ``flows=True`` runs the Plivo XML each answered call gets from its ``answer_url``
    (see :attr:`flows` and ``plivo_async.emulator.flow``).
    ``cdr_lag`` (seconds) makes call-record lookups truthful: ``GET Call/`` and
    ``GET Call/{uuid}/`` find a call only once it is over and ``cdr_lag`` seconds have
    passed, as Plivo indexes records after hangup; the default None shows every call's
    record at once, live calls included.
    ``history_limit`` caps the full records kept of requests and of callbacks (each; the
    oldest are dropped and counted, ``history.requests.dropped``; None keeps them all):
    calls placed, counts per destination, duplicates and fault counts stay exact.
    ``phlos`` declares the PHLOs it serves, as Plivo knows yours (``{"phlo-id":
    {"node-id": "multi_party_call"}}``, or a :class:`~plivo_async.emulator.state.PhloNode`
    with members): an unknown PHLO, node or member is a 404, so a test with a wrong id
    fails as it would on Plivo. ``any_phlo=True`` accepts any id (quick demos).
    ``cash_credit`` is the account's starting credit (``"1000.00"``); every call is billed
    from it when it ends, at the rate of its destination's longest prefix in the prices
    ``GET Pricing/`` serves: the defaults of ``plivo_async.emulator.state.pricing`` (US, CA,
    GB, IN, AU), with ``voice_prices={"US": {"1": "0.02", "1907": "0.2"}}`` replacing a
    country's per-minute rates by prefix.
    """

    def __init__(
        self,
        *,
        auth_id: str = DEFAULT_AUTH_ID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        faults: FaultConfig | None = None,
        seed: int | None = None,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        lifecycle: Lifecycle | None = None,
        cps: float | None = None,
        cdr_lag: float | None = None,
        rate_limit: tuple[int, float] | None = None,
        callbacks: bool = False,
        flows: bool = False,
        history_limit: int | None = DEFAULT_HISTORY_LIMIT,
        phlos: Phlos | None = None,
        any_phlo: bool = False,
        cash_credit: Decimal | str = DEFAULT_CASH_CREDIT,
        voice_prices: VoicePrices | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self._core = EmulatorCore(
            auth_id=auth_id,
            auth_token=auth_token,
            faults=faults,
            seed=seed,
            clock=clock or time.time,
            sleep=sleep or asyncio.sleep,
            lifecycle=lifecycle or Lifecycle(),
            cps=cps,
            cdr_lag=cdr_lag,
            rate_limit=rate_limit,
            callbacks=callbacks,
            flows=flows,
            history_limit=history_limit,
            cash_credit=cash_credit,
            voice_prices=voice_prices,
        )
        self.declare_phlos(phlos or {})
        self._core.state(PhloState).any_phlo = any_phlo
        self._app = build_app(self._core)
        self.auth_id = auth_id
        self.auth_token = auth_token
        self.host = host
        self._port = port
        self._runner: web.AppRunner | None = None

    def __repr__(self) -> str:
        state = self.url if self._runner else "stopped"
        return f"<Emulator {state} auth_id={self.auth_id}>"

    # -- lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Bind and serve; the port is known afterwards (``emu.port``)."""
        if self._runner is not None:
            raise RuntimeError("emulator already started")
        runner = web.AppRunner(
            self._app, access_log=log, access_log_class=AccessLog, handle_signals=False
        )
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._port, backlog=1024)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        address = runner.addresses[0]
        self._port = int(address[1])
        log.debug("emulator serving on %s", self.url)

    async def stop(self) -> None:
        """Cancel pending callbacks, close connections and unbind."""
        if self._core.callbacks is not None:
            await self._core.callbacks.close()
        if self._core.flows is not None:
            await self._core.flows.close()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Emulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- where and what ----------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """API base (server root); the client appends ``/v1/Account/{auth_id}/``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._port}"

    @property
    def phlo_url(self) -> str:
        """PHLO base: the same server root; the client appends ``/v1/phlo/``."""
        return self.url

    @property
    def lookup_url(self) -> str:
        """Number lookup base: the same server root; the client appends ``/v1/Number/``."""
        return self.url

    @property
    def app(self) -> web.Application:
        """The aiohttp application, e.g. to mount it in another test server."""
        return self._app

    @property
    def history(self) -> History:
        """What the emulator saw: requests, calls placed, callbacks sent."""
        return self._core.history

    @property
    def clock(self) -> Callable[[], float]:
        return self._core.clock

    # -- faults ------------------------------------------------------------------------

    @property
    def faults(self) -> FaultConfig:
        return self._core.faults

    @faults.setter
    def faults(self, config: FaultConfig | None) -> None:
        self._core.faults = config

    def set_faults(self, config: FaultConfig | None = None, **fields: Any) -> FaultConfig:
        """Apply ``config`` or ``FaultConfig(**fields)`` from the next request on."""
        if config is not None and fields:
            raise TypeError("pass a FaultConfig or keyword fields, not both")
        self._core.faults = config if config is not None else FaultConfig(**fields)
        return self._core.faults

    def clear_faults(self) -> None:
        self._core.faults = None

    # -- inspection ----------------------------------------------------------------------

    def dialled_counts(self, *, placed_only: bool = False) -> Counter[str]:
        """Calls placed per destination (``placed_only``: not the B-legs of ``<Dial>``)."""
        return self.history.dialled_counts(placed_only=placed_only)

    def duplicates(self) -> dict[str, int]:
        """Destinations the client dialled more than once (empty: nobody was dialled
        twice); B-legs placed by call flows' ``<Dial>`` don't count."""
        return self.history.duplicates()

    def call(self, call_uuid: str) -> CallState | None:
        """The emulated call with this uuid (the uuid returned as ``request_uuid``)."""
        return self._core.calls.get(call_uuid)

    @property
    def calls(self) -> list[CallState]:
        """All emulated calls, in placement order, B-legs of ``<Dial>`` included
        (``call.source == "dial"``; :attr:`placed_calls` leaves them out)."""
        return list(self._core.calls.calls.values())

    @property
    def placed_calls(self) -> list[CallState]:
        """The calls the client placed (API creates, MPC and masking-session calls)."""
        return [c for c in self._core.calls.calls.values() if c.source != "dial"]

    @property
    def cash_credit(self) -> Decimal:
        """The account's credit now: the starting credit less every call billed so far."""
        return self._core.credit()

    def state(self, kind: type[S]) -> S:
        """This emulator's state of one API area, e.g. ``emu.state(PhloState)``.

        The same instance the routes use (see ``plivo_async.emulator.state``), to inspect
        it or to set up what API calls alone cannot.
        """
        return self._core.state(kind)

    def declare_phlos(self, phlos: Phlos) -> None:
        """Serve these PHLOs too: ``{"phlo-id": {"node-id": "multi_party_call"}}``.

        Raises:
            ValueError: If an id or a node type is not a non-empty string.
        """
        self._core.state(PhloState).declare(phlos)

    def reset_history(self) -> None:
        """Forget recorded requests/calls/callbacks (emulated calls stay)."""
        self.history.reset()

    def reset(self) -> None:
        """Forget the history and all emulated calls and members."""
        self._core.reset()

    @property
    def scripts(self) -> Scripts:
        """How each destination behaves: ``emu.scripts[to] = Script(answer="busy")``.

        Applies to every call placed from then on, with or without ``flows=True`` (the
        same object as ``emu.flows.scripts``); see :mod:`plivo_async.emulator.scripts`.
        """
        return self._core.scripts

    @scripts.setter
    def scripts(self, scripts: Scripts) -> None:
        self._core.scripts = scripts

    @property
    def flows(self) -> FlowRunner:
        """The call-flow runner: ``scripts`` per destination, ``steps`` and ``path(to)``."""
        if self._core.flows is None:
            raise RuntimeError("call flows are off: start the emulator with flows=True")
        return self._core.flows

    async def wait_for_callbacks(self) -> None:
        """Wait until all callbacks due so far have been sent (needs ``callbacks=True``)."""
        if self._core.callbacks is not None:
            await self._core.callbacks.drain()
