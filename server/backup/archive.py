"""Write a backup folder and restore one (see the package docstring for the layout)."""

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from alembic.migration import MigrationContext
from sqlalchemy import Date, DateTime, func, insert, select

from server.assessment.evidence import storage
from server.extensions import db
from server.models import EvidenceBlob
from server.models.types import ExactDecimalType

FORMAT = "parindex-backup/1"
BATCH = 1000


class BackupError(ValueError):
    """The backup cannot be written or restored; nothing was restored."""


@dataclass(frozen=True)
class Summary:
    tables: dict[str, int]
    files: int


def _tables():
    # Parents before children, so a restore inserts in this order and foreign keys hold.
    return [table for table in db.metadata.sorted_tables]


def _revision() -> str | None:
    return MigrationContext.configure(db.session.connection()).get_current_revision()


def _plain(value):
    if isinstance(value, Decimal):
        return format(value, "f")  # exact, as text
    return value.isoformat() if isinstance(value, datetime | date) else value


def write_backup(folder: Path) -> Summary:
    """Dump every table and evidence file into `folder`, which must be empty or absent."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty")
    (folder / "tables").mkdir(parents=True)
    (folder / "evidence").mkdir()
    tables = {}
    for table in _tables():
        digest, rows = hashlib.sha256(), 0
        with (folder / "tables" / f"{table.name}.jsonl").open("w", encoding="utf-8") as out:
            query = select(table).order_by(*table.primary_key.columns)
            for row in db.session.execute(query.execution_options(yield_per=BATCH)).mappings():
                line = json.dumps({key: _plain(value) for key, value in row.items()},
                                  ensure_ascii=False, sort_keys=True) + "\n"
                out.write(line)
                digest.update(line.encode())
                rows += 1
        tables[table.name] = {"rows": rows, "sha256": digest.hexdigest()}
    store = storage()
    keys = db.session.scalars(select(EvidenceBlob.storage_key).distinct()).all()
    for key in keys:
        with store.open(key) as source, (folder / "evidence" / key).open("wb") as target:
            while chunk := source.read(1024 * 1024):
                target.write(chunk)
    manifest = {"format": FORMAT, "revision": _revision(),
                "created_at": datetime.now(UTC).isoformat(), "tables": tables,
                "evidence_files": len(keys)}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    db.session.rollback()
    return Summary({name: info["rows"] for name, info in tables.items()}, len(keys))


def restore_backup(folder: Path) -> Summary:
    """Load a backup into this empty database and evidence store, in one transaction."""
    folder = Path(folder)
    manifest = _manifest(folder)
    if manifest["revision"] != _revision():
        raise BackupError(f"the backup has schema revision {manifest['revision']}, this "
                          f"database {_revision()}: migrate it to the same revision first")
    for table in _tables():
        if db.session.scalar(select(func.count()).select_from(table)) and \
                table.name != "unit_groups":
            raise BackupError(f"the database is not empty (table {table.name} has rows)")
    # The seeded rows a migration adds come back from the backup, as they were then.
    db.session.execute(db.metadata.tables["unit_groups"].delete())
    counts = {}
    for table in _tables():
        info = manifest["tables"].get(table.name)
        if info is None:
            raise BackupError(f"the backup has no table {table.name}")
        counts[table.name] = _load_table(folder, table, info)
    _reset_sequences()
    store = storage()
    files = 0
    for path in sorted((folder / "evidence").iterdir()):
        with path.open("rb") as source:
            store.put(path.name, source)
        files += 1
    db.session.commit()
    return Summary(counts, files)


def _manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BackupError(f"{folder} holds no readable manifest.json: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def _load_table(folder: Path, table, info: dict) -> int:
    converters = {column.name: _converter(column.type) for column in table.columns}
    digest, batch, rows = hashlib.sha256(), [], 0
    with (folder / "tables" / f"{table.name}.jsonl").open(encoding="utf-8") as source:
        for line in source:
            digest.update(line.encode())
            record = json.loads(line)
            batch.append({key: converters[key](value) for key, value in record.items()})
            if len(batch) == BATCH:
                db.session.execute(insert(table), batch)
                rows, batch = rows + len(batch), []
    if batch:
        db.session.execute(insert(table), batch)
        rows += len(batch)
    if digest.hexdigest() != info["sha256"] or rows != info["rows"]:
        db.session.rollback()
        raise BackupError(f"tables/{table.name}.jsonl does not match the manifest: the backup "
                          "is damaged")
    return rows


def _converter(column_type):
    if isinstance(column_type, DateTime) or isinstance(getattr(column_type, "impl", None),
                                                        DateTime):
        return lambda value: None if value is None else datetime.fromisoformat(value)
    if isinstance(column_type, Date):
        return lambda value: None if value is None else date.fromisoformat(value)
    if isinstance(column_type, ExactDecimalType):
        return lambda value: None if value is None else Decimal(value)
    return lambda value: value


def _reset_sequences() -> None:
    """PostgreSQL hands out ids from sequences, which rows inserted with their ids skip."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in _tables():
        column = table.primary_key.columns.values()[0]
        if len(table.primary_key.columns) == 1 and column.autoincrement is not False and \
                column.type.python_type is int:
            highest = select(func.max(column)).scalar_subquery()
            db.session.execute(select(func.setval(
                func.pg_get_serial_sequence(table.name, column.name),
                func.coalesce(highest, 0) + 1, False)))
