"""The guides include their examples with ``--8<--``; a formatter must not mangle them."""

from __future__ import annotations

import re
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_snippet_include_is_intact_and_names_an_existing_snippet() -> None:
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        # `ruff format` reads a python block as code: "--8<--" becomes "--8 < --".
        assert not re.search(r"--8\s+<\s*--|--8<\s+--", text), page
        for name in re.findall(r'--8<-- "([^"]+)"', text):
            file = name.partition(":")[0]  # "file.py:section" includes one section
            assert (DOCS / "snippets" / file).is_file(), (page, name)
