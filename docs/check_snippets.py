"""Run every example the guides include from docs/snippets/, so none of them can rot.

``python docs/check_snippets.py``: scripts run as ``python FILE``, ``test_*.py`` files
under pytest (strict asyncio mode, as in a user's project). Exits non-zero if any fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

SNIPPETS = Path(__file__).resolve().parent / "snippets"
ROOT = SNIPPETS.parents[1]
TIMEOUT = 120


def command(path: Path) -> list[str]:
    if path.name.startswith("test_"):
        pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        return [*pytest, "-o", "asyncio_mode=strict", str(path)]
    return [sys.executable, str(path)]


def main() -> int:
    # The examples must not depend on (or use) real credentials.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLIVO_AUTH")}
    failed = []
    # A script runs with its folder first on sys.path: one named like a standard module
    # (numbers.py) would shadow it for every snippet's imports.
    shadowing = [p.name for p in SNIPPETS.glob("*.py") if p.stem in sys.stdlib_module_names]
    if shadowing:
        print(f"snippets named like standard modules: {', '.join(shadowing)}", file=sys.stderr)
        return 1
    for path in sorted(SNIPPETS.glob("*.py")):
        started = time.perf_counter()
        try:
            result = subprocess.run(
                command(path),
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
            ok, output = result.returncode == 0, result.stdout + result.stderr
        except subprocess.TimeoutExpired:
            ok, output = False, f"timed out after {TIMEOUT} s"
        took = time.perf_counter() - started
        print(f"{'ok  ' if ok else 'FAIL'} {path.name} ({took:.1f} s)")
        if not ok:
            failed.append(path.name)
            print(output, file=sys.stderr)
    if failed:
        print(f"{len(failed)} example(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
