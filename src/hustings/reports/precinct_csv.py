"""Results by precinct as CSV: one row per reporting precinct, one column per candidate."""

from __future__ import annotations

import csv
import io

from hustings.domain.results import Result


def precinct_results_csv(result: Result, candidate_keys: list[str],
                         notes: dict[str, tuple[str, str]] | None = None) -> str:
    """Columns: precinct, name, registered, ballots_cast, turnout, <candidate keys>, blank,
    invalid, poll, note; candidates in the order given (ballot order). `notes`: precinct code
    -> (note, day) for re-voted precincts ("re-voted") and voided ones still awaiting their
    re-vote ("voided": a row without figures)."""
    notes = notes or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["precinct", "name", "registered", "ballots_cast", "turnout",
                     *candidate_keys, "blank", "invalid", "poll", "note"])
    for p in result.precincts:
        note = notes.get(p.code)
        writer.writerow([p.code, p.name, p.registered, p.ballots_cast, p.turnout,
                         *(p.votes.get(k, 0) for k in candidate_keys), p.blank, p.invalid,
                         p.poll, f"{note[0]} {note[1]}" if note else ""])
    for code, (status, day) in notes.items():
        if status == "voided":
            writer.writerow([code, "", "", "", "", *("" for _ in candidate_keys), "", "", "",
                             f"{status} {day}"])
    return out.getvalue()
