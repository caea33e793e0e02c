"""An outcome as a NIST SP 1500-100 (version 2) election results report, JSON form.

One `ElectionResults.CandidateContest` whose selections carry one `VoteCounts` per round
(`Type: "other"`, `OtherType: "round-N"`) and the final round again as `Type: "total"`;
winners have `PostElectionStatus: "winner"`. Undeclared write-ins are a write-in selection.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from typing import Any

from hustings.counting.outcome import Outcome

VOTE_VARIATION = {"irv": "rcv", "stv": "proportional"}


def nist_results(
    outcome: Outcome,
    *,
    contest: str = "Contest",
    election: str = "Election",
    election_date: date | None = None,
    issuer: str = "hustings",
    generated: datetime | None = None,
) -> dict[str, Any]:
    """The NIST SP 1500-100 ElectionReport as a dict."""
    day = (election_date or date.today()).isoformat()
    when = (generated or datetime.now(UTC)).replace(microsecond=0).isoformat()
    scope = "gpu-scope"
    ids = {c: f"cand-{i + 1}-{_slug(c)}" for i, c in enumerate(outcome.candidates)}
    selections = []
    for i, candidate in enumerate(outcome.candidates):
        counts = [
            _count(r.tallies[candidate], "other", f"round-{r.number}", scope)
            for r in outcome.rounds
            if candidate in r.tallies
        ]
        final = next((r for r in reversed(outcome.rounds) if candidate in r.tallies), None)
        if final is not None:
            counts.append(_count(final.tallies[candidate], "total", None, scope))
        selection: dict[str, Any] = {
            "@type": "ElectionResults.CandidateSelection",
            "@id": f"sel-{i + 1}",
            "CandidateIds": [ids[candidate]],
            "SequenceOrder": i + 1,
            "VoteCounts": counts,
        }
        if candidate == "UWI":
            selection["IsWriteIn"] = True
        selections.append(selection)
    candidates = []
    for candidate in outcome.candidates:
        entry: dict[str, Any] = {
            "@type": "ElectionResults.Candidate",
            "@id": ids[candidate],
            "BallotName": _text(candidate),
        }
        if candidate in outcome.winners:
            entry["PostElectionStatus"] = "winner"
        candidates.append(entry)
    return {
        "@type": "ElectionResults.ElectionReport",
        "Format": "summary-contest",
        "GeneratedDate": when,
        "Issuer": issuer,
        "IssuerAbbreviation": issuer[:16],
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": "unofficial-complete",
        "VendorApplicationId": "hustings",
        "GpUnit": [{"@type": "ElectionResults.ReportingUnit", "@id": scope, "Type": "other",
                    "OtherType": "election scope", "Name": election}],
        "Election": [{
            "@type": "ElectionResults.Election",
            "ElectionScopeId": scope,
            "Name": _text(election),
            "StartDate": day,
            "EndDate": day,
            "Type": "other",
            "Candidate": candidates,
            "Contest": [{
                "@type": "ElectionResults.CandidateContest",
                "@id": "contest-1",
                "Name": contest,
                "ElectoralDistrictId": scope,
                "VotesAllowed": 1,
                "NumberElected": outcome.seats,
                "VoteVariation": VOTE_VARIATION.get(outcome.method, "other"),
                **({} if outcome.method in VOTE_VARIATION
                   else {"OtherVoteVariation": outcome.method}),
                "ContestSelection": selections,
            }],
        }],
    }


def write_nist_results(outcome: Outcome, **context: Any) -> str:
    """The NIST SP 1500-100 report as JSON text."""
    return json.dumps(nist_results(outcome, **context), indent=2, ensure_ascii=False) + "\n"


def _count(value: Any, kind: str, other: str | None, scope: str) -> dict[str, Any]:
    number = float(value) if not isinstance(value, int) else value
    count: dict[str, Any] = {"@type": "ElectionResults.VoteCounts", "Count": number,
                             "GpUnitId": scope, "Type": kind}
    if other:
        count["OtherType"] = other
    return count


def _text(content: str) -> dict[str, Any]:
    return {
        "@type": "ElectionResults.InternationalizedText",
        "Text": [{"@type": "ElectionResults.LanguageString", "Content": content,
                  "Language": "en"}],
    }


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:40] or "x"
