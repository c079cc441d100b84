"""Jinja filters: numbers, dates and bands shown the Vietnamese way."""

import re
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from babel.numbers import get_decimal_symbol, get_group_symbol
from flask import g
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from server.engine.decimals import NotANumber, parse_decimal, vn_number
from server.labels import vn_day

HUNDREDTH = Decimal("0.01")


def points(value, symbols: tuple[str, str] | None = None) -> str:
    """A number shown the Vietnamese way: "0,5", "9,25", "1.234,5" (at most 2 places, no
    trailing zeros): what babel's format_decimal(value, "#,##0.##") gives, at a small part of
    its cost (a 1,000-unit ranking page shows 14,000 numbers, most of them repeated).
    `symbols` (number_symbols()), when a page passes them, saves reading the locale again."""
    if value is None:
        return "–"
    if not (isinstance(value, str) and _TWO_PLACES.fullmatch(value)):
        value = format(Decimal(value).quantize(HUNDREDTH, rounding=ROUND_HALF_EVEN), "f")
    return _shown(value, *(symbols or number_symbols()))


@lru_cache(maxsize=8192)
def _shown(text: str, decimal_symbol: str, group_symbol: str) -> str:
    """`text` (a number with at most two places, "-1234.50") written with the symbols."""
    sign = "-" if text.startswith("-") else ""
    whole, _dot, fraction = text.lstrip("-").partition(".")
    fraction = fraction.rstrip("0")
    if len(whole) > 3:
        groups = []
        while len(whole) > 3:
            whole, tail = whole[:-3], whole[-3:]
            groups.insert(0, tail)
        whole = group_symbol.join([whole, *groups])
    return f"{sign}{whole}{decimal_symbol}{fraction}" if fraction else f"{sign}{whole}"


_TWO_PLACES = re.compile(r"-?\d+(\.\d{1,2})?")


def number_symbols() -> tuple[str, str]:
    """The current locale's decimal and group symbols (force_locale included); babel's own
    lookups cost more than the formatting itself. The locale is read where flask_babel keeps
    it for the request (get_locale when it is not there yet), and the last one seen is
    remembered by identity (a request keeps one Locale object; comparing Locales is slow)."""
    global _last
    locale = getattr(g.get("_flask_babel"), "babel_locale", None) or get_locale()
    last_locale, symbols = _last
    if locale is not last_locale:
        symbols = (get_decimal_symbol(locale), get_group_symbol(locale))
        _last = (locale, symbols)
    return symbols


_last: tuple = (None, None)  # (Locale, its (decimal, group) symbols)


def change_mark(change) -> Markup:
    """The change of a unit's index against last year, marked up or down ("▲ +2,5"); a filter,
    not a macro: a ranking page shows one a row."""
    if change is None:
        return Markup('<span class="muted">–</span>')
    value = Decimal(change)
    if value > 0:
        return Markup('<span class="up" title="{}">▲ +{}</span>').format(
            _("Up against last year"), points(change))
    if value < 0:
        return Markup('<span class="down" title="{}">▼ {}</span>').format(
            _("Down against last year"), points(change))
    return Markup('<span class="same" title="{}">= 0</span>').format(
        _("Unchanged against last year"))


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
