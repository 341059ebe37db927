"""Errors a user can act on. The CLI prints them as one line each, no traceback."""

from __future__ import annotations

from dataclasses import dataclass

from stanceframe.errors import StanceframeError

__all__ = ["DataError", "Problem", "StanceframeError"]


@dataclass(frozen=True)
class Problem:
    """One problem at ``path:line`` in ``field``; line 0 means the whole file."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


class DataError(StanceframeError):
    """One or more problems with an input file; ``str()`` is one line each."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
