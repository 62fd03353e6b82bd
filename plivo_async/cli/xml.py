"""``plivo-async xml check FILE...``: every problem of Plivo XML documents, like a compiler.

Each problem is one line on stdout, ``FILE:LINE:COLUMN: Element.attribute: rule (got
value)``, so editors and CI annotate it; a count follows on stderr. Exit 0 when every file
is clean, 1 when some file has a problem, 2 for a usage mistake or a file that cannot be
read (one line, no traceback). ``-`` reads stdin.
"""

from __future__ import annotations

import sys
from typing import Any

from ..xml import parse
from ._common import EXIT_NOT_ALL_OK, EXIT_OK, EXIT_USAGE, describe_os_error, fail

__all__ = ["add_parser", "check", "run_check"]


def add_parser(sub: Any) -> None:
    xml = sub.add_parser(
        "xml",
        help="check Plivo XML documents",
        description="Work with Plivo XML documents.",
    )
    commands = xml.add_subparsers(dest="xml_command", required=True, metavar="COMMAND")
    check_parser = commands.add_parser(
        "check",
        help="print every problem of each document, like a compiler",
        description="Read each Plivo XML document (- for stdin) and print every problem as "
        "FILE:LINE:COLUMN: Element.attribute: rule (got value). Exit 0 when all are clean, "
        "1 when some has a problem, 2 when a file cannot be read.",
    )
    check_parser.add_argument("files", nargs="+", metavar="FILE", help="XML documents to check")
    check_parser.set_defaults(run=run_check)


def check(name: str, text: str | bytes) -> list[str]:
    """The problems of one document, each as the line ``check`` prints."""
    _, problems = parse(text, strict=False)
    return [f"{name}:{problem}" for problem in problems]


def _read(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    with open(name, "rb") as file:
        return file.read()


def run_check(args: Any) -> int:
    unreadable = troubled = count = 0
    for name in args.files:
        try:
            text = _read(name)
        except OSError as exc:
            fail("xml check", describe_os_error(exc))
            unreadable += 1
            continue
        lines = check("<stdin>" if name == "-" else name, text)
        for line in lines:
            print(line)
        count += len(lines)
        troubled += bool(lines)
    files = len(args.files)
    if count:
        plural = "s" if count != 1 else ""
        print(f"{count} problem{plural} in {troubled} of {files} file(s)", file=sys.stderr)
    if unreadable:
        return EXIT_USAGE
    return EXIT_NOT_ALL_OK if count else EXIT_OK
