"""The job kinds: the stage that owns the work registers a handler under a name.

A handler gets the claimed Job row and returns the link to its result ("" for none). It runs in
the worker's own transaction: what it writes and the job's `done` are committed together, so a
retry after that commit finds the job done and does nothing twice. A handler that commits along
the way (progress on long work) must be safe to run again from the start.
"""

from collections.abc import Callable
from dataclasses import dataclass

from server.models import Job


class JobFailed(Exception):
    """A failure to show on the job's page (`message`, in Vietnamese); `retry=False` when
    running it again cannot help (the input itself is wrong)."""

    def __init__(self, message: str, *, retry: bool = False):
        super().__init__(message)
        self.message = message
        self.retry = retry


@dataclass(frozen=True)
class JobKind:
    name: str
    handler: Callable[[Job], str]
    max_attempts: int


KINDS: dict[str, JobKind] = {}


def job_kind(name: str, *, max_attempts: int = 3):
    """Register the decorated function as the handler of jobs of kind `name`."""
    def register(handler):
        KINDS[name] = JobKind(name, handler, max_attempts)
        return handler
    return register
