"""A progress bar for a bulk run: tqdm when attached to a terminal or a notebook.

The bar shows a total, and so an ETA, when the number of rows is known: given as
``total``, or the ``len()`` of the rows (a list, a tuple, :class:`~.inputs.CsvRows`).
What it shows is read from the run's :class:`~.outcome.Summary` and nothing else, so the
bar and the summary printed at the end always agree: the bar counts the rows
``finished`` (their outcome decided: rows the run stopped before sending are not), and
its postfix the calls ``placed`` and ``live`` (placed, their end not yet known: a tracked
run follows them), the retries, and the rows failed, unknown and not sent, as they
happen.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Sized
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .outcome import Summary

__all__ = ["Progress", "finished", "forget_row", "make_progress", "postfix", "write_line"]

log = logging.getLogger("plivo_async")

#: Seconds between redraws of the bar (each row's outcome and call updates it).
REFRESH = 0.2


def finished(summary: Summary) -> int:
    """Rows whose outcome is decided (ok, failed, invalid, unknown): not those the run
    never sent (``not_sent``, ``cancelled``: a resume sends them)."""
    return summary.rows - summary.not_sent


def postfix(summary: Summary) -> dict[str, int]:
    """What the bar shows beside the rows finished: calls placed and live always, the
    rest once it is not zero."""
    shown = {"placed": summary.placed, "live": summary.live}
    for name, value in (
        ("retries", summary.retries),
        ("failed", sum(summary.failed.values())),
        ("unknown", summary.unknown),
        ("not_sent", summary.not_sent),
        ("suppressed", summary.suppressed),
        ("waiting", len(summary.waiting)),
    ):
        if value:
            shown[name] = value
    return shown


class Progress:
    """Shows a run's summary as it changes: on a bar (a tqdm, or any object with its
    ``n``, ``total``, ``set_postfix``, ``refresh`` and ``close``), drawn at most every
    :data:`REFRESH` seconds, and to a callback, every time."""

    def __init__(self, bar: Any, callback: Callable[[Summary], object] | None) -> None:
        self.bar = bar
        self._callback = callback
        self._drawn = -REFRESH  # monotonic time of the last draw

    def show(self, summary: Summary, *, final: bool = False) -> None:
        bar = self.bar
        if bar is not None:
            now = time.monotonic()
            if final or now - self._drawn >= REFRESH:
                self._drawn = now
                bar.n = finished(summary)
                bar.set_postfix(postfix(summary), refresh=False)
                bar.refresh()
        if self._callback is not None and not final:
            self._callback(summary)

    def forget_row(self) -> None:
        forget_row(self.bar)

    def close(self, summary: Summary) -> None:
        """The last draw, with the final counts; then the bar is closed."""
        if self.bar is not None:
            self.show(summary, final=True)
            self.bar.close()


def make_progress(progress: Any, *, total: int | None = None, rows: object = None) -> Any:
    """A tqdm bar when asked or when attached to a terminal/notebook, else None.

    Without ``total``, a ``rows`` that has a length gives it; it is asked only when a bar
    is made (counting a CSV reads the file once).
    """
    if progress is False or callable(progress):
        return None
    interactive = "ipykernel" in sys.modules or sys.stderr.isatty()
    if progress is None and not interactive:
        return None
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        if progress is True:
            log.warning("progress=True needs tqdm: pip install 'plivo-async[progress]'")
        return None
    if total is None and isinstance(rows, Sized):
        total = len(rows)
    return tqdm(total=total, unit="row", dynamic_ncols=True, mininterval=0.2)


def forget_row(bar: Any) -> None:
    """A row this run will not do (done in an earlier run) leaves the bar's total, so the
    ETA counts only the rows still to do."""
    if bar is not None and bar.total:
        bar.total -= 1


def write_line(text: str) -> None:
    """One line on stderr that does not tear a progress bar drawn there."""
    tqdm = getattr(sys.modules.get("tqdm.auto"), "tqdm", None)
    if tqdm is not None:
        tqdm.write(text, file=sys.stderr)
    else:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
