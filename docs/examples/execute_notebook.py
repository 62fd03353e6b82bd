"""Execute docs/examples/bulk_dialer.ipynb top to bottom; exit non-zero on any error.

``python docs/examples/execute_notebook.py [NOTEBOOK] [--save OUT.ipynb]``. The stored
notebook has no outputs; ``--save`` writes an executed copy (e.g. to look at the plot)
without touching the original. Run from anywhere: the kernel starts in the notebook's
folder, with the ``python3`` kernel of the current environment.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

HERE = Path(__file__).resolve().parent
NOTEBOOK = HERE / "bulk_dialer.ipynb"
TIMEOUT = 120  # seconds per cell


class NotebookFailed(Exception):
    """The notebook could not be run cleanly; the message says which cell and why."""


def execute(path: Path = NOTEBOOK, save: Path | None = None) -> nbformat.NotebookNode:
    """Run the notebook at ``path`` and return it with its outputs (the file is untouched).

    Also used by the docs build (docs/_hooks/notebook.py), which renders the result.

    Raises:
        NotebookFailed: If the stored notebook has outputs, a cell raised or timed out, the
            kernel died, or a cell wrote a traceback (a failed background task).
    """
    nb = nbformat.read(path, as_version=4)
    if any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"):
        raise NotebookFailed(f"{path}: store the notebook without outputs")
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(path.resolve().parent)}},
    )
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        raise NotebookFailed(f"{path}: execution failed\n{exc}") from exc
    finally:
        if save is not None:
            nbformat.write(nb, save)
    # A cell can "succeed" while writing a traceback to stderr (a failed background task).
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("name") == "stderr" else ""
            if output.get("output_type") == "error" or "Traceback" in text:
                raise NotebookFailed(f"{path}: cell {index} reported an error:\n{text}")
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path, default=NOTEBOOK)
    parser.add_argument("--save", type=Path, help="write the executed notebook here")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    try:
        nb = execute(args.notebook, args.save)
    except NotebookFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    took = time.perf_counter() - started
    print(f"{args.notebook.name}: {len(nb.cells)} cells executed in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
