"""`percent_bands`: points by the band a declared percentage falls in ("trên 90%: 2 / ...")."""

from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from server.engine.decimals import plain
from server.engine.fields import FieldReader
from server.engine.rules.base import (
    BetterOutcome,
    InputField,
    InvalidAnswer,
    Outcome,
    RuleType,
    _l,
    better_than,
    number_value,
)

HUNDRED = Decimal(100)
# Bounds are written the way the official text words them: "trên 90%" is `above: 90` (> 90),
# "từ 90% trở lên" `at_least: 90`, "từ 70% - 90%" `from: 70, to: 90` (both inclusive),
# "dưới 70%" `below: 70` (< 70), "≤ 70" `at_most: 70`.
LOWER_KEYS = ("above", "at_least", "from")
UPPER_KEYS = ("below", "at_most", "to")
EXCLUSIVE_KEYS = ("above", "below")
_WORDS = {"above": "above", "at_least": "at least", "from": "from",
          "below": "below", "at_most": "at most", "to": "to"}


@dataclass(frozen=True)
class Bound:
    key: str  # as written, so the set reads back the way its author wrote it
    value: Decimal


@dataclass(frozen=True)
class PercentBand:
    points: Decimal
    lower: Bound | None
    upper: Bound | None
    written_label: str | None

    def holds(self, percent: Decimal) -> bool:
        above_lower = not self.lower or percent > self.lower.value or (
            percent == self.lower.value and self.lower.key not in EXCLUSIVE_KEYS)
        below_upper = not self.upper or percent < self.upper.value or (
            percent == self.upper.value and self.upper.key not in EXCLUSIVE_KEYS)
        return above_lower and below_upper

    def least(self) -> Decimal:
        """The least percentage the band holds, in whole percent where one does ("trên 90%":
        91), else its middle."""
        low = self.lower.value if self.lower else Decimal(0)
        for candidate in (low, low.to_integral_value() + 1):
            if self.holds(candidate):
                return candidate
        return self.sample()

    def sample(self) -> Decimal:
        """A percentage inside the band: the middle of its bounds."""
        low = self.lower.value if self.lower else Decimal(0)
        high = self.upper.value if self.upper else HUNDRED
        return (low + high) / 2

    @property
    def label(self) -> str:
        if self.written_label:
            return self.written_label
        parts = [f"{_WORDS[b.key]} {plain(b.value)}%" for b in (self.lower, self.upper) if b]
        joiner = " " if self.lower and self.lower.key == "from" else " and "
        return joiner.join(parts) or "any percentage"

    def to_dict(self) -> dict:
        data = {b.key: plain(b.value) for b in (self.lower, self.upper) if b}
        data["points"] = plain(self.points)
        if self.written_label:
            data["label"] = self.written_label
        return data


class PercentBandsRule(RuleType):
    name = "percent_bands"

    def __init__(self, max_points: Decimal, bands: tuple[PercentBand, ...]):
        super().__init__(max_points)
        self.bands = bands
        self._outcomes = tuple((band, Outcome(band.points, band.label)) for band in bands)

    @classmethod
    def from_params(cls, params: FieldReader, max_points: Decimal) -> "PercentBandsRule":
        bands, complete = [], True
        for position, item in enumerate(params.entries("bands", required=True) or [], 1):
            entry = params.nested(item, f"bands[{position}]")
            points = entry.number("points", required=True, low=Decimal(0), high=max_points)
            lower, upper = _bound(entry, LOWER_KEYS), _bound(entry, UPPER_KEYS)
            label = entry.text("label")
            entry.finish()
            if points is None or lower is False or upper is False:
                complete = False
                continue
            band = PercentBand(points, lower, upper, label)
            if not band.holds(band.sample()):
                entry.report(f"'{entry.where}' holds no percentage ({band.label})")
                complete = False
            bands.append(band)
        if complete and bands:
            _check_cover(bands, params)
            if max(b.points for b in bands) != max_points:
                params.report(f"no band earns the max points {plain(max_points)}")
        return cls(max_points, tuple(bands))

    def score(self, value) -> Outcome:
        percent = number_value(value)
        if not Decimal(0) <= percent <= HUNDRED:
            raise InvalidAnswer("out_of_range", f"value {plain(percent)} is outside 0..100",
                                {"value": plain(percent), "min": "0", "max": "100"})
        return next(outcome for band, outcome in self._outcomes if band.holds(percent))

    def max_input(self) -> Decimal:
        return max(self.bands, key=lambda b: b.points).sample()

    def zero_input(self) -> Decimal:
        return min(self.bands, key=lambda b: b.points).sample()

    def params_dict(self) -> dict:
        return {"bands": [b.to_dict() for b in self.bands]}

    def better_outcomes(self, value) -> tuple[BetterOutcome, ...]:
        return better_than(self.current_points(value), (
            BetterOutcome(band.least(), band.points, band.label) for band in self.bands))

    def input_fields(self) -> tuple[InputField, ...]:
        return (InputField("", _l("Percentage")),)


def _bound(entry: FieldReader, keys: tuple[str, ...]) -> Bound | bool | None:
    """The band's one lower (or upper) bound, None when it has none, False after a problem."""
    written = [k for k in keys if entry.has(k)]
    values = [entry.number(k, required=True, low=Decimal(0), high=HUNDRED) for k in written]
    if len(written) > 1:
        entry.report(f"'{entry.where}' has more than one of {', '.join(written)}")
        return False
    if None in values:
        return False
    return Bound(written[0], values[0]) if written else None


def _check_cover(bands: list[PercentBand], params: FieldReader) -> None:
    """Every percentage from 0 to 100 must fall in exactly one band.

    Which bands hold a value can only change at a bound, so checking every bound and the middle
    between each two neighbouring bounds checks every value.
    """
    bounds = sorted({Decimal(0), HUNDRED} | {
        b.value for band in bands for b in (band.lower, band.upper) if b})
    probes = bounds + [(a + b) / 2 for a, b in pairwise(bounds)]
    gaps, overlaps = [], {}
    for percent in sorted(probes):
        holders = [i for i, band in enumerate(bands, 1) if band.holds(percent)]
        if not holders:
            gaps.append(plain(percent))
        elif len(holders) > 1:
            overlaps.setdefault(tuple(holders), []).append(plain(percent))
    if gaps:
        params.report(f"no band holds {', '.join(gaps)}")
    for holders, values in overlaps.items():
        names = " and ".join(f"'{params.path(f'bands[{i}]')}'" for i in holders)
        params.report(f"{names} overlap at {', '.join(values)}")
