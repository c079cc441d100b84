"""A planner target as users write it: "band=Khá", "rank=5-7", "index=85,5", "domain_min=50".

Several parts make one target (the unit must meet all of them). Each refusal names the part it
is about ("target.rank"), so the API and the CLI can point at it.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from server.engine.decimals import NotANumber, parse_decimal

HUNDRED = Decimal(100)
KEYS = ("band", "rank", "index", "domain_min")


class TargetError(ValueError):
    """A refused target; `errors` maps each part ("target.band", ...) to its message."""

    def __init__(self, errors: dict):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Target:
    """What the unit aims at; every part given must be met.

    `rank` is (best, worst) in the unit's group: the plan aims at the worst rank of the range,
    and a better rank still meets it. `domain_min` is "no domain below X %" (seed 000's "không có
    chỉ tiêu ở mức trung bình"). A target's own minimum on a named component
    (beyond its band's) would be one more part here, read by `needs.component_needs` into one
    more solver Need over the component's items (`needs._component_codes`).
    """

    band: str | None = None
    rank: tuple[int, int] | None = None
    index: Decimal | None = None
    domain_min: Decimal | None = None

    def to_dict(self) -> dict:
        return {"band": self.band,
                "rank": None if self.rank is None else list(self.rank),
                "index": None if self.index is None else format(self.index, "f"),
                "domain_min": None if self.domain_min is None else format(self.domain_min, "f")}

    def text(self) -> str:
        parts = []
        if self.band:
            parts.append(f"band={self.band}")
        if self.rank:
            best, worst = self.rank
            parts.append(f"rank={best}" if best == worst else f"rank={best}-{worst}")
        if self.index is not None:
            parts.append(f"index={format(self.index, 'f')}")
        if self.domain_min is not None:
            parts.append(f"domain_min={format(self.domain_min, 'f')}")
        return " ".join(parts)


def parse_target(parts: Iterable[str], bands: Sequence[str]) -> Target:
    """A Target from "key=value" texts; `bands` are the labels the unit's set (or campaign)
    classifies with. Raises TargetError naming every bad part."""
    values, errors = {}, {}
    for text in parts:
        key, sep, value = str(text).partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in KEYS:
            errors["target"] = _l("Write each target part as key=value, the key one of %(keys)s.",
                                  keys=", ".join(KEYS))
        elif key in values:
            errors[f"target.{key}"] = _l("This target part is given twice.")
        else:
            values[key] = value
    return target_from(values, bands, errors)


def target_from(values: dict, bands: Sequence[str], errors: dict | None = None) -> Target:
    """A Target from a mapping of parts (the API's body, the page's form): empty parts are left
    out. Raises TargetError naming every bad part."""
    errors = dict(errors or {})
    found = {}
    band = str(values.get("band") or "").strip()
    if band:
        match = next((label for label in bands if label.casefold() == band.casefold()), None)
        if match is None:
            errors["target.band"] = _l("No band %(band)s here; the bands are %(bands)s.",
                                       band=band, bands=", ".join(bands) or "–")
        found["band"] = match
    rank = str(values.get("rank") or "").strip()
    if rank:
        found["rank"] = _rank(rank, errors)
    for key in ("index", "domain_min"):
        text = str(values.get(key) or "").strip()
        if text:
            found[key] = _percent(text, f"target.{key}", errors)
    if not errors and not found:
        errors["target"] = _l("Give a target: a band, a rank, an index or a domain minimum.")
    if errors:
        raise TargetError(errors)
    return Target(**found)


def _rank(text: str, errors: dict) -> tuple[int, int] | None:
    first, _, last = text.partition("-")
    try:
        best, worst = int(first), int(last or first)
    except ValueError:
        best = worst = 0
    if best < 1 or worst < best:
        errors["target.rank"] = _l("Write a rank as a whole number or a range such as 5-7.")
        return None
    return best, worst


def _percent(text: str, field: str, errors: dict) -> Decimal | None:
    try:
        value = parse_decimal(text)
    except NotANumber:
        value = None
    if value is None or not Decimal(0) <= value <= HUNDRED:
        errors[field] = _l("Write a percentage from 0 to 100.")
        return None
    return value
