"""A progress bar for a bulk run: tqdm when attached to a terminal or a notebook.

The bar shows a total, and so an ETA, when the number of rows is known: given as
``total``, or the ``len()`` of the rows (a list, a tuple, :class:`~.inputs.CsvRows`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sized
from typing import Any

__all__ = ["forget_row", "make_progress", "write_line"]

log = logging.getLogger("plivo_async")


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
