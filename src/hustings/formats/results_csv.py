"""An outcome as a round-by-round CSV table: one row per candidate, one column per round.

    candidate,round 1,round 2,...,status
    Bob Kiss,2585,2599,...,elected
    (exhausted),4,7,...,
    (threshold),4489,...,

Cells are exact decimal strings; a blank cell means the candidate was no longer counted.
"""

from __future__ import annotations

import csv
import io

from hustings.counting.outcome import Outcome, decimal_string


def write_results_csv(outcome: Outcome) -> str:
    """The round-by-round table as CSV text."""
    places = outcome.decimals
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["candidate", *(f"round {r.number}" for r in outcome.rounds), "status"])
    for candidate in outcome.candidates:
        row = [candidate]
        for r in outcome.rounds:
            value = r.tallies.get(candidate)
            row.append("" if value is None else decimal_string(value, places))
        row.append(_status(outcome, candidate))
        writer.writerow(row)
    writer.writerow(["(exhausted)", *(decimal_string(r.exhausted, places)
                                      for r in outcome.rounds), ""])
    writer.writerow(["(threshold)", *("" if r.threshold is None
                                      else decimal_string(r.threshold, places)
                                      for r in outcome.rounds), ""])
    return out.getvalue()


def _status(outcome: Outcome, candidate: str) -> str:
    if candidate in outcome.winners:
        return "elected"
    if any(candidate in r.eliminated for r in outcome.rounds):
        return "eliminated"
    return ""
