"""Jinja filters: numbers, dates and bands shown the Vietnamese way."""

from flask_babel import format_decimal
from flask_babel import gettext as _

from server.engine.decimals import NotANumber, parse_decimal, vn_number
from server.labels import vn_day


def points(value) -> str:
    """A Decimal shown the Vietnamese way: "0,5", "9,25" (no trailing zeros)."""
    if value is None:
        return "–"
    return format_decimal(value, format="#,##0.##")


def number_text(text) -> str:
    """A number in an input field with a decimal comma and every digit kept ("0.333" ->
    "0,333"); other text (what the user typed and the form refused) as it is."""
    if text is None or isinstance(text, bool):
        return "" if text is None else str(text)
    try:
        return vn_number(parse_decimal(text))
    except NotANumber:
        return str(text)


def vn_date(value) -> str:
    """dd/mm/yyyy, from a date or an ISO date string."""
    return vn_day(value)


def band_text(band: dict) -> str:
    """A percentage band as the official tables write it: "trên 90%", "từ 70% đến 90%"."""
    words = {
        "above": _("above %(value)s%%"),
        "at_least": _("from %(value)s%% up"),
        "from": _("from %(value)s%%"),
        "to": _("to %(value)s%%"),
        "below": _("below %(value)s%%"),
        "at_most": _("up to %(value)s%%"),
    }
    return " ".join(words[key] % {"value": points(band[key])} for key in words if key in band)
