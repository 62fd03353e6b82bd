"""A campaign's figures as one self-contained HTML file (``plivo-async report --html``).

The page is :class:`~.journal_stats.CampaignStats` drawn: the summary, outcomes and
dispositions, calls placed over time against the CPS, the answer rate by hour of the
callee's day, the API's time, redials, and the rows to look at. Every figure is also a
table, so the numbers can be read (and checked) without the charts.

Self-contained: no script, no stylesheet, font or image fetched; a Content-Security-Policy
of ``default-src 'none'`` tells the browser so, and the file opens offline. Every cell
is escaped, and what the journal holds passes through :func:`~plivo_async.errors.redact`
(the credentials this process knows) and loses any ``user:password@`` of a URL.

The charts are matplotlib's, rendered to SVG and inlined: matplotlib is the plotting
library most maintained and most widely packaged in Python, renders with no display
and no browser (a :class:`~matplotlib.figure.Figure` used without ``pyplot``: no GUI
backend, no global state), and its SVG, with text left as text (``svg.fonttype:
none``), is small, sharp at any zoom, and needs no font file. A JavaScript library
(Plotly, Vega) would need its bundle inlined (megabytes) and a browser to draw. It is
the optional extra ``plivo-async[report]``: this module imports without it, and
:func:`render_html` says how to install it.
"""

from __future__ import annotations

import html
import io
import itertools
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from ..errors import redact
from .journal_stats import ATTENTION, LATENCY_EDGES, CampaignStats

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["ATTENTION_SHOWN", "INSTALL_HINT", "check_charts", "render_html"]

#: What to run when matplotlib is missing.
INSTALL_HINT = 'pip install "plivo-async[report]"'
#: The most rows to look at listed in the page (all are counted).
ATTENTION_SHOWN = 1000

_STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #1f2328; margin: 2em auto; max-width: 1040px; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #d0d7de; }
.meta { color: #59636e; }
table { border-collapse: collapse; margin: 0.6em 0; }
th, td { border: 1px solid #d0d7de; padding: 0.25em 0.6em; text-align: left;
  vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f6f8fa; }
.cards { display: flex; flex-wrap: wrap; gap: 0.8em; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5em 0.9em; min-width: 9em; }
.card .v { font-size: 1.5em; font-weight: 600; }
.card .k { color: #59636e; font-size: 0.9em; }
figure { margin: 0.8em 0; }
figure svg { max-width: 100%; height: auto; }
.row { display: flex; flex-wrap: wrap; gap: 2em; align-items: flex-start; }
.note { color: #59636e; font-size: 0.92em; }
.scroll { overflow-x: auto; }
table.rows td { font-size: 0.9em; white-space: nowrap; }
table.rows td:nth-last-child(5), table.rows td:nth-last-child(2) {
  white-space: normal; overflow-wrap: anywhere; min-width: 22em; }
"""
_CSP = "default-src 'none'; style-src 'unsafe-inline'"
_USERINFO = re.compile(r"(?<=://)[^/\s@]+@")
_COLORS = {
    "answered": "#2da44e",
    "ok": "#2da44e",
    "busy": "#bf8700",
    "no-answer": "#8c959f",
    "machine": "#8250df",
    "failed": "#cf222e",
    "unknown": "#fb8500",
    "in flight": "#fb8500",
    "invalid": "#6e7781",
    "redial due": "#0969da",
}


def check_charts() -> None:
    """Raise :class:`ImportError` (saying what to install) if matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ImportError(f"the HTML report needs matplotlib: {INSTALL_HINT}") from None


def render_html(
    stats: CampaignStats,
    *,
    title: str = "Campaign report",
    cps: float | None = None,
    generated: datetime | None = None,
) -> str:
    """The page of ``stats``; ``cps`` (the account's calls per second) is drawn against
    the calls placed. Raises :class:`ImportError` if matplotlib is missing."""
    check_charts()
    generated = generated or datetime.now(timezone.utc)
    sections = [
        _summary(stats, cps),
        _outcomes(stats),
        _placed(stats, cps),
        _hours(stats),
        _latency(stats),
        _redials(stats),
        _attention(stats),
    ]
    journals = ", ".join(
        f"{_cell(j.name)} ({j.rows} rows, {_cell(j.kind or '?')})" for j in stats.journals
    )
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{_cell(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{_cell(title)}</h1>"
        f"<p class=meta>From {len(stats.journals)} journal(s): {journals}. "
        f"Made {_when(generated.timestamp())} UTC.</p>" + "".join(sections) + "</body></html>\n"
    )


def _cell(value: object) -> str:
    """Text as it goes into the page: credentials redacted, URL userinfo dropped, escaped."""
    text = "" if value is None else str(value)
    return html.escape(_USERINFO.sub("", redact(text)))


def _when(moment: float | None) -> str:
    if moment is None:
        return "-"
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f} ms"


def _section(key: str, title: str, *parts: str) -> str:
    return f'<section id="{key}"><h2>{html.escape(title)}</h2>{"".join(parts)}</section>'


def _table(key: str, head: Sequence[str], rows: Sequence[Sequence[object]], css: str = "") -> str:
    """A table whose number cells are right-aligned; ``key`` names it (``id``)."""
    heads = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class=n>{value}</td>"
            if isinstance(value, (int, float))
            else f"<td>{_cell(value)}</td>"
            for value in row
        )
        + "</tr>"
        for row in rows
    )
    klass = f" class={css}" if css else ""
    return f'<table id="{key}"{klass}><thead><tr>{heads}</tr></thead><tbody>{body}</tbody></table>'


def _note(text: str) -> str:
    return f"<p class=note>{text}</p>"


def _summary(stats: CampaignStats, cps: float | None) -> str:
    span = None
    if stats.first_sent is not None and stats.last_sent is not None:
        span = stats.last_sent - stats.first_sent
    attention = sum(stats.outcomes.get(status, 0) for status in ATTENTION)
    cards = [
        ("rows", str(stats.rows), "rows"),
        ("dials", str(stats.dials), "dials (redials included)"),
        ("placed", str(stats.placed), "calls placed"),
        ("answered", str(stats.answered), "answered"),
        ("answer-rate", _percent(stats.answered, stats.with_disposition), "answer rate"),
        ("attention", str(attention), "rows to look at"),
        ("api-p50", _ms(stats.latency_quantile(0.5)), "API time p50"),
        ("api-p95", _ms(stats.latency_quantile(0.95)), "API time p95"),
    ]
    shown = "".join(
        f'<div class=card id="card-{key}"><div class=v>{html.escape(value)}</div>'
        f"<div class=k>{html.escape(label)}</div></div>"
        for key, value, label in cards
    )
    rate = "-"
    if span:
        rate = f"{stats.placed / span:.2f} calls/s over {span:,.0f} s"
    facts = _table(
        "summary-table",
        ("figure", "value"),
        [
            ("first dial sent (UTC)", _when(stats.first_sent)),
            ("last dial sent (UTC)", _when(stats.last_sent)),
            ("mean rate", rate),
            ("most calls placed in one second", stats.peak_second),
            ("account CPS", "not given (--cps)" if cps is None else f"{cps:g}"),
            ("redials", stats.redials),
        ],
    )
    return _section("summary", "Summary", f"<div class=cards>{shown}</div>", facts)


def _outcomes(stats: CampaignStats) -> str:
    outcome_rows = [(k, v, _percent(v, stats.rows)) for k, v in stats.outcomes.items()]
    disposition_rows = [(k, v, _percent(v, stats.rows)) for k, v in stats.dispositions.items()]
    tracked = any(k not in ("not known",) for k in stats.dispositions)
    parts = [
        "<div class=row><div><h3>Outcomes</h3>",
        _table("outcomes-table", ("status", "rows", "share"), outcome_rows),
        "</div><div><h3>Dispositions</h3>",
        _table(
            "dispositions-table", ("how the last call ended", "rows", "share"), disposition_rows
        ),
        "</div></div>",
    ]
    if not tracked:
        parts.append(_note("No call was followed to its end: run dial with --callbacks-listen."))
    parts.append(_figure("outcomes-chart", _outcomes_chart(stats)))
    parts.append(
        _note(
            "A row's outcome is its last dial's; <b>in flight</b>: a run stopped while its "
            "request was out (a resume reconciles it). <b>not known</b>: placed, but how the "
            "call ended was not recorded; <b>redial due</b>: waiting for its next dial."
        )
    )
    return _section("outcomes", "Outcomes and dispositions", *parts)


def _placed(stats: CampaignStats, cps: float | None) -> str:
    if stats.bin_start is None:
        return _section(
            "placed", "Calls placed over time", _note("No dial holds its moment (not a calls run).")
        )
    width = stats.bin_seconds
    rows = [
        (_when(stats.bin_start + i * width), count) for i, count in enumerate(stats.placed_per_bin)
    ]
    unit = _unit(width)
    limit = "" if cps is None else f" The line is the account's CPS ({cps:g}) times {unit}."
    return _section(
        "placed",
        f"Calls placed per {unit}",
        _figure("placed-chart", _placed_chart(stats, cps)),
        _note(
            f"Each placed call counts at the moment its create left. Peak: "
            f"{stats.peak_second} in one second.{limit}"
        ),
        "<details><summary>The numbers</summary>",
        _table("placed-table", (f"{unit} from (UTC)", "calls placed"), rows),
        "</details>",
    )


def _unit(width: int) -> str:
    if width % 3600 == 0:
        return "hour" if width == 3600 else f"{width // 3600} hours"
    if width % 60 == 0:
        return "minute" if width == 60 else f"{width // 60} minutes"
    return "second" if width == 1 else f"{width} seconds"


def _hours(stats: CampaignStats) -> str:
    rows = [
        (f"{hour:02d}:00", dials, answered, _percent(answered, dials))
        for hour, (dials, answered) in enumerate(
            zip(stats.dials_by_hour, stats.answered_by_hour, strict=True)
        )
        if dials
    ]
    notes = [f"Hours are {html.escape(stats.hour_zone)}, at the moment each call was placed."]
    if stats.multi_zone_numbers:
        notes.append(
            f"{stats.multi_zone_numbers} number(s) have a prefix that spans several zones: "
            "the first zone listed for it was used."
        )
    if stats.unzoned_numbers:
        notes.append(f"{stats.unzoned_numbers} number(s) of no known zone are counted in UTC.")
    if not rows:
        return _section(
            "hours",
            "Answer rate by hour of the callee's day",
            _note("No call's end is known (not a tracked run)."),
        )
    return _section(
        "hours",
        "Answer rate by hour of the callee's day",
        _figure("hours-chart", _hours_chart(stats)),
        _note(" ".join(notes)),
        _table("hours-table", ("hour", "calls ended", "answered", "answer rate"), rows),
    )


def _latency(stats: CampaignStats) -> str:
    if not stats.latency_ms:
        return _section("latency", "API time", _note("No dial got an answer from the API."))
    labels = _latency_labels()
    counts = stats.latency_histogram()
    quantiles = [
        (name, _ms(stats.latency_quantile(q)))
        for name, q in (("p50", 0.5), ("p90", 0.9), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
    ]
    return _section(
        "latency",
        "API time",
        _figure("latency-chart", _latency_chart(labels, counts)),
        _note(
            "Per dial the API answered: from its first request to the last answer, retries "
            "included, this client's waits for its own limits (concurrency, rate, CPS) not; "
            "reconciled dials are left out."
        ),
        "<div class=row>",
        _table("latency-quantiles", ("quantile", "API time"), quantiles),
        _table("latency-table", ("API time", "dials"), list(zip(labels, counts, strict=True))),
        "</div>",
    )


def _latency_labels() -> list[str]:
    edges = (0, *LATENCY_EDGES)
    labels = [f"{low:,}-{high:,} ms" for low, high in itertools.pairwise(edges)]
    return [*labels, f"over {LATENCY_EDGES[-1]:,} ms"]


def _redials(stats: CampaignStats) -> str:
    rows = [
        (f"dial {n}", dials, stats.answered_by_number.get(n, 0))
        for n, dials in stats.dials_by_number.items()
    ]
    after = [(disposition, n) for disposition, n in stats.redialled_after.items()]
    parts = [
        _note(
            f"{stats.redials} redial(s); rows by dials taken: "
            + ", ".join(f"{n} dial(s): {rows}" for n, rows in stats.rows_by_dials.items())
            + "."
        ),
        "<div class=row>",
        _table("redials-table", ("dial", "dials made", "answered"), rows),
    ]
    if after:
        parts.append(_table("redialled-after", ("redialled after", "dials"), after))
    parts.append("</div>")
    if stats.redials:
        parts.insert(0, _figure("redials-chart", _redials_chart(stats)))
    return _section("redials", "Redials", *parts)


def _attention(stats: CampaignStats) -> str:
    rows = stats.attention
    if not rows:
        return _section(
            "attention", "Rows to look at", _note("None: no row is unknown, failed or invalid.")
        )
    several = len(stats.journals) > 1
    # error and note wrap: they are the 5th and 2nd cells from the end (the style)
    head = [
        *(["journal"] if several else []),
        "row",
        "to",
        "status",
        "dial",
        "error",
        "HTTP",
        "reconciled",
        "note",
        "request_uuid",
    ]
    shown = [
        [
            *([row.journal] if several else []),
            row.index,
            row.to,
            row.status,
            row.dial,
            row.error,
            "" if row.http_status is None else str(row.http_status),
            row.reconciled or "",
            row.note or "",
            row.request_uuid or "",
        ]
        for row in rows[:ATTENTION_SHOWN]
    ]
    more = ""
    if len(rows) > ATTENTION_SHOWN:
        more = _note(
            f"The first {ATTENTION_SHOWN} of {len(rows)} are listed; the CSV report "
            "(dial --report) lists every row."
        )
    return _section(
        "attention",
        f"Rows to look at ({len(rows)})",
        _note(
            "Unknown: the call may exist (a resume reconciles it, or look it up by "
            "number); failed: the API refused it (HTTP status and reason); invalid: the row "
            "could not be sent as given (fix it, and rerun)."
        ),
        f"<div class=scroll>{_table('attention-table', head, shown, css='rows')}</div>",
        more,
    )


# ---- charts -------------------------------------------------------------------------


@contextmanager
def _style(name: str) -> Iterator[None]:
    import matplotlib

    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",  # text stays text: no glyph paths, no font files
            "svg.hashsalt": name,  # ids stable, and unique to each chart on the page
            "text.parse_math": False,  # a "$" from the journal is a dollar sign
            "font.size": 10,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
        }
    ):
        yield


def _figure(key: str, svg: str) -> str:
    return f'<figure id="{key}">{svg}</figure>'


def _svg(figure: Figure, name: str) -> str:
    """The figure as an ``<svg>`` element to inline in HTML: no XML prolog, no DOCTYPE,
    no namespace URLs (the HTML parser gives inline SVG its namespace)."""
    out = io.StringIO()
    with _style(name):
        figure.savefig(
            out,
            format="svg",
            bbox_inches="tight",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = out.getvalue()
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'\s+xmlns(?::\w+)?="[^"]*"', "", svg, count=2)
    return re.sub(r"\s+version=\"1\.1\"", "", svg, count=1).strip()


def _new_figure(name: str, width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    with _style(name):
        return Figure(figsize=(width, height), layout="constrained")


def _outcomes_chart(stats: CampaignStats) -> str:
    figure = _new_figure("outcomes", 9.5, 2.6)
    with _style("outcomes"):
        left, right = figure.subplots(1, 2)
        for axes, counts, title in (
            (left, stats.outcomes, "Outcome (rows)"),
            (right, stats.dispositions, "How the last call ended (rows)"),
        ):
            names = list(counts)[::-1]
            values = [counts[name] for name in names]
            colors = [_COLORS.get(name, "#57606a") for name in names]
            bars = axes.barh(names, values, color=colors)
            axes.bar_label(bars, padding=3)
            axes.set_title(title, loc="left")
            axes.grid(axis="y", visible=False)
            axes.margins(x=0.15)
    return _svg(figure, "outcomes")


def _placed_chart(stats: CampaignStats, cps: float | None) -> str:
    figure = _new_figure("placed", 9.5, 3.0)
    width = stats.bin_seconds
    scale, unit = (60.0, "minutes") if width >= 60 else (1.0, "seconds")
    with _style("placed"):
        axes = figure.subplots()
        starts = [i * width / scale for i in range(len(stats.placed_per_bin))]
        axes.bar(
            starts,
            stats.placed_per_bin,
            width=0.9 * width / scale,
            align="edge",
            color="#0969da",
            label=f"calls placed per {_unit(width)}",
        )
        if cps is not None:
            axes.axhline(cps * width, color="#cf222e", linestyle="--", label=f"CPS {cps:g}")
        axes.set_xlabel(f"{unit} since {_when(stats.bin_start)} UTC")
        axes.set_ylabel(f"calls per {_unit(width)}")
        axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, frameon=False)
    return _svg(figure, "placed")


def _hours_chart(stats: CampaignStats) -> str:
    figure = _new_figure("hours", 9.5, 3.0)
    with _style("hours"):
        axes = figure.subplots()
        hours = list(range(24))
        rates = [
            100 * answered / dials if dials else 0.0
            for dials, answered in zip(stats.dials_by_hour, stats.answered_by_hour, strict=True)
        ]
        bars = axes.bar(hours, rates, color="#2da44e")
        labels = [f"n={dials}" if dials else "" for dials in stats.dials_by_hour]
        axes.bar_label(bars, labels=labels, padding=2, fontsize=8)
        axes.set_xticks(hours, [f"{h:02d}" for h in hours])
        axes.set_xlim(-0.6, 23.6)
        axes.set_ylim(0, 110)
        axes.set_xlabel(f"hour of the day ({stats.hour_zone})")
        axes.set_ylabel("answered (%)")
    return _svg(figure, "hours")


def _latency_chart(labels: list[str], counts: Sequence[int]) -> str:
    figure = _new_figure("latency", 9.5, 3.0)
    with _style("latency"):
        axes = figure.subplots()
        bars = axes.bar(range(len(counts)), counts, color="#8250df")
        axes.bar_label(bars, labels=[str(c) if c else "" for c in counts], padding=2)
        axes.set_xticks(range(len(labels)), [label.replace(" ms", "") for label in labels])
        axes.tick_params(axis="x", labelsize=8)
        axes.set_xlabel("API time (ms)")
        axes.set_ylabel("dials")
    return _svg(figure, "latency")


def _redials_chart(stats: CampaignStats) -> str:
    figure = _new_figure("redials", 6.0, 2.8)
    with _style("redials"):
        axes = figure.subplots()
        numbers = list(stats.dials_by_number)
        made = [stats.dials_by_number[n] for n in numbers]
        answered = [stats.answered_by_number.get(n, 0) for n in numbers]
        names = [f"dial {n}" for n in numbers]
        axes.bar(names, made, color="#8c959f", label="dials made")
        axes.bar(names, answered, color="#2da44e", label="answered")
        axes.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, frameon=False)
        axes.set_ylabel("dials")
    return _svg(figure, "redials")
