"""Check the built site has what the docs promise; run after ``mkdocs build``.

``python docs/check_site.py [SITE_DIR]`` (default ``site``) exits non-zero, naming each
broken promise, unless:

* the example notebook's page shows its outputs: the final progress bar, the run's
  summary, the outcome tables and the plot (a PNG that exists next to the page);
* in the API reference, every class lists its aliases after all its real methods, each
  labelled ``alias`` and saying what it is an alias of; no attribute is another name for a
  method on the page (``transfer = update`` rendered as an attribute); and the aliases
  known to exist are found (so the check cannot pass by finding none);
* ``calls.create`` and ``client.bulk.create_calls`` have a parameter table with a row for
  every argument of the signature but the test hooks, which appear nowhere in their entry
  (docs/_griffe/hidden.py); and the bulk reference shows none of the engine's internals.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path

#: Aliases that must be rendered as such (one or two per class that has them).
KNOWN_ALIASES = (
    "plivo_async.resources.calls.Calls.transfer",
    "plivo_async.resources.calls.Calls.live_call_get",
    "plivo_async.resources.calls.Calls.live_call_list_ids",
    "plivo_async.resources.conferences.Conferences.hangup",
    "plivo_async.resources.recordings.Transcriptions.get",
    "plivo_async.resources.streams.CallStreams.get_details_of_specific_stream",
)
OBJECT = re.compile(r'<div class="doc doc-object doc-(\w+)">\s*<h\d id="([\w.]+)"')
#: The value in an attribute's signature (``transfer = update``) when it links to an object.
SIGNATURE_TARGET = re.compile(r'class="o">=</span>\s*<span class="n"><a [^>]*href="#([\w.]+)"')
PNG = b"\x89PNG\r\n\x1a\n"
#: The functions whose parameter table must be complete: (page, path, test hooks left out).
PARAMETER_TABLES = (
    ("calls", "plivo_async.resources.calls.Calls.create", ()),
    ("bulk", "plivo_async.bulk.api.Bulk.create_calls", ("clock", "sleep")),
)
#: Internals of the bulk engine that its reference must not show.
BULK_INTERNALS = (
    "CHECK_FIRST",
    "CHECK_EVERY",
    "UNREACHABLE_STOP",
    "CallsRunner",
    "FunctionRunner",
    "RowRunner",
    "Dialer",
    "LiveCallCap",
)


def objects(html: str) -> Iterator[tuple[str, str, str]]:
    """(kind, path, html up to the next object) for each documented object, in page order."""
    found = list(OBJECT.finditer(html))
    for match, after in zip(found, [*found[1:], None], strict=True):
        yield match[1], match[2], html[match.start() : after.start() if after else len(html)]


def check_notebook(site: Path) -> list[str]:
    page = site / "examples" / "bulk_dialer" / "index.html"
    if not page.is_file():
        return [f"{page}: missing (the notebook is not rendered)"]
    html = page.read_text(encoding="utf-8")
    problems = [
        f"{page}: no {what}"
        for what, needle in [
            ("final progress bar", "300/300"),
            ("run summary", "rows 300: placed"),
            ("status table", "<th>status</th><th>rows</th>"),
            ("table of the rows that did not end ok", "<th>because of</th>"),
            ("emulator's count of calls placed", "calls placed:"),
        ]
        if needle not in html
    ]
    if "Traceback" in html:
        problems.append(f"{page}: shows a traceback")
    images = re.findall(r'<img alt="[^"]*" src="([^"]+\.png)"', html)
    if not images:
        problems.append(f"{page}: no plot")
    for src in images:
        image = (page.parent / src).resolve()
        if not image.is_file() or not image.read_bytes().startswith(PNG):
            problems.append(f"{page}: plot {src} is not a PNG next to the page")
    return problems


def check_aliases(site: Path) -> list[str]:
    problems, seen = [], set()
    for page in sorted((site / "reference").glob("*/index.html")):
        members: dict[str, list[tuple[str, bool]]] = {}
        found = list(objects(page.read_text(encoding="utf-8")))
        functions = {path for kind, path, _ in found if kind == "function"}
        for kind, path, html in found:
            if kind == "attribute":
                # ``name = other_method`` left as an attribute: an alias the extension missed.
                value = SIGNATURE_TARGET.search(html[: html.find('class="doc doc-contents')])
                same_class = value and value[1].rsplit(".", 1)[0] == path.rsplit(".", 1)[0]
                if value and same_class and value[1] in functions:
                    problems.append(f"{page}: {path} = {value[1]} is not shown as an alias")
            if kind != "function":
                continue
            heading = html[: html.find("</h")]
            alias = "doc-label-alias" in heading
            if alias:
                seen.add(path)
                if "Alias of" not in html:
                    problems.append(f"{page}: {path} is labelled alias but says not of what")
            members.setdefault(path.rsplit(".", 1)[0], []).append((path, alias))
        for owner, listed in members.items():
            flags = [alias for _, alias in listed]
            if True in flags and False in flags[flags.index(True) :]:
                late = [path for path, alias in listed[flags.index(True) :] if not alias]
                problems.append(f"{page}: in {owner}, real methods after an alias: {late}")
    problems += [f"{name}: not rendered as an alias" for name in KNOWN_ALIASES if name not in seen]
    return problems


def check_parameters(site: Path) -> list[str]:
    problems = []
    for name, path, hidden in PARAMETER_TABLES:
        page = site / "reference" / name / "index.html"
        html = next((h for _, p, h in objects(page.read_text(encoding="utf-8")) if p == path), "")
        if "Parameters:" not in html:
            problems.append(f"{page}: {path} has no parameter table")
            continue
        rows = set(re.findall(r'<tr class="doc-section-item">\s*<td>\s*<code>(\w+)</code>', html))
        module, owner, function = path.rsplit(".", 2)
        signature = inspect.signature(getattr(getattr(import_module(module), owner), function))
        for param in signature.parameters:
            if param in hidden:
                if param in rows or f">{param}<" in html:
                    problems.append(f"{page}: {path} shows its test hook {param}")
            elif param != "self" and param not in rows:
                problems.append(f"{page}: {path} does not describe {param}")
    page = site / "reference" / "bulk" / "index.html"
    html = page.read_text(encoding="utf-8")
    shown = {path.rsplit(".", 1)[1] for _, path, _ in objects(html)}
    problems += [f"{page}: shows the internal {name}" for name in BULK_INTERNALS if name in shown]
    return problems


def main(argv: list[str]) -> int:
    site = Path(argv[0] if argv else "site")
    problems = check_notebook(site) + check_aliases(site) + check_parameters(site)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    print(f"{site}: notebook outputs, aliases after real methods, parameter tables: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
