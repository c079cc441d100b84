"""Scoring lines of an official table ("Ban hành kịp thời: 1", "Trên 90%: 2") as rules, and back.

One wording per rule type, so an exported table imports back to the same rule:

- "condition: points" lines: a choice among outcomes; all conditions in percent: bands
  ("Trên 90%", "Từ 70% - 90%", "Dưới 70%", "Từ 90% trở lên", "≥ 90%", "< 70%" ...);
  exactly "Đạt" / "Không đạt" (or "Có" / "Không"): yes / no;
- "Mỗi lần không đạt trừ 0,25 điểm, tối thiểu 0 điểm": deduction per failure with a floor;
- "Tính theo tỷ lệ: số đạt / số yêu cầu × điểm tối đa": proportional;
- "Chấm theo thực tế, bước 0,25 điểm": manual points with a step;
- "Điểm ĐTXHH (điều tra xã hội học, không tự chấm)": a survey item;
- no line at all: manual points, step 0.25.
"""

import re
from decimal import Decimal

from server.engine.decimals import NotANumber, parse_decimal, plain

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_PERCENT = re.compile(_NUMBER + r"\s*%")
_POINTS = re.compile(r"^(?P<label>.+?)\s*:\s*(?P<points>[+-]?\d+(?:[.,]\d+)?)\s*(?:điểm|đ)?\.?$",
                     re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-+•*–]\s*")
YES_NO_LABELS = ({"đạt", "không đạt"}, {"có", "không"})
SURVEY_WORDS = ("đtxhh", "điều tra xã hội học")


class LineError(ValueError):
    """A scoring line that could not be understood."""


def vn(number: Decimal) -> str:
    """A number written the Vietnamese way: 0,5."""
    return plain(number).replace(".", ",")


def _num(text: str) -> Decimal:
    return parse_decimal(text)


def strip_bullet(text: str) -> str:
    return _BULLET.sub("", text).strip()


def parse_line(text: str, points=None):
    """One line as ("special", rule) or ("outcome", label, points); LineError when unreadable.

    `points` is the value of the max-points cell on the line's row, if any: official tables often
    put an outcome's points there instead of after a colon.
    """
    line = strip_bullet(text)
    lower = line.lower()
    if any(word in lower for word in SURVEY_WORDS):
        return ("special", {"type": "survey"})
    if "tính theo tỷ lệ" in lower:
        return ("special", {"type": "proportional"})
    if "chấm theo thực tế" in lower:
        step = re.search(r"bước\s*" + _NUMBER, lower)
        return ("special", {"type": "manual", "step": _num(step.group(1)) if step else
                            Decimal("0.25")})
    if lower.startswith("mỗi") and "trừ" in lower:
        per = re.search(r"trừ\s*" + _NUMBER, lower)
        floor = re.search(r"tối thiểu\s*" + _NUMBER, lower)
        if not per:
            raise LineError("a deduction line must say how much each failure costs: "
                            "'Mỗi lần không đạt trừ 0,25 điểm'")
        return ("special", {"type": "deduction", "per_failure": _num(per.group(1)),
                            "floor": _num(floor.group(1)) if floor else Decimal(0)})
    match = _POINTS.match(line)
    if match:
        return ("outcome", match.group("label").strip(), _num(match.group("points")))
    if points not in (None, ""):
        try:
            return ("outcome", line.rstrip(":").strip(), parse_decimal(points))
        except NotANumber:
            raise LineError(f"the points {points!r} are not a number") from None
    raise LineError("expected 'condition: points' (e.g. 'Ban hành kịp thời: 1')")


def percent_band(label: str) -> dict | None:
    """The bounds a percentage condition states, or None when it names no percentage."""
    lower = label.lower()
    numbers = list(_PERCENT.finditer(lower))
    if not numbers:
        return None
    if len(numbers) > 2:
        raise LineError("a percentage condition names at most two percentages")
    first = _num(numbers[0].group(1))
    before = lower[:numbers[0].start()]
    if len(numbers) == 2:
        second = _num(numbers[1].group(1))
        between = lower[numbers[0].end():numbers[1].start()]
        lower_exclusive = bool(re.search(r"(trên|>)(?!=)\s*$", before))
        upper_exclusive = "dưới" in between or re.search(r"<(?!=)", between) is not None
        if lower_exclusive:
            return {"above": first, ("below" if upper_exclusive else "at_most"): second}
        if upper_exclusive:
            return {"at_least": first, "below": second}
        return {"from": first, "to": second}
    after = lower[numbers[0].end():]
    if "trở lên" in after or re.search(r"(≥|>=)\s*$", before):
        return {"at_least": first}
    if "trở xuống" in after or re.search(r"(≤|<=)\s*$", before):
        return {"at_most": first}
    if re.search(r"(trên|>)\s*$", before) or "trên" in before:
        return {"above": first}
    if re.search(r"(dưới|<)\s*$", before) or "dưới" in before:
        return {"below": first}
    if "từ" in before or first == 100:
        return {"at_least": first}
    raise LineError("cannot tell whether the percentage is a lower or an upper bound "
                    "(write 'trên', 'từ ... trở lên', 'dưới', '≥', '<' ...)")


def rule_from_lines(outcomes: list[tuple[str, Decimal]], special: dict | None) -> dict:
    """The rule the lines describe (see the module docstring)."""
    if special:
        return special
    if not outcomes:
        return {"type": "manual", "step": Decimal("0.25")}
    bands = [percent_band(label) for label, _ in outcomes]
    if all(bands):
        return {"type": "percent_bands",
                "bands": [{**band, "points": points} for band, (_, points) in zip(bands, outcomes,
                                                                                  strict=True)]}
    if any(bands):
        raise LineError("some conditions are percentages and some are not")
    labels = {label.lower() for label, _ in outcomes}
    for yes_no in YES_NO_LABELS:
        if labels == yes_no:
            by_label = {label.lower(): points for label, points in outcomes}
            yes_label = min(yes_no, key=len)
            return {"type": "yes_no", "yes": by_label[yes_label],
                    "no": by_label[max(yes_no, key=len)]}
    return {"type": "choice",
            "outcomes": [{"label": label, "points": points} for label, points in outcomes]}


def _band_text(band: dict) -> str:
    low = next(((k, band[k]) for k in ("above", "at_least", "from") if k in band), None)
    high = next(((k, band[k]) for k in ("below", "at_most", "to") if k in band), None)
    if low and high:
        start = "Trên" if low[0] == "above" else "Từ"
        joiner = " đến dưới " if high[0] == "below" else (" - " if start == "Từ" else " đến ")
        return f"{start} {vn(low[1])}%{joiner}{vn(high[1])}%"
    if low:
        return f"Trên {vn(low[1])}%" if low[0] == "above" else f"Từ {vn(low[1])}% trở lên"
    if high:
        return f"Dưới {vn(high[1])}%" if high[0] == "below" else f"Từ {vn(high[1])}% trở xuống"
    return "Mọi tỷ lệ"


def _bounds(band: dict) -> dict:
    return {k: Decimal(str(v)) for k, v in band.items() if k not in ("points", "label")}


def lines_for_rule(rule: dict) -> list[str]:
    """The scoring lines that describe `rule` (a rule's to_dict()), in the official wording."""
    kind = rule["type"]
    if kind == "survey":
        return ["Điểm ĐTXHH (điều tra xã hội học, không tự chấm)"]
    if kind == "proportional":
        return ["Tính theo tỷ lệ: số đạt / số yêu cầu × điểm tối đa"]
    if kind == "manual":
        return [f"Chấm theo thực tế, bước {vn(Decimal(str(rule['step'])))} điểm"]
    if kind == "deduction":
        return [f"Mỗi lần không đạt trừ {vn(Decimal(str(rule['per_failure'])))} điểm, "
                f"tối thiểu {vn(Decimal(str(rule['floor'])))} điểm"]
    if kind == "yes_no":
        return [f"Đạt: {vn(Decimal(str(rule['yes'])))}",
                f"Không đạt: {vn(Decimal(str(rule['no'])))}"]
    if kind == "percent_bands":
        return [f"{_band_text(_bounds(band))}: {vn(Decimal(str(band['points'])))}"
                for band in rule["bands"]]
    if kind == "choice":
        return [f"{outcome['label']}: {vn(Decimal(str(outcome['points'])))}"
                for outcome in rule["outcomes"]]
    raise LineError(f"the rule type {kind!r} has no wording in the official table")
