"""The product speaks Vietnamese: every UI string has a translation, and the compiled catalog
is in step with the one people edit."""

import gettext
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "server" / "translations" / "vi" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "lazy_gettext": None, "_l": None}


def _source_messages() -> set[str]:
    found = set()
    for folder, method in (("server", "python"), ("plugins", "python"), ("templates", "jinja2")):
        pattern = "**.html" if method == "jinja2" else "**.py"
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=[(pattern, method)], keywords=KEYWORDS,
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def _po():
    with open(CATALOG / "messages.po", "rb") as handle:
        return read_po(handle, locale="vi")


def test_every_ui_string_has_a_vietnamese_translation():
    translated = {m.id: m.string for m in _po() if m.id}
    missing = sorted(m for m in _source_messages() if not translated.get(m))
    assert missing == [], "run pybabel extract/update and translate: " + ", ".join(missing)


def test_compiled_catalog_matches_the_po_file():
    with open(CATALOG / "messages.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in _po():
        if message.id:
            assert compiled.gettext(message.id) == message.string, message.id
