"""What no view should ever be handed: ids beyond the database's integers, NUL characters,
unpaired surrogates and JSON nested deeper than any real body. Each is refused with a 4xx before
the view runs (the API's as problem+json), instead of a 500 from the database driver."""

import json
import re

from flask import abort, request
from werkzeug.routing import IntegerConverter

# PostgreSQL's `integer`: every id column and every page number fits in it.
MAX_ID = 2**31 - 1
# Real bodies nest a handful of levels; Python's decoder overflows its stack near 1,000.
MAX_JSON_DEPTH = 32


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: a larger number matches no route (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def check_request() -> None:
    """Refuse NUL characters in the query, the form and JSON bodies, unpaired surrogates and
    over-deep nesting in JSON bodies (400, naming the field)."""
    if "\x00" in request.path:
        abort(404)
    fields = list(request.args.items(multi=True))
    if request.method not in ("GET", "HEAD", "OPTIONS") and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        fields += request.form.items(multi=True)
    for name, value in fields:
        name = name or ""  # werkzeug keys a multipart part that has no name None
        if "\x00" in name or "\x00" in value:
            abort(400, f"{name.replace(chr(0), '')}: contains a NUL character")
    if request.is_json and request.content_length:
        raw = request.get_data(cache=True)
        try:
            text = raw.decode(json.detect_encoding(raw), "surrogatepass")
            body = json.loads(text)
        except RecursionError:
            abort(400, "the JSON body is nested too deeply")
        except ValueError as error:
            abort(400, f"the body is not valid JSON: {error}")
        if SUSPECT_TEXT.search(text):
            _check_json(body)
        else:  # no string in it can hold a NUL or a lone surrogate: only the depth to check
            _check_depth(body)


# The only ways a decoded JSON string gets a NUL or a lone surrogate: an escape, or a raw
# surrogate the decoder let through. A body without them needs no walk through its strings.
SUSPECT_TEXT = re.compile(r"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})|[\x00\ud800-\udfff]")


def _check_depth(body) -> None:
    """Refuse a value deeper than MAX_JSON_DEPTH, one level at a time (no walk per string)."""
    level = [body] if isinstance(body, dict | list) else []
    for _depth in range(MAX_JSON_DEPTH):
        level = [child for value in level
                 for child in (value.values() if isinstance(value, dict) else value)
                 if isinstance(child, dict | list)]
    if any(level):
        abort(400, f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep")


def _check_json(body) -> None:
    stack = [(body, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            abort(400, f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep")
        if isinstance(value, dict):
            for key, item in value.items():
                _check_text(key, f"{path}.{key}".lstrip("."))
                stack.append((item, f"{path}.{key}".lstrip("."), depth + 1))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{index}]", depth + 1)
                         for index, item in enumerate(value))
        elif isinstance(value, str):
            _check_text(value, path)


def _check_text(text: str, path: str) -> None:
    shown = path.encode("utf-8", "replace").decode().replace("\x00", "") or "body"
    if "\x00" in text:
        abort(400, f"{shown}: contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        abort(400, f"{shown}: contains an unpaired surrogate, which is not text")
