"""Problems found in a criteria-set file, reported all together."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a file: `code` is the node code, or the set-level field it concerns."""

    file: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.code}: {self.message}"


class FileProblemsError(Exception):
    """A file was refused; `problems` lists every reason, not just the first, one per line."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def single(cls, file: str, code: str, message: str):
        return cls([Problem(file, code, message)])


class CriteriaSetError(FileProblemsError):
    """A criteria-set file was refused."""


class CaseError(FileProblemsError):
    """A test-case file was refused."""


class ProblemLog:
    """Collects the problems of one file so a loader can keep going after the first one."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def add(self, code: str, message: str) -> None:
        self.problems.append(Problem(self.file, code, message))

    def reporter(self, code: str):
        """A one-argument callable that files messages under `code`."""
        return lambda message: self.add(code, message)
