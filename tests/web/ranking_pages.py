"""Reading the ranking pages in tests: table cells and SVG bars, with the standard library."""

import re
from decimal import Decimal
from html.parser import HTMLParser

from server.extensions import db
from tests.ranking_data import (
    accept_all,
    full_answers,
    json_value,
    set_appraisal,
    write_answers,
)


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


def ranked_group(make, province_set) -> dict:
    """Four finalised provinces with different scores (P04 set apart as not ranked), an
    administrator, a viewer and each unit's head."""
    campaign = make.campaign()
    dossiers, heads = {}, {}
    for code, drop in (("P01", 0), ("P02", 10), ("P03", 25), ("P04", 5)):
        unit = make.unit(code, level="province", group="province", name=f"Tỉnh {code}")
        heads[code] = make.user("unit_head", unit)
        assessment = make.assessment(campaign, unit)
        write_answers(assessment, province_set, full_answers(province_set, drop))
        accept_all(assessment)
        assessment.state = "finalised"
        assessment.ranked = code != "P04"
        dossiers[code] = assessment
    db.session.commit()
    return {"campaign": campaign, "dossiers": dossiers, "heads": heads,
            "admin": make.user("admin"), "viewer": make.user("viewer")}


def zero_first_leaf(group, province_set, code="P01"):
    """A live change after publication: the appraisal takes the unit's first self leaf to 0."""
    leaf = next(leaf for leaf in province_set.leaves() if leaf.source == "self")
    set_appraisal(group["dossiers"][code].id, leaf.code, json_value(leaf.rule.zero_input()))
    db.session.commit()
