"""The points filter writes numbers exactly as babel's "#,##0.##" pattern does, in Vietnamese
and in English, at a fraction of the cost."""

import random
from decimal import Decimal

from flask_babel import force_locale, format_decimal

from server.web.filters import points

EDGES = ["0", "0.5", "9.25", "9.255", "9.265", "1234.5", "-1.005", "-0.001", "1000000", "82.00",
         "99.995", "0.125", "12345678.9"]


def test_points_are_written_as_babel_writes_them(app):
    rng = random.Random(1)  # noqa: S311 (a repeatable sample, not a secret)
    values = [Decimal(text) for text in EDGES] + [
        Decimal(rng.randint(-10**7, 10**7)) / Decimal(10 ** rng.randint(0, 5))
        for _ in range(3000)]
    with app.test_request_context():
        for lang in ("vi", "en", "vi"):  # the language of the moment, even inside one request
            with force_locale(lang):
                for value in values:
                    assert points(value) == format_decimal(value, format="#,##0.##"), \
                        (lang, value)
