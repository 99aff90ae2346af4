"""Read the tables of a rendered page back as text, for fidelity tests.

A cell's main text leaves out its notes (`class="subtitle"` spans), so "243" is
compared with "243" even when the registry's comment is printed under it."""

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Row:
    header: str = ""
    header_scope: str = ""
    cells: list[str] = field(default_factory=list)
    full_cells: list[str] = field(default_factory=list)


@dataclass
class Table:
    css_class: str
    caption: str = ""
    region_label: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


class _TableReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self.region = ""
        self.table: Table | None = None
        self.cell: dict | None = None  # {"tag", "scope", "main", "full"}
        self.in_caption = self.in_head = False
        self.note_depth = 0  # >0 inside a subtitle span
        self.row: Row | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and attrs.get("role") == "region":
            self.region = attrs.get("aria-label", "")
        elif tag == "table":
            self.table = Table(attrs.get("class", ""), region_label=self.region)
        elif self.table is None:
            return
        elif tag == "caption":
            self.in_caption = True
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row = Row()
        elif tag in ("th", "td"):
            self.cell = {"tag": tag, "scope": attrs.get("scope", ""), "main": "", "full": ""}
        elif (
            tag == "span"
            and self.cell is not None
            and (self.note_depth or "subtitle" in attrs.get("class", ""))
        ):
            self.note_depth += 1

    def handle_endtag(self, tag):
        if self.table is None:
            return
        if tag == "span" and self.note_depth:
            self.note_depth -= 1
            if self.cell is not None:
                self.cell["full"] += " "
        elif tag == "caption":
            self.in_caption = False
        elif tag == "thead":
            self.in_head = False
        elif tag in ("th", "td") and self.cell is not None:
            self._end_cell()
        elif tag == "tr" and self.row is not None:
            if not self.in_head:
                self.table.rows.append(self.row)
            self.row = None
        elif tag == "table":
            self.tables.append(self.table)
            self.table = None

    def _end_cell(self):
        main, full = _clean(self.cell["main"]), _clean(self.cell["full"])
        if self.in_head:
            self.table.columns.append(main)
        elif self.cell["tag"] == "th":
            self.row.header, self.row.header_scope = main, self.cell["scope"]
        else:
            self.row.cells.append(main)
            self.row.full_cells.append(full)
        self.cell = None

    def handle_data(self, data):
        if self.table is None:
            return
        if self.in_caption:
            self.table.caption += data
        if self.cell is not None:
            self.cell["full"] += data
            if not self.note_depth:
                self.cell["main"] += data


def tables(html: str, css_class: str) -> list[Table]:
    """The page's tables of one class, in page order."""
    reader = _TableReader()
    reader.feed(html)
    found = [t for t in reader.tables if css_class in t.css_class.split()]
    for t in found:
        t.caption = _clean(t.caption)
    return found
