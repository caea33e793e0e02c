"""Parsers for CLI values that Typer does not check itself (dates, timestamps)."""

from __future__ import annotations

from datetime import date, datetime

from hustings.domain.errors import InvalidInput, Problem


def parse_day(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(Problem(f"{value!r} is not a date (YYYY-MM-DD)", flag)) from None


def parse_timestamp(value: str | None, flag: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(Problem(f"{value!r} is not a timestamp (YYYY-MM-DD[THH:MM[:SS]])",
                                   flag)) from None
