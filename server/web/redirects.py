"""Where to go after a form that carries a `next` address (login, the language switch): a path
of this site only. An open redirect after login is a phishing aid, and a CR or LF in `next` must
never reach the Location header."""

from urllib.parse import urlsplit

from flask import url_for

# Longer than any page address of the site; a longer `next` is not one of ours.
MAX_NEXT = 2000


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this site, else the home page."""
    return target if target and is_same_site_path(target) else url_for("web.index")


def is_same_site_path(target: str) -> bool:
    # Browsers drop tabs and newlines inside an address and read "\" as "/", so "/\t/evil.example"
    # and "/\\evil.example" lead to another site ("//evil.example"). No control character
    # belongs in a path: refusing them also keeps CR/LF out of the header.
    if len(target) > MAX_NEXT or not target.isprintable():
        return False
    normalised = target.replace("\\", "/")
    if not normalised.startswith("/") or normalised.startswith("//"):
        return False
    parts = urlsplit(normalised)
    return not parts.scheme and not parts.netloc
