"""Reading an official criteria table into a set's YAML as a job (`parindex criteria import`).

The command checks the table's kind, size, inflated size and rows before it queues it (so no
bomb reaches the worker); the worker reads every row, builds the set and validates it with the
installed rule types, and keeps the YAML on the job for the command to write where it was asked
(a set is installed from its file, never from the database). A table with rows that cannot be
understood fails at once, every row named. The key names the table's SHA-256 and the set-level
fields: the same table asked for twice with the same fields is one job.
"""

import hashlib
import json

from server.campaigns.criteria import criteria_registry
from server.criteria_io.table_import import (
    TableImportError,
    check_table,
    read_table_content,
    table_to_set,
)
from server.criteria_io.yaml_out import dump_yaml
from server.engine.decimals import parse_decimal
from server.jobs.kinds import JobFailed, job_kind
from server.jobs.runner import progress, submit
from server.models import Job

KIND = "criteria-import"


def _failed(error: TableImportError) -> JobFailed:
    """Every row not understood, named; the table stays wrong, so no retry."""
    problems = [{"row": p.row or 0, "kind": "not_understood", "message": p.message,
                 "text": p.text} for p in error.problems]
    return JobFailed("\n".join([f"The table was refused ({len(problems)} problem(s)):",
                                *(str(p) for p in error.problems)]), problems=problems)


def queue_criteria_import(filename: str, content: bytes, meta: dict) -> Job:
    """The job that reads the table into a set, queued when the caller commits; `meta` is the
    set-level fields, as JSON (the bands' minimums as text). TableImportError at once for a
    table of another kind, too large, or with too many rows."""
    check_table(filename, content)
    digest = hashlib.sha256(content).hexdigest()
    fields = hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:16]
    return submit(KIND, f"{KIND}:{digest}:{fields}", params={"filename": filename,
                                                              "meta": meta}, payload=content)


@job_kind(KIND)
def run_criteria_import(job: Job) -> str:
    meta = dict(job.params["meta"])
    meta["bands"] = [{**band, "min": parse_decimal(band["min"])} for band in meta["bands"]]
    try:
        rows = read_table_content(job.params["filename"], job.payload)
        data = table_to_set(rows, job.params["filename"], meta, criteria_registry().rule_types)
    except TableImportError as error:
        raise _failed(error) from error
    leaves = sum(len(c.get("sub_criteria", [c])) for d in data["domains"] for c in d["criteria"])
    job.params = {**job.params, "result": {
        "yaml": dump_yaml(data), "domains": len(data["domains"]), "leaves": leaves}}
    progress(job, len(rows), len(rows))
    return ""
