"""The job kinds: the stage that owns the work registers a handler under a name.

A handler gets the claimed Job row and returns the link to its result ("" for none). It runs in
the worker's own transaction: what it writes and the job's `done` are committed together, so a
retry after that commit finds the job done and does nothing twice. A handler that commits along
the way (progress on long work) must be safe to run again from the start.
"""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext as _

from server.models import Job


class JobFailed(Exception):
    """A failure to show on the job's page (`message`, in Vietnamese); `retry=False` when
    running it again cannot help (the input itself is wrong); `problems` the rows of a file at
    fault, kept on the job ({row, kind, message, ...} each)."""

    def __init__(self, message: str, *, retry: bool = False, problems: list[dict] = ()):
        super().__init__(message)
        self.message = message
        self.retry = retry
        self.problems = list(problems)


def bad_rows(problems) -> JobFailed:
    """The failure of an import whose file has bad rows (RowProblem-like: `row`, `kind`,
    `message`, `to_dict()`): every row named, and no retry, since the file stays wrong."""
    header = _("The file was not imported (%(count)s problem(s)):", count=len(problems))
    return JobFailed("\n".join([header, *(f"row {p.row}: {p.kind}: {p.message}"
                                          for p in problems)]),
                     problems=[p.to_dict() for p in problems])


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Callable[[Job], str]
    max_attempts: int
    # Its done jobs name a file in the evidence storage (params["file"]["key"]), which the
    # storage's clean-up keeps.
    keeps_file: bool = False


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, max_attempts: int = 3, keeps_file: bool = False):
    """Register the decorated function as the handler of jobs of kind `name`."""
    def register(handler):
        KINDS[name] = JobKind(name, handler, max_attempts, keeps_file)
        return handler
    return register
