"""Built-in evidence storage: a local folder, content-addressed by SHA-256.

Bytes are written to a temporary name in the same folder, flushed to disk and renamed, so no
half-written file ever carries a real name, whatever happens mid-write.
"""

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from server.hookspecs import hookimpl

CHUNK = 1024 * 1024
PARTIAL = ".partial-"


class LocalStorage:
    def __init__(self, root):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if len(key) < 8 or not key.isalnum():
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key[:2] / key[2:4] / key

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def check(self) -> None:
        """Raise OSError unless the folder exists (or can be made) and can be written."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise PermissionError(f"cannot write to {self.root}")

    def put(self, key: str, fileobj) -> None:
        path = self._path(key)
        if path.exists():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=PARTIAL, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                shutil.copyfileobj(fileobj, out, CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o640)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def open(self, key: str):
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def stored(self) -> Iterator[tuple[str, datetime]]:
        """(key, last modified) of every stored file, temporaries left out."""
        for path in self.root.glob("??/??/*"):
            if not path.name.startswith(PARTIAL):
                yield path.name, _modified(path)

    def sweep(self, before: datetime) -> int:
        """Delete temporaries an interrupted upload left (a worker killed mid-write) that were
        last written before `before`; younger ones may be an upload in flight."""
        swept = 0
        for path in self.root.glob(f"??/??/{PARTIAL}*"):
            if _modified(path) < before:
                path.unlink(missing_ok=True)
                swept += 1
        return swept


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


@hookimpl
def parindex_evidence_storage(name, config):
    if name == "local":
        return LocalStorage(config["EVIDENCE_DIR"])
    return None
