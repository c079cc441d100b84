"""Jinja filters: numbers, dates and bands shown the Vietnamese way."""

from decimal import ROUND_HALF_EVEN, Decimal

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask_babel import get_locale
from flask_babel import gettext as _

from server.engine.decimals import NotANumber, parse_decimal, vn_number
from server.labels import vn_day

HUNDREDTH = Decimal("0.01")


def points(value) -> str:
    """A number shown the Vietnamese way: "0,5", "9,25", "1.234,5" (at most 2 places, no
    trailing zeros): what babel's format_decimal(value, "#,##0.##") gives, at a small part of
    its cost (a 1,000-unit ranking page shows 14,000 numbers)."""
    if value is None:
        return "–"
    decimal_symbol, group_symbol = _symbols()
    text = format(Decimal(value).quantize(HUNDREDTH, rounding=ROUND_HALF_EVEN), "f")
    sign = "-" if text.startswith("-") else ""
    whole, _dot, fraction = text.lstrip("-").partition(".")
    fraction = fraction.rstrip("0")
    groups = []
    while len(whole) > 3:
        whole, tail = whole[:-3], whole[-3:]
        groups.insert(0, tail)
    whole = group_symbol.join([whole, *groups])
    return f"{sign}{whole}{decimal_symbol}{fraction}" if fraction else f"{sign}{whole}"


def _symbols() -> tuple[str, str]:
    """The current locale's decimal and group symbols (force_locale included); babel's own
    lookups cost more than the formatting itself. A request keeps one Locale object, so the
    last one seen is remembered by identity (comparing Locales is slow too)."""
    global _last
    locale = get_locale()
    last_locale, symbols = _last
    if locale is not last_locale:
        symbols = (get_decimal_symbol(locale), get_group_symbol(locale))
        _last = (locale, symbols)
    return symbols


_last: tuple = (None, None)  # (Locale, its (decimal, group) symbols)


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
