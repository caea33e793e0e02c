"""An outcome as an RCTab-style summary JSON (the shape of RCTab's detailed report).

Round tallies, threshold, and per round the candidates elected or eliminated with the votes
they transferred. RCTab splits inactive ballots by cause (overvotes, skipped rankings...);
hustings reports their total as `exhaustedChoices`.
"""

from __future__ import annotations

import json
from typing import Any

from hustings.counting.outcome import Number, Outcome, decimal_string

RCTAB_UWI = "Undeclared Write-ins"


def rctab_summary(
    outcome: Outcome,
    *,
    contest: str = "",
    date: str = "",
    jurisdiction: str = "",
    office: str = "",
    total_ballots: int | None = None,
) -> dict[str, Any]:
    """The RCTab summary document as a dict (strings for numbers, as RCTab writes them)."""
    places = outcome.decimals

    def text(value: Number) -> str:
        return decimal_string(value, places)

    def name(candidate: str) -> str:
        return RCTAB_UWI if candidate == "UWI" else candidate

    results = []
    for r in outcome.rounds:
        actions = [
            {"elected": name(c), "transfers": _moves(r.transfers.get(c, {}), text, name)}
            for c in r.elected
        ] + [
            {"eliminated": name(c), "transfers": _moves(r.transfers.get(c, {}), text, name)}
            for c in r.eliminated
        ]
        result: dict[str, Any] = {
            "inactiveBallots": {"exhaustedChoices": text(r.exhausted)},
            "round": r.number,
            "tally": {name(c): text(v) for c, v in r.tallies.items()},
            "tallyResults": actions,
        }
        if r.threshold is not None:
            result["threshold"] = text(r.threshold)
        results.append(result)
    last = outcome.rounds[-1] if outcome.rounds else None
    summary: dict[str, Any] = {
        "finalThreshold": text(last.threshold) if last and last.threshold is not None else "",
        "numCandidates": len(outcome.candidates),
        "numWinners": outcome.seats,
    }
    if total_ballots is not None:
        summary["totalNumBallots"] = str(total_ballots)
    return {
        "config": {
            "contest": contest,
            "date": date,
            "generatedBy": "hustings",
            "jurisdiction": jurisdiction,
            "office": office,
        },
        "jsonFormatVersion": "1",
        "results": results,
        "summary": summary,
    }


def write_rctab_summary(outcome: Outcome, **context: Any) -> str:
    """The RCTab summary as JSON text."""
    return json.dumps(rctab_summary(outcome, **context), indent=2, ensure_ascii=False) + "\n"


def _moves(to: dict[str, Number], text: Any, name: Any) -> dict[str, str]:
    return {name(k): text(v) for k, v in to.items()}
