"""Benchmarks of plivo-async: ratios measured side by side in one run, not pass/fail tests.

``python -m benchmarks [--quick] [--only NAME ...]`` (or ``nox -s bench -- --quick``) runs

* ``overhead``: ``AsyncPlivo`` vs a hand-written aiohttp loop, interleaved rounds;
* ``sdk``: ``AsyncPlivo`` vs the official synchronous ``plivo`` SDK in a 64-thread pool;
* ``latency``: how well concurrency hides a fixed 50 ms server latency;
* ``cps``: the calls-per-second limiter as the server sees it (arrival timestamps);
* ``memory``: peak RSS of a bulk run, small vs large input, with and without a journal;
* ``tracking``: peak RSS of a tracked bulk run with callbacks, two sizes, bytes per row.

The emulator always runs in a separate process (:mod:`benchmarks.emulator_server`). Every
benchmark prints a table and writes ``benchmarks/results/<name>.json``; a number that misses
its target is reported, never turned into a failure (only a crash fails the run).
"""
