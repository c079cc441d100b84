"""Writing a set's YAML data: exact decimals, readable Vietnamese, and never a partial file."""

import os
import tempfile
from decimal import Decimal
from pathlib import Path

import yaml

from server.engine.decimals import plain


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper, value: Decimal):
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", plain(value))


_Dumper.add_representer(Decimal, _decimal)


def dump_yaml(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)


def write_atomically(path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder, then rename: readers
    see the old file or the whole new one, never a part."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
