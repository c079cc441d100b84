"""Reading the ranking pages in tests: table cells and SVG bars, with the standard library."""

import re
from decimal import Decimal
from html.parser import HTMLParser


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def elements(html: str, tag: str, css_class: str) -> list[dict]:
    """The attributes of every `tag` whose class list holds `css_class`."""
    parser = _Elements()
    parser.feed(html)
    return [attrs for name, attrs in parser.elements
            if name == tag and css_class in (attrs.get("class") or "").split()]


def number(text: str) -> Decimal | None:
    """A number as the pages print it, the Vietnamese way ("1.234,5"), or None for "–"."""
    text = re.sub(r"<[^>]+>", "", text).strip()
    if text in ("–", ""):
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


def table_rows(html: str) -> dict[str, dict[str, str]]:
    """unit code -> {cell class: cell html} of the ranking table."""
    rows = {}
    for code, body in re.findall(r'<tr data-unit="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        cells = re.findall(r'<td class="([^"]*)">(.*?)</td>', body, re.S)
        rows[code] = {}
        for classes, content in cells:
            for name in classes.split():
                rows[code].setdefault(name, []).append(content)
    return rows


def cell(rows, code: str, name: str, position: int = 0) -> str:
    return rows[code][name][position]
