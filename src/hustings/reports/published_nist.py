"""A published poll-based result as a NIST SP 1500-100 (version 2) results report, JSON form.

One `CandidateContest`; each selection carries one `VoteCounts` per round (`Type: "other"`,
`OtherType: "round-N"`) when the count had several, and its final votes as `Type: "total"`;
the winner has `PostElectionStatus: "winner"`. Ballots cast and invalid ballots are the
election scope's `BallotCounts` (`BallotsCast`, `BallotsRejected`); blank votes are the
contest's `OtherCounts.Undervotes`. Pure: the caller passes the generation time.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any

SCOPE = "gpu-scope"


def nist_report(result: dict[str, Any], *, title: str, contest: str, day: date | None,
                generated: datetime, issuer: str = "hustings") -> dict[str, Any]:
    """The ElectionReport of `result` (the published JSON contract) as a dict."""
    names = [c["name"] for c in result["candidates"]]
    polls = result.get("polls", [])
    for r in polls:
        names.extend(c["name"] for c in r["candidates"] if c["name"] not in names)
    ids = {n: f"cand-{i + 1}-{_slug(n)}" for i, n in enumerate(names)}
    final = {c["name"]: c["votes"] for c in result["candidates"]}
    # each poll's figures (two-round, exhaustive), else each round of a ranked count
    per_round: list[tuple[int, dict[str, Any]]] = [
        (r["round"], {c["name"]: c["votes"] for c in r["candidates"]}) for r in polls]
    engine = result.get("rounds", [])
    if not per_round and len(engine) > 1:
        per_round = [(r["round"], r["tallies"]) for r in engine]
        final = dict(per_round[-1][1])
    selections = []
    for i, name in enumerate(names):
        counts = [_count(tallies[name], "other", f"round-{number}")
                  for number, tallies in per_round if name in tallies]
        if name in final:
            counts.append(_count(final[name], "total"))
        selections.append({"@type": "ElectionResults.CandidateSelection", "@id": f"sel-{i + 1}",
                           "CandidateIds": [ids[name]], "SequenceOrder": i + 1,
                           "VoteCounts": counts})
    candidates = []
    for name in names:
        entry: dict[str, Any] = {"@type": "ElectionResults.Candidate", "@id": ids[name],
                                 "BallotName": _text(name)}
        won = name in (result.get("winners") or [result.get("winner")])
        if won and result.get("status") in ("provisional", "certified"):
            entry["PostElectionStatus"] = "winner"
        candidates.append(entry)
    complete = result["precincts"]["reporting"] == result["precincts"]["total"]
    status = "certified" if result.get("status") == "certified" else (
        "unofficial-complete" if complete else "unofficial-partial")
    when = day.isoformat() if day else generated.date().isoformat()
    return {
        "@type": "ElectionResults.ElectionReport",
        "Format": "summary-contest",
        "GeneratedDate": generated.replace(microsecond=0).isoformat(),
        "Issuer": issuer,
        "IssuerAbbreviation": issuer[:16],
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": status,
        "VendorApplicationId": "hustings",
        "GpUnit": [{"@type": "ElectionResults.ReportingUnit", "@id": SCOPE, "Type": "other",
                    "OtherType": "election scope", "Name": title,
                    "TotalSubUnits": result["precincts"]["total"],
                    "SubUnitsReported": result["precincts"]["reporting"],
                    "VotersRegistered": result["registered"]}],
        "Election": [{
            "@type": "ElectionResults.Election",
            "ElectionScopeId": SCOPE,
            "Name": _text(title),
            "StartDate": when,
            "EndDate": when,
            "Type": "other",
            "OtherType": "organisational",
            "BallotCounts": [{"@type": "ElectionResults.BallotCounts", "GpUnitId": SCOPE,
                              "Type": "total", "BallotsCast": result["ballots_cast"],
                              "BallotsRejected": result["invalid"]}],
            "Candidate": candidates,
            "Contest": [{
                "@type": "ElectionResults.CandidateContest",
                "@id": "contest-1",
                "Name": contest,
                "ElectoralDistrictId": SCOPE,
                "VotesAllowed": 1,
                "NumberElected": result.get("seats", 1),
                "VoteVariation": _variation(result, bool(polls)),
                "OtherCounts": [{"@type": "ElectionResults.OtherCounts", "GpUnitId": SCOPE,
                                 "Undervotes": result["blank"]}],
                "ContestSelection": selections,
            }],
        }],
    }


def write_nist_report(result: dict[str, Any], **context: Any) -> str:
    """The report as JSON text."""
    return json.dumps(nist_report(result, **context), indent=2, ensure_ascii=False) + "\n"


VARIATIONS = {"irv": "rcv", "stv": "rcv", "approval": "approval", "borda": "borda",
              "college": "other", "points": "other"}


def _variation(result: dict[str, Any], several_polls: bool) -> str:
    method = result.get("method", "plurality")
    if method == "plurality":
        return "n-of-m" if result.get("seats", 1) > 1 else (
            "2-round" if several_polls else "plurality")
    if method in ("two-round", "exhaustive"):
        return "2-round" if several_polls else "plurality"
    return VARIATIONS.get(method, "other")


def _count(votes: int | str, kind: str, other: str | None = None) -> dict[str, Any]:
    """A VoteCounts; a ranked count's decimal string tallies become numbers (exact integers,
    or fractional transfers at the rule's published precision)."""
    number: int | float = votes if isinstance(votes, int) else (
        int(votes) if str(votes).lstrip("-").isdigit() else float(votes))
    count: dict[str, Any] = {"@type": "ElectionResults.VoteCounts", "Count": number,
                             "GpUnitId": SCOPE, "Type": kind}
    if other:
        count["OtherType"] = other
    return count


def _text(content: str) -> dict[str, Any]:
    return {"@type": "ElectionResults.InternationalizedText",
            "Text": [{"@type": "ElectionResults.LanguageString", "Content": content,
                      "Language": "en"}]}


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower()[:40] or "x"
