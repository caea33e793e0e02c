"""Domain errors. No HTTP codes or exit codes here: the edges map these once each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input, located as precisely as the input allows."""

    message: str
    source: str | None = None  # file name, form or API body
    line: int | None = None
    field: str | None = None  # column, TOML key path or form field

    def __str__(self) -> str:
        where = self.source or ""
        if self.line is not None:
            where += f":{self.line}"
        if self.field:
            where += f" [{self.field}]" if where else f"[{self.field}]"
        return f"{where}: {self.message}" if where else self.message


class HustingsError(Exception):
    """Base of every error a user can cause; never a bug."""


class InvalidInput(HustingsError):
    """An input failed validation; nothing was changed. Carries every problem found."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class NotFound(HustingsError):
    """A named thing (election, body, poll, precinct...) does not exist."""


class AlreadyExists(HustingsError):
    """A thing with that identity exists already."""


class RuleViolation(HustingsError):
    """A step the election's rules forbid now (lifecycle guards, certification...)."""


class PermissionDenied(HustingsError):
    """The actor's role does not allow this action."""


class Unavailable(HustingsError):
    """The database cannot be reached or opened (down, missing, a bad URL); nothing changed.
    The message names the URL without its password and what failed."""
