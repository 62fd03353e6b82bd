"""A local Plivo voice API for tests and benchmarks (Call API + PHLO multi-party calls).

Start one in the running loop with ``async with Emulator() as emu:`` (or the pytest
fixture ``plivo_emulator``), in another process with :func:`run_in_subprocess`, or from a
shell with ``python -m plivo_async.emulator --port 0``. Default credentials:
auth_id ``MAEMULATOR0000000000``, auth_token ``emulator-token``.

The emulator is a server and stands alone: it never imports the client.
"""

from __future__ import annotations

from .amd import Greeting
from .clock import ManualClock
from .faults import FAULT_NAMES, FaultConfig
from .flow import FlowRunner, FlowStep, Timing
from .history import CallbackEntry, CallEntry, History, RequestEntry
from .process import run_in_subprocess
from .scripts import Digits, Script, Scripts, Silence, Speech
from .server import DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN, Emulator
from .state import CallState, Lifecycle, MemberState, PhloNode, PhloState

__all__ = [
    "DEFAULT_AUTH_ID",
    "DEFAULT_AUTH_TOKEN",
    "FAULT_NAMES",
    "CallEntry",
    "CallState",
    "CallbackEntry",
    "Digits",
    "Emulator",
    "FaultConfig",
    "FlowRunner",
    "FlowStep",
    "Greeting",
    "History",
    "Lifecycle",
    "ManualClock",
    "MemberState",
    "PhloNode",
    "PhloState",
    "RequestEntry",
    "Script",
    "Scripts",
    "Silence",
    "Speech",
    "Timing",
    "run_in_subprocess",
]
