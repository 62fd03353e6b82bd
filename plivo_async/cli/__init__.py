"""``plivo-async``: ``demo`` (no account needed), ``dial`` (a CSV of calls), ``report`` (a
run's figures from its journals), ``emulator``, ``xml check`` (Plivo XML documents).

One module per command (:mod:`.dial`, :mod:`.demo`, :mod:`.report`, :mod:`.emulator`,
:mod:`.xml`), each adding its sub-parser and the function that runs it; :mod:`._common`
holds what they share.
Exit codes: 0 every row ok, 1 some row not (or the run stopped early), 2 a usage or
set-up mistake (nothing sent), 130 interrupted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .. import __version__
from . import demo, dial, emulator, report, xml
from ._common import Parser, add_log_level

__all__ = ["main"]


def _parser() -> Parser:
    parser = Parser(
        prog="plivo-async",
        description="Bulk outbound calls on Plivo, concurrently, never dialling anyone twice.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"plivo-async {__version__}",
        help="print the version and exit",
    )
    add_log_level(parser, default="WARNING")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (demo, dial, report, emulator, xml):
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args: Any = _parser().parse_args(argv)
    code: int = args.run(args)
    return code
