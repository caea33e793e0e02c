"""Two-person entry of tally sheets: a sheet counts only when two clerks' figures match."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from hustings.domain.polling import BallotBatch, TallySheet, batch_differences


@dataclass(frozen=True)
class SheetEntry:
    """One clerk's entry of one precinct's sheet for one poll."""

    id: int
    sheet: TallySheet
    clerk: str
    at: datetime
    reason: str | None = None  # set on corrections
    voided_by: int | None = None  # ruling id


@dataclass(frozen=True)
class Reconciliation:
    """Where a precinct's sheet stands: accepted figures, or the fields that disagree."""

    accepted: TallySheet | None
    clerks: tuple[str, ...]  # whose latest entries are considered
    mismatches: dict[str, tuple[object, object]]  # field -> (first clerk's, second clerk's)

    @property
    def status(self) -> str:
        if self.accepted is not None:
            return "accepted"
        return "mismatch" if self.mismatches else "awaiting second entry"


def figures(sheet: TallySheet) -> dict[str, object]:
    out: dict[str, object] = {"registered": sheet.registered, "ballots_cast": sheet.ballots_cast,
                              "blank": sheet.blank, "invalid": sheet.invalid}
    for key in sorted(set(sheet.votes)):
        out[f"votes.{key}"] = sheet.votes[key]
    return out


def differences(a: TallySheet, b: TallySheet) -> dict[str, tuple[object, object]]:
    fa, fb = figures(a), figures(b)
    return {k: (fa.get(k), fb.get(k)) for k in sorted(set(fa) | set(fb)) if fa.get(k) != fb.get(k)}


def reconcile(entries: Sequence[SheetEntry], required: int = 2) -> Reconciliation:
    """Take each clerk's latest live entry; accept when the latest `required` clerks agree.

    Entries voided by a ruling are ignored. A correction is just a newer entry by a clerk (with a
    reason): it replaces that clerk's earlier figures, which stay stored.
    """
    live = [e for e in entries if e.voided_by is None]
    latest: dict[str, SheetEntry] = {}
    for entry in sorted(live, key=lambda e: (e.at, e.id)):
        latest[entry.clerk] = entry
    ordered = sorted(latest.values(), key=lambda e: (e.at, e.id), reverse=True)
    if required <= 1 and ordered:
        return Reconciliation(ordered[0].sheet, (ordered[0].clerk,), {})
    if len(ordered) < required:
        return Reconciliation(None, tuple(e.clerk for e in ordered), {})
    first, second = ordered[1], ordered[0]
    diff = differences(first.sheet, second.sheet)
    if diff:
        return Reconciliation(None, (first.clerk, second.clerk), diff)
    return Reconciliation(second.sheet, (first.clerk, second.clerk), {})


@dataclass(frozen=True)
class BatchEntry:
    """One clerk's import of one precinct's ballots for one poll."""

    id: int
    batch: BallotBatch
    clerk: str
    at: datetime
    reason: str | None = None
    voided_by: int | None = None


@dataclass(frozen=True)
class BatchReconciliation:
    """Where a precinct's ballots stand: the accepted batch, or how two imports differ."""

    accepted: BallotBatch | None
    clerks: tuple[str, ...]
    differing: tuple[tuple[str, int, int], ...] = ()  # (ranking, first import, second import)
    ballots: tuple[int, ...] = ()  # ballots in each considered import

    @property
    def status(self) -> str:
        if self.accepted is not None:
            return "accepted"
        return "mismatch" if self.differing or len(set(self.ballots)) > 1 else \
            "awaiting second entry"

    @property
    def ballots_differing(self) -> int:
        """How many ballots would have to change for the two imports to agree."""
        return sum(abs(a - b) for _, a, b in self.differing)


def reconcile_batches(entries: Sequence[BatchEntry], required: int = 2,
                      paper_counts: Sequence[SheetEntry] = ()) -> BatchReconciliation:
    """Each clerk's latest live import; accepted when the latest `required` clerks' ballots are
    identical (the same digest), or when one import is matched by another clerk's paper count
    of the ballots cast (`paper_counts`: sheet entries of the precinct). A clerk's
    re-import (with a reason) replaces their earlier one.
    """
    live = [e for e in entries if e.voided_by is None]
    paper: dict[str, SheetEntry] = {}
    for count in sorted((c for c in paper_counts if c.voided_by is None),
                        key=lambda e: (e.at, e.id)):
        paper[count.clerk] = count
    imports = {e.clerk for e in live}
    if required >= 2 and len(imports) == 1 and paper:
        only = max(live, key=lambda e: (e.at, e.id))
        others = sorted((p for p in paper.values() if p.clerk != only.clerk),
                        key=lambda e: (e.at, e.id))
        if others:
            sheet = others[-1]
            clerks = (only.clerk, sheet.clerk)
            cast = (only.batch.ballots, sheet.sheet.ballots_cast)
            if cast[0] == cast[1]:
                return BatchReconciliation(only.batch, clerks, ballots=cast)
            return BatchReconciliation(None, clerks, ballots=cast)
    latest: dict[str, BatchEntry] = {}
    for entry in sorted(live, key=lambda e: (e.at, e.id)):
        latest[entry.clerk] = entry
    ordered = sorted(latest.values(), key=lambda e: (e.at, e.id), reverse=True)
    if required <= 1 and ordered:
        return BatchReconciliation(ordered[0].batch, (ordered[0].clerk,),
                                   ballots=(ordered[0].batch.ballots,))
    if len(ordered) < required:
        return BatchReconciliation(None, tuple(e.clerk for e in ordered),
                                   ballots=tuple(e.batch.ballots for e in ordered))
    first, second = ordered[1], ordered[0]
    clerks = (first.clerk, second.clerk)
    counts = (first.batch.ballots, second.batch.ballots)
    if first.batch.digest == second.batch.digest:
        return BatchReconciliation(second.batch, clerks, ballots=counts)
    return BatchReconciliation(None, clerks, tuple(batch_differences(first.batch, second.batch)),
                               counts)
