"""A progress bar for a bulk run: tqdm when attached to a terminal or a notebook."""

from __future__ import annotations

import logging
import sys
from typing import Any

__all__ = ["make_progress"]

log = logging.getLogger("plivo_async")


def make_progress(progress: Any) -> Any:
    """A tqdm bar when asked or when attached to a terminal/notebook, else None."""
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
    return tqdm(unit="row", dynamic_ncols=True, mininterval=0.2)
