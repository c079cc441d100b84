"""Stored files no evidence row refers to, and temporaries of interrupted uploads.

Both appear only when a worker dies mid-request (an upload is stored before its row commits). A
file younger than `min_age` is left alone whatever it looks like: it may belong to an upload
still in flight on another worker (gunicorn restarts workers one at a time).
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice

from sqlalchemy import select

from server.assessment.evidence import storage
from server.extensions import db
from server.jobs.runner import stored_files
from server.models import EvidenceBlob

BATCH = 1000


@dataclass(frozen=True)
class Cleanup:
    unreferenced: list[tuple[str, datetime]]
    swept: int
    deleted: bool


def clean_storage(min_age: timedelta, *, delete: bool = False) -> Cleanup:
    """Sweep old temporaries and list (with `delete`, also remove) old unreferenced files."""
    before = datetime.now(UTC) - min_age
    store = storage()
    swept = store.sweep(before)
    found = []
    made_by_jobs = stored_files()  # workbooks the worker wrote, downloaded from there
    candidates = ((key, modified) for key, modified in store.stored()
                  if modified < before and key not in made_by_jobs)
    while batch := list(islice(candidates, BATCH)):
        known = set(db.session.scalars(select(EvidenceBlob.storage_key).where(
            EvidenceBlob.storage_key.in_([key for key, _ in batch]))))
        found += [(key, modified) for key, modified in batch if key not in known]
    if delete:
        for key, _ in found:
            store.delete(key)
    return Cleanup(found, swept, delete)
