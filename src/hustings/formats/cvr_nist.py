"""NIST SP 1500-103 cast vote records, JSON form (as RCTab and other tabulators write them).

The report's `Election[].Contest[].ContestSelection[]` map selection ids to candidates
(`Election[].Candidate[]`); each `CVR[]` holds snapshots, of which the current one is read
(`CurrentSnapshotId`, else the last). In the chosen contest each `CVRContestSelection` lists the
ranks at which the voter marked it (`SelectionPosition[].Rank`, `HasIndication` not "no").
Two selections at one rank are an overvote; a write-in selection is an undeclared write-in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from hustings.formats.cvr_common import (
    EMPTY,
    OVERVOTE,
    WRITE_IN,
    BallotFile,
    fail,
    profile_from_rows,
    rank_of,
    read_text,
)


def read_nist_cvr(
    path: Path | str, contest: str | None = None, candidates: Sequence[str] | None = None
) -> BallotFile:
    """Read a NIST SP 1500-103 JSON CVR report (one contest: `contest` id or name)."""
    path = Path(path)
    return parse_nist_cvr(read_text(path), str(path), contest, candidates)


def parse_nist_cvr(
    text: str,
    source: str = "<nist>",
    contest: str | None = None,
    candidates: Sequence[str] | None = None,
) -> BallotFile:
    """Parse NIST CDF CVR JSON. With `candidates`, selections map to those names in order."""
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        fail(f"not JSON: {exc.msg}", source, exc.lineno)
    if not isinstance(report, dict) or not isinstance(report.get("CVR"), list):
        fail("not a NIST CDF cast vote record report (no 'CVR' list)", source, 1, "CVR")
    contest_id, contest_name, selections = _contest(report, contest, source)
    names = list(candidates) if candidates is not None else []
    index = {name: i for i, name in enumerate(names)}
    codes: dict[str, int] = {}
    for sid, (name, write_in) in selections.items():
        if write_in:
            codes[sid] = WRITE_IN
        elif name in index:
            codes[sid] = index[name]
        elif candidates is not None:
            fail(f"unknown candidate {name!r}", source, None, f"ContestSelection {sid}")
        else:
            codes[sid] = index[name] = len(names)
            names.append(name)
    rows: list[list[int | tuple[int, ...]]] = []
    for i, cvr in enumerate(report["CVR"]):
        rows.append(_ballot(cvr, contest_id, codes, source, f"CVR[{i}]"))
    return BallotFile(
        profile_from_rows(names, rows, [1] * len(rows)),
        source,
        title=contest_name,
        metadata={"contest_id": contest_id},
    )


def _contest(
    report: dict[str, Any], wanted: str | None, source: str
) -> tuple[str, str, dict[str, tuple[str, bool]]]:
    candidate_names: dict[str, str] = {}
    contests: list[dict[str, Any]] = []
    for election in report.get("Election") or []:
        for candidate in election.get("Candidate") or []:
            candidate_names[candidate.get("@id", "")] = candidate.get("Name", "")
        contests.extend(election.get("Contest") or [])
    if wanted is not None:
        contests = [c for c in contests if wanted in (c.get("@id"), c.get("Name"))]
        if not contests:
            fail(f"no contest {wanted!r} in this report", source, None, "Election.Contest")
    if len(contests) != 1:
        names = ", ".join(repr(c.get("Name") or c.get("@id")) for c in contests)
        fail(f"the report holds {len(contests)} contests ({names}): say which one",
             source, None, "Election.Contest")
    chosen = contests[0]
    selections: dict[str, tuple[str, bool]] = {}
    for selection in chosen.get("ContestSelection") or []:
        ids = selection.get("CandidateIds") or []
        name = candidate_names.get(ids[0], ids[0]) if ids else selection.get("@id", "")
        write_in = bool(selection.get("IsWriteIn")) or not ids
        selections[selection.get("@id", "")] = (name, write_in)
    return chosen.get("@id", ""), chosen.get("Name") or chosen.get("@id", ""), selections


def _ballot(
    cvr: dict[str, Any], contest_id: str, codes: dict[str, int], source: str, where: str
) -> list[int | tuple[int, ...]]:
    snapshots = cvr.get("CVRSnapshot") or []
    if not snapshots:
        fail("cast vote record without a snapshot", source, None, where)
    current = cvr.get("CurrentSnapshotId")
    snapshot = next((s for s in snapshots if s.get("@id") == current), snapshots[-1])
    marks: dict[int, set[int]] = {}
    for contest in snapshot.get("CVRContest") or []:
        if contest.get("ContestId") != contest_id:
            continue
        for selection in contest.get("CVRContestSelection") or []:
            sid = selection.get("ContestSelectionId")
            if sid not in codes:
                fail(f"unknown contest selection {sid!r}", source, None, where)
            for position in selection.get("SelectionPosition") or []:
                if str(position.get("HasIndication", "yes")).lower() == "no":
                    continue
                rank = position.get("Rank", 1)
                if not isinstance(rank, int) or rank < 1:
                    fail(f"rank must be a whole number from 1, not {rank!r}", source, None,
                         f"{where}.SelectionPosition.Rank")
                marks.setdefault(rank, set()).add(codes[sid])
    ranking: list[int | tuple[int, ...]] = [EMPTY] * max(marks, default=0)
    for rank, marked in marks.items():
        if len(marked) > 1 and WRITE_IN in marked:
            ranking[rank - 1] = OVERVOTE  # an overvote including an unnamed write-in
        else:
            ranking[rank - 1] = rank_of(sorted(marked))
    return ranking
