"""Errors raised by simcore. The CLI turns each into one line on stderr.

Every error names where the bad value entered: the file, the line where it is
known, the dotted path of the field, and what was expected.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is and what was expected."""

    message: str
    file: Path | None = None
    line: int | None = None
    path: str = ""

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        field = f"{self.path}: " if self.path else ""
        return f"{where}{field}{self.message}"


class SimError(Exception):
    """Base of every error simcore raises on purpose."""


class InputError(SimError):
    """Bad input: a scenario, a seed record, an override or an argument.

    Holds one or more :class:`Problem`; ``str()`` gives one line per problem.
    """

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class RunError(SimError):
    """A run that started on valid input and failed."""
