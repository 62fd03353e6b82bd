"""What every benchmark shares: the emulator process, machine info, the table, the JSON."""

from __future__ import annotations

import base64
import contextlib
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from plivo_async.emulator import DEFAULT_AUTH_ID, DEFAULT_AUTH_TOKEN
from plivo_async.emulator.process import emulator_command, start_process

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results"

AUTH_ID = DEFAULT_AUTH_ID
AUTH_TOKEN = DEFAULT_AUTH_TOKEN  # never printed, never written to results
FROM = "+14155550100"
ANSWER_URL = "https://example.com/answer"


def destination(i: int) -> str:
    """A distinct, valid destination number per request (never equal to ``FROM``)."""
    return f"+1415{i % 10_000_000:07d}"


def auth_header() -> str:
    return "Basic " + base64.b64encode(f"{AUTH_ID}:{AUTH_TOKEN}".encode()).decode("ascii")


# -- the emulator, always in a separate process --------------------------------------------

# urllib without proxies from the environment: the admin calls go to loopback only.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class EmulatorProcess:
    """A running ``benchmarks.emulator_server`` child: its URL, pid and admin endpoints."""

    def __init__(self, url: str, proc: subprocess.Popen[str]) -> None:
        self.url = url
        self.proc = proc
        self.pid = proc.pid
        self._ps: Any = None
        with contextlib.suppress(ImportError):
            import psutil  # type: ignore[import-untyped,unused-ignore]

            self._ps = psutil.Process(proc.pid)

    def _admin(self, method: str, path: str) -> Any:
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": auth_header()}
        )
        with _OPENER.open(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def reset(self) -> None:
        """Forget records, calls and members (``POST /__emulator__/reset``)."""
        self._admin("POST", "/__emulator__/reset")

    def stats(self) -> dict[str, Any]:
        """Counts since the last reset (``GET /__emulator__/stats``)."""
        result: dict[str, Any] = self._admin("GET", "/__emulator__/stats")
        return result

    def call_times(self) -> dict[str, Any]:
        """Arrival times of the calls placed since the last reset (``GET /__bench__/calls``)."""
        result: dict[str, Any] = self._admin("GET", "/__bench__/calls")
        return result

    def cpu_seconds(self) -> float | None:
        """User + system CPU time the emulator process has used so far (psutil), or None."""
        if self._ps is None:
            return None
        times = self._ps.cpu_times()
        return float(times.user + times.system)

    def rss_mb(self) -> float | None:
        if self._ps is None:
            return None
        return float(self._ps.memory_info().rss) / 2**20


@contextlib.contextmanager
def emulator(startup_timeout: float = 20.0, **config: Any) -> Iterator[EmulatorProcess]:
    """Start the emulator in a child process (options as ``run_in_subprocess``); stop it after."""
    argv = emulator_command(**config)
    argv[1:3] = ["-m", "benchmarks.emulator_server"]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    with start_process(argv, startup_timeout=startup_timeout, env=env, cwd=ROOT) as (url, proc):
        yield EmulatorProcess(url, proc)


# -- measuring ------------------------------------------------------------------------------


@dataclass
class Timed:
    """Wall and CPU seconds of one measured stretch (CPU: this process only)."""

    wall: float = 0.0
    cpu: float = 0.0


@contextlib.contextmanager
def timed() -> Iterator[Timed]:
    """Measure wall (perf_counter) and this process's CPU time; collects garbage first."""
    gc.collect()
    result = Timed()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield result
    finally:
        result.wall = time.perf_counter() - wall
        result.cpu = time.process_time() - cpu


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def machine_info() -> dict[str, Any]:
    """Where the numbers come from (no secrets)."""
    info: dict[str, Any] = {
        "python": sys.version.split()[0],
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.partition(":")[2].strip()
                break
    with contextlib.suppress(OSError, AttributeError):
        info["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    with contextlib.suppress(ImportError):
        import psutil  # type: ignore[import-untyped,unused-ignore]

        info["memory_total_mb"] = round(psutil.virtual_memory().total / 2**20)
    versions = {}
    for name in ("plivo_async", "aiohttp", "yarl", "multidict", "attrs", "cattrs", "plivo"):
        with contextlib.suppress(Exception):
            module = __import__(name)
            versions[name] = getattr(module, "__version__", None) or _dist_version(name)
    info["versions"] = versions
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if head.returncode == 0:
            info["git"] = head.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    return info


def _dist_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name.replace("_", "-"))
    except PackageNotFoundError:
        return None


# -- reporting ------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of a table: what was measured, and how it compares with its target."""

    bench: str
    variant: str
    wall_s: float | None = None
    rps: float | None = None
    ratio: str = ""
    target: str = ""
    met: bool | None = None


@dataclass
class Result:
    """What a benchmark returns: table rows, and everything for its JSON file."""

    name: str
    rows: list[Row]
    params: dict[str, Any]
    raw: Any
    summary: dict[str, Any]
    notes: list[str] = field(default_factory=list)


_HEADERS = ("benchmark", "variant", "wall s", "req/s", "ratio", "target", "met?")


def _cells(row: Row) -> tuple[str, ...]:
    met = {True: "yes", False: "NO", None: ""}[row.met]
    return (
        row.bench,
        row.variant,
        "" if row.wall_s is None else f"{row.wall_s:.3f}",
        "" if row.rps is None else f"{row.rps:,.0f}",
        row.ratio,
        row.target,
        met,
    )


def render_table(rows: Sequence[Row]) -> str:
    cells = [_HEADERS, *(_cells(row) for row in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(_HEADERS))]
    right = {2, 3}

    def fmt(line: Sequence[str]) -> str:
        return "  ".join(
            text.rjust(width) if i in right else text.ljust(width)
            for i, (text, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([fmt(cells[0]), rule, *(fmt(line) for line in cells[1:])])


def write_result(result: Result, *, quick: bool, machine: dict[str, Any]) -> Path:
    """Write ``benchmarks/results/<name>.json`` and return its path."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{result.name}.json"
    document = {
        "benchmark": result.name,
        "quick": quick,
        "machine": machine,
        "params": result.params,
        "summary": result.summary,
        "rows": [asdict(row) for row in result.rows],
        "notes": result.notes,
        "raw": result.raw,
    }
    path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    return path


def log(message: str) -> None:
    """Progress on stderr (the tables go to stdout)."""
    print(message, file=sys.stderr, flush=True)
