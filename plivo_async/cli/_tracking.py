"""``dial``'s tracking options: parsing them, and the callback receiver it starts for a run.

Tracking needs Plivo's callbacks to reach this process: ``--callbacks-listen`` starts the
library's signature-checking receiver (:meth:`CallTracker.app`) for the length of the run,
served as :func:`plivo_async.webhooks.server.serve` serves it (header timeout, connection
cap), and rows get URLs below ``--public-url`` (what Plivo calls).
"""

from __future__ import annotations

import argparse
import ipaddress
import math
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any, get_args

import attrs
from yarl import URL

from ..bulk.policy import Redial
from ..tracking import CallTracker, Disposition
from ..webhooks.server import HEADER_TIMEOUT, serve
from ._common import UsageError, describe_os_error

if TYPE_CHECKING:
    from ..webhooks.receiver import OnEvent

__all__ = [
    "Listener",
    "address",
    "check_tracking_options",
    "count",
    "dispositions",
    "listen",
    "public_url",
    "redial_from_args",
    "seconds",
]

#: What a row may be redialled on (an answered call never is).
REDIALLABLE = tuple(d for d in get_args(Disposition) if d != "answered")
#: Options that mean nothing without ``--callbacks-listen`` (tracking).
NEED_TRACKING = (
    ("redial", "--redial"),
    ("max_live_calls", "--max-live-calls"),
    ("track_wait", "--track-wait"),
    ("public_url", "--public-url"),
)
#: Paths below the public URL given to rows that have no URL of their own.
#: (``machine_detection_url`` too: its callback is what says a machine answered.)
CALLBACK_PATHS = {
    "hangup_url": "hangup",
    "ring_url": "ring",
    "machine_detection_url": "machine",
}


def seconds(text: str) -> float:
    """A finite number of seconds >= 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text!r}")
    return value


def positive_seconds(text: str) -> float:
    """A finite number of seconds > 0 (a wait of 0 would give up on every call)."""
    value = seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError(f"expected seconds > 0, got {text!r}")
    return value


def count(text: str) -> int:
    """A whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def dispositions(text: str) -> frozenset[str]:
    """``busy,no-answer``: the dispositions to redial on."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    wrong = [name for name in names if name not in REDIALLABLE]
    if not names or wrong:
        said = "an answered call is never redialled; " if "answered" in wrong else ""
        raise argparse.ArgumentTypeError(
            f"{said}expected dispositions separated by commas from {', '.join(REDIALLABLE)}"
            f", got {text!r}"
        )
    return frozenset(names)


def address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8080`` for IPv6); port 0 picks a free one."""
    host, sep, port_text = text.rpartition(":")
    host = host.removeprefix("[").removesuffix("]") if host.startswith("[") else host
    try:
        port = int(port_text)
    except ValueError:
        port = -1
    if not sep or not host or not 0 <= port <= 65535 or (":" in host and "[" not in text):
        raise argparse.ArgumentTypeError(
            f"expected HOST:PORT (e.g. 127.0.0.1:8080, port 0 for any free one), got {text!r}"
        )
    return host, port


def public_url(text: str) -> str:
    """An http(s) URL with a host and no query or fragment; without its trailing slash."""
    try:
        url = URL(text)
    except ValueError:
        url = URL()
    if url.scheme not in ("http", "https") or not url.host or url.query_string or url.fragment:
        raise argparse.ArgumentTypeError(
            f"expected an http(s) URL with no query, e.g. https://hooks.example.com, got {text!r}"
        )
    return text.rstrip("/")


def _unspecified(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def check_tracking_options(args: Any) -> None:
    """The combinations that make no sense, as one-line usage errors (nothing is sent)."""
    if args.callbacks_listen is None:
        for name, flag in NEED_TRACKING:
            if getattr(args, name) is not None:
                raise UsageError(f"{flag} needs --callbacks-listen (tracking gets the callbacks)")
    elif args.hangup_url is not None:
        raise UsageError(
            "--hangup-url with --callbacks-listen: the hangup callback is what tracking "
            "needs, so rows get the listener's (see --public-url)"
        )
    elif _unspecified(args.callbacks_listen[0]) and args.public_url is None:
        raise UsageError(
            f"--callbacks-listen {args.callbacks_listen[0]} listens on every interface: "
            "give --public-url, the address Plivo should call"
        )
    if args.redial is None:
        for name, flag in (
            ("redial_after", "--redial-after"),
            ("redial_attempts", "--redial-attempts"),
        ):
            if getattr(args, name) is not None:
                raise UsageError(f"{flag} needs --redial (which dispositions to redial)")
    if args.no_reconcile:
        for name, flag in (
            ("reconcile_lag", "--reconcile-lag"),
            ("reconcile_settle", "--reconcile-settle"),
            ("reconcile_wait", "--reconcile-wait"),
        ):
            if getattr(args, name) is not None:
                raise UsageError(f"{flag} means nothing with --no-reconcile")


def redial_from_args(args: Any) -> Redial | None:
    if args.redial is None:
        return None
    options: dict[str, Any] = {"on": args.redial}
    if args.redial_after is not None:
        options["after"] = args.redial_after
    if args.redial_attempts is not None:
        options["attempts"] = args.redial_attempts
    return Redial(**options)


@attrs.frozen
class Listener:
    """A running receiver: where it listens, and the URL rows give Plivo."""

    tracker: CallTracker
    url: str
    public_url: str

    def defaults(self) -> dict[str, str]:
        """URLs for rows that have none of their own (hangup, ring, machine detection)."""
        return {key: f"{self.public_url}/{path}" for key, path in CALLBACK_PATHS.items()}


@asynccontextmanager
async def listen(
    host: str,
    port: int,
    *,
    auth_token: str,
    public: str | None = None,
    on_event: OnEvent | None = None,
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int | None = None,
) -> AsyncIterator[Listener]:
    """Serve a tracker's receiver on ``host:port`` until the block ends.

    With a ``public`` URL (a proxy or tunnel in front), signatures are checked against
    it: Plivo signs the URL it called. ``on_event`` answers the callbacks after the
    tracker saw them (Plivo XML for an answer URL; default: an empty 200). Raises
    :class:`UsageError` when the address cannot be bound (nothing has been sent yet).
    ``header_timeout`` and ``max_connections``: as for :func:`serve`.
    """
    tracker = CallTracker()
    app = tracker.app(auth_token, public_url=public, on_event=on_event)
    async with AsyncExitStack() as stack:
        try:
            bound = await stack.enter_async_context(
                serve(
                    app, host, port, header_timeout=header_timeout, max_connections=max_connections
                )
            )
        except OSError as exc:
            raise UsageError(f"cannot listen on {host}:{port}: {describe_os_error(exc)}") from None
        shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
        url = f"http://{shown}:{bound[1]}"
        yield Listener(tracker, url, public or url)
