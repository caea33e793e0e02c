"""Disputes about a poll or some of its precincts, and the rulings that decide them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime


class Decision(enum.StrEnum):
    DISMISS = "dismiss"
    RECOUNT = "recount"  # the precincts' sheets must be entered again (two clerks)
    VOID_AND_REVOTE = "void-and-revote"  # void the precincts' sheets; a new poll there only
    VOID_POLL = "void-poll"  # void the whole poll; a new poll everywhere
    ACCEPT_UNREPORTED = "accept-unreported"  # certify without the named precincts' sheets


@dataclass(frozen=True)
class Evidence:
    name: str
    sha256: str


@dataclass(frozen=True)
class Dispute:
    number: int
    filed_by: str
    filed_at: datetime
    poll: str
    precincts: tuple[str, ...]  # empty: the whole poll
    complaint: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Ruling:
    dispute: int
    ruled_by: str
    ruled_at: datetime
    decision: Decision
    precincts: tuple[str, ...]
    reasons: str
    revote_poll: str | None = None
    revote_day: date | None = None
