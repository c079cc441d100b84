"""Geometry of the server-rendered SVG bar charts (no JavaScript): the templates only draw it.

Widths are computed here, from exact decimals, so a bar is exactly proportional to its value
and the tests can check it.
"""

from dataclasses import dataclass
from decimal import Decimal

LABEL_WIDTH = 260  # unit or domain names, left of the bars
PLOT_WIDTH = 480  # the bars' area; 100 % (or the largest maximum) spans it
VALUE_WIDTH = 150  # printed values, right of the bars
ROW_HEIGHT = 26
TOP = 34  # room for the band labels (on two alternating lines) above the first bar


def _width(value: Decimal | None, scale: Decimal) -> Decimal:
    if value is None or scale <= 0:
        return Decimal(0)
    return (value * PLOT_WIDTH / scale).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: Decimal | None
    y: int
    width: Decimal


@dataclass(frozen=True)
class BandLine:
    label: str
    min: Decimal
    x: Decimal
    label_y: int  # alternating, so the labels of close bands do not overlap


@dataclass(frozen=True)
class IndexChart:
    bars: list[Bar]
    bands: list[BandLine]
    height: int
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    width: int = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    row_height: int = ROW_HEIGHT
    top: int = TOP


def index_chart(rows: list[dict], criteria_set=None) -> IndexChart:
    """One bar per ranked unit (ranking_dict rows), the index on a 0-100 scale, with the
    classification bands of the criteria set as vertical lines at their minimum index."""
    ranked = [row for row in rows if row["rank"] is not None]
    bars = [Bar(row["unit_code"], row["unit_name"],
                None if row["index"] is None else Decimal(row["index"]),
                TOP + position * ROW_HEIGHT,
                _width(None if row["index"] is None else Decimal(row["index"]), Decimal(100)))
            for position, row in enumerate(ranked)]
    shown = [band for band in (criteria_set.bands if criteria_set is not None else ())
             if 0 < band.min <= 100]
    bands = [BandLine(band.label, band.min, _width(band.min, Decimal(100)), 12 + 12 * (n % 2))
             for n, band in enumerate(shown)]
    return IndexChart(bars, bands, TOP + len(bars) * ROW_HEIGHT + 8)


@dataclass(frozen=True)
class DomainBar:
    code: str
    title: str
    points: Decimal
    max_points: Decimal
    sub_index: Decimal | None
    previous: Decimal | None
    y: int
    max_width: Decimal
    width: Decimal
    previous_width: Decimal | None


@dataclass(frozen=True)
class DomainChart:
    bars: list[DomainBar]
    height: int
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH
    width: int = LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH
    row_height: int = 2 * ROW_HEIGHT


def domain_chart(domains: list[dict], titles: dict[str, str],
                 previous: dict[str, Decimal]) -> DomainChart:
    """Per domain: a track as long as its maximum, the points on it and, below, last year's
    points, all on one scale (the largest domain maximum spans the plot)."""
    scale = max((Decimal(d["max_points"]) for d in domains), default=Decimal(0))
    bars = []
    for position, domain in enumerate(domains):
        points, maximum = Decimal(domain["points"]), Decimal(domain["max_points"])
        before = previous.get(domain["code"])
        bars.append(DomainBar(
            domain["code"], titles.get(domain["code"], ""), points, maximum,
            None if domain["sub_index"] is None else Decimal(domain["sub_index"]), before,
            8 + position * 2 * ROW_HEIGHT, _width(maximum, scale), _width(points, scale),
            None if before is None else _width(before, scale)))
    return DomainChart(bars, 8 + len(bars) * 2 * ROW_HEIGHT + 8)
