"""Read an HTML report back: its tables (by id) and its cards, as the text a reader sees."""

from __future__ import annotations

from html.parser import HTMLParser

import attrs


@attrs.define
class Page:
    """What the tests read of a report page."""

    tables: dict[str, list[list[str]]] = attrs.Factory(dict)
    cards: dict[str, str] = attrs.Factory(dict)
    tags: list[tuple[str, dict[str, str | None]]] = attrs.Factory(list)
    svgs: set[str] = attrs.Factory(set)  # ids of the figures holding an <svg>

    def body(self, table: str) -> list[list[str]]:
        """The rows of a table, its header row left out."""
        return self.tables[table][1:]

    def counts(self, table: str) -> dict[str, int]:
        """A two-or-more column table's first column -> its second, as a number."""
        return {row[0]: int(row[1]) for row in self.body(table)}


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._card: str | None = None
        self._card_value = False
        self._figure: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.page.tags.append((tag, found))
        if tag == "table":
            self._table = found.get("id") or ""
            self.page.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "div" and found.get("class") == "card":
            self._card = (found.get("id") or "").removeprefix("card-")
        elif tag == "div" and found.get("class") == "v" and self._card is not None:
            self._card_value = True
        elif tag == "figure":
            self._figure = found.get("id")
        elif tag == "svg" and self._figure is not None:
            self.page.svgs.add(self._figure)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.page.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "div" and self._card_value:
            self._card_value = False
        elif tag == "figure":
            self._figure = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._card_value and self._card is not None:
            self.page.cards[self._card] = self.page.cards.get(self._card, "") + data.strip()
            self._card = None


def read_page(html: str) -> Page:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.page


#: Attributes through which a page can fetch something.
FETCHING = ("src", "href", "xlink:href", "action", "data", "poster", "srcset", "background")


def assert_self_contained(html: str) -> Page:
    """The page fetches nothing: no script, stylesheet, image, frame or font outside it;
    every link is to an anchor in the page; a CSP of ``default-src 'none'`` says so."""
    page = read_page(html)
    for tag, attributes in page.tags:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed"), tag
        for name in FETCHING:
            value = attributes.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    lowered = html.lower()
    assert "@import" not in lowered and "@font-face" not in lowered
    for start in range(len(lowered)):
        start = lowered.find("url(", start)
        if start < 0:
            break
        assert lowered.startswith("url(#", start), lowered[start : start + 60]
    assert "content=\"default-src 'none'; style-src 'unsafe-inline'\"" in html
    return page
