"""A poll-based result: sums of tally sheets, percentages, turnout, margin and winner."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hustings.domain.election import Candidate, PercentageBase
from hustings.domain.polling import TallySheet
from hustings.domain.rounding import percent


@dataclass(frozen=True)
class CandidateResult:
    key: str
    name: str
    votes: int
    percentage: str


@dataclass(frozen=True)
class PrecinctResult:
    code: str
    name: str
    registered: int
    ballots_cast: int
    turnout: str
    votes: dict[str, int]
    blank: int
    invalid: int
    poll: str


@dataclass(frozen=True)
class Result:
    election: str
    status: str
    registered: int
    ballots_cast: int
    valid: int
    blank: int
    invalid: int
    turnout: str
    precincts_reporting: int
    precincts_total: int
    candidates: tuple[CandidateResult, ...]
    winner: str | None
    margin: int
    percentage_base: PercentageBase
    precincts: tuple[PrecinctResult, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """The published JSON contract."""
        return {
            "election": self.election,
            "status": self.status,
            "registered": self.registered,
            "ballots_cast": self.ballots_cast,
            "valid": self.valid,
            "blank": self.blank,
            "invalid": self.invalid,
            "turnout": self.turnout,
            "percentage_base": self.percentage_base.value,
            "precincts": {"reporting": self.precincts_reporting, "total": self.precincts_total},
            "candidates": [
                {"name": c.name, "votes": c.votes, "percentage": c.percentage}
                for c in self.candidates
            ],
            "winner": self.winner,
            "margin": self.margin,
        }


def summarise(
    election: str,
    status: str,
    candidates: Sequence[Candidate],
    sheets: Iterable[tuple[TallySheet, str]],
    registered: int,
    precincts_total: int,
    base: PercentageBase = PercentageBase.VALID,
) -> Result:
    """Add up one sheet per reporting precinct (sheet, precinct name) into a published result.

    `registered` is the frozen roll's size over every precinct of the count; turnout is ballots
    cast over it at one decimal, half up. Percentages are at two decimals, half up, over valid
    votes or ballots cast as `base` declares. Ties for first place leave `winner` None.
    """
    totals = {c.key: 0 for c in candidates}
    cast = blank = invalid = 0
    per_precinct: list[PrecinctResult] = []
    for sheet, name in sheets:
        for key, votes in sheet.votes.items():
            totals[key] = totals.get(key, 0) + votes
        cast += sheet.ballots_cast
        blank += sheet.blank
        invalid += sheet.invalid
        per_precinct.append(PrecinctResult(
            sheet.precinct, name, sheet.registered, sheet.ballots_cast,
            percent(sheet.ballots_cast, sheet.registered, 1), dict(sheet.votes),
            sheet.blank, sheet.invalid, sheet.poll))
    valid = sum(totals.values())
    denominator = valid if base is PercentageBase.VALID else cast
    by_key = {c.key: c for c in candidates}
    order = sorted(totals, key=lambda k: (-totals[k], by_key[k].name if k in by_key else k))
    rows = tuple(
        CandidateResult(k, by_key[k].name if k in by_key else k, totals[k],
                        percent(totals[k], denominator))
        for k in order
    )
    winner: str | None = None
    margin = 0
    if rows:
        margin = rows[0].votes - (rows[1].votes if len(rows) > 1 else 0)
        if valid > 0 and margin > 0:
            winner = rows[0].name
    return Result(
        election=election, status=status, registered=registered, ballots_cast=cast,
        valid=valid, blank=blank, invalid=invalid, turnout=percent(cast, registered, 1),
        precincts_reporting=len(per_precinct), precincts_total=precincts_total,
        candidates=rows, winner=winner, margin=margin, percentage_base=base,
        precincts=tuple(per_precinct),
    )


@dataclass(frozen=True)
class Certificate:
    """The certificate of a certified result: what was decided, by which rule, on which
    figures, certified by whom and when, and the fingerprints that tie it to the signed log
    and to the stored result version (so anyone can check the one against the other)."""

    election: str
    title: str
    organisation: str
    office: str
    method: str
    seats: int
    rules: tuple[tuple[str, str], ...]
    polls: tuple[tuple[str, str], ...]  # (poll key, day)
    registered: int
    ballots_cast: int
    valid: int
    blank: int
    invalid: int
    turnout: str
    candidates: tuple[tuple[str, int, str], ...]  # (name, first-round votes, percentage)
    final_round: tuple[tuple[str, str], ...]  # the engine's last round: (name, tally)
    winners: tuple[str, ...]
    ties: tuple[str, ...]  # how each tie was broken, lots with their seeds
    certified_on: str  # the day the tenure starts
    certified_by: str
    certified_at: str  # the log entry's time (UTC)
    log_entry: int
    log_entry_hash: str
    version: int
    version_sha256: str  # SHA-256 of the stored result version's canonical JSON
