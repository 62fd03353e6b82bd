"""The MPC runner: one multi-party-call action per row (add a user, warm or cold transfer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..._types import RequestObserver
from ...resources.phlo import Phlo
from ..outcome import MpcActionRow
from .function import FunctionRunner

__all__ = ["mpc_runner"]


def mpc_runner(phlo: Callable[[str], Phlo], *, retry_unsafe: bool) -> FunctionRunner:
    """A runner that sends each row's action to its PHLO's multi-party-call node."""

    def send(row: MpcActionRow, observer: RequestObserver) -> Awaitable[Any]:
        mpc = phlo(row.phlo_id).multi_party_call(row.node_id)
        return mpc.update_from(row.request, retry_unsafe=retry_unsafe, observer=observer)

    return FunctionRunner(send)
