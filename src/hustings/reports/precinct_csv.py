"""Results by precinct as CSV: one row per reporting precinct, one column per candidate."""

from __future__ import annotations

import csv
import io

from hustings.domain.results import Result


def precinct_results_csv(result: Result, candidate_keys: list[str]) -> str:
    """Columns: precinct, name, registered, ballots_cast, turnout, <candidate keys>, blank,
    invalid; candidates in the order given (ballot order)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["precinct", "name", "registered", "ballots_cast", "turnout",
                     *candidate_keys, "blank", "invalid"])
    for p in result.precincts:
        writer.writerow([p.code, p.name, p.registered, p.ballots_cast, p.turnout,
                         *(p.votes.get(k, 0) for k in candidate_keys), p.blank, p.invalid])
    return out.getvalue()
