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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", nargs="?", type=Path, default=NOTEBOOK)
    parser.add_argument("--save", type=Path, help="write the executed notebook here")
    args = parser.parse_args(argv)

    nb = nbformat.read(args.notebook, as_version=4)
    if any(cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"):
        print(f"{args.notebook}: store the notebook without outputs", file=sys.stderr)
        return 1
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=TIMEOUT,
        allow_errors=False,
        resources={"metadata": {"path": str(args.notebook.resolve().parent)}},
    )
    started = time.perf_counter()
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        print(f"{args.notebook}: execution failed\n{exc}", file=sys.stderr)
        return 1
    finally:
        if args.save is not None:
            nbformat.write(nb, args.save)
    # A cell can "succeed" while writing a traceback to stderr (a failed background task).
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("name") == "stderr" else ""
            if output.get("output_type") == "error" or "Traceback" in text:
                print(f"{args.notebook}: cell {index} reported an error:\n{text}", file=sys.stderr)
                return 1
    took = time.perf_counter() - started
    print(f"{args.notebook.name}: {len(nb.cells)} cells executed in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
