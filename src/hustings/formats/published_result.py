"""A poll-based election result as CSV and JSON text (the published JSON contract)."""

from __future__ import annotations

import csv
import io
import json
from fractions import Fraction
from typing import Any

from hustings.counting.outcome import Outcome, Round, Tie


def result_json(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)


def result_csv(result: dict[str, Any]) -> str:
    """One row per candidate, then blank, invalid and the totals, with the denominator named."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    base = result.get("percentage_base", "valid")
    writer.writerow(["election", "line", "votes", f"percentage_of_{base}"])
    for c in result["candidates"]:
        writer.writerow([result["election"], c["name"], c["votes"], c["percentage"]])
    for line in ("blank", "invalid", "valid", "ballots_cast", "registered"):
        writer.writerow([result["election"], line, result[line], ""])
    writer.writerow([result["election"], "turnout", "", result["turnout"]])
    rounds = result.get("rounds") or []
    if len(rounds) > 1 or result.get("seats", 1) > 1:  # the rule's own rounds, then who won
        for r in rounds:
            for name, tally in r["tallies"].items():
                writer.writerow([result["election"], f"round {r['round']}: {name}", tally, ""])
            writer.writerow([result["election"], f"round {r['round']}: exhausted",
                             r["exhausted"], ""])
        for name in result.get("winners") or []:
            writer.writerow([result["election"], f"elected: {name}", "", ""])
    return out.getvalue()


def outcome_of(result: dict[str, Any]) -> Outcome:
    """The counting engine's outcome as a published result records it (exact fractions from
    the decimal strings), for writers that take an outcome (the RCTab summary)."""
    rounds = tuple(Round(
        r["round"], {k: Fraction(v) for k, v in r["tallies"].items()}, tuple(r["elected"]),
        tuple(r["eliminated"]), Fraction(r["exhausted"]),
        None if r["threshold"] is None else Fraction(r["threshold"]),
        {src: {dst: Fraction(v) for dst, v in to.items()} for src, to in r["transfers"].items()},
        tuple(r.get("explanation", ()))) for r in result.get("rounds") or [])
    ties = tuple(Tie(t["round"], tuple(t["between"]), t["broken_by"], t["chosen"], t["purpose"])
                 for t in result.get("ties") or [])
    names = tuple(dict.fromkeys([c["name"] for c in result["candidates"]]
                                + [n for r in rounds for n in r.tallies]))
    places = max((len(v.split(".")[1]) for r in result.get("rounds") or []
                  for v in r["tallies"].values() if "." in v), default=0)
    return Outcome(result.get("method", "plurality"), result.get("seats", 1), names,
                   tuple(result.get("winners") or ()), rounds, ties, places)
