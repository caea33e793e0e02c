"""Candidate-column CSV cast vote records (RCTab's "generic CSV"): one column per candidate.

    id,Lettuce,Broccoli,Cucumber,Write-In
    R_3QEQ85E7gV2DuyG,,2,1,

A cell holds the rank the voter gave that candidate (blank: not ranked). Two candidates at one
rank are an overvote of them. The write-in column, if named, stands for undeclared write-ins.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hustings.formats.csv_text import csv_rows
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


def read_wide_csv(
    path: Path | str,
    *,
    candidates: Mapping[str, int],
    names: list[str],
    first_column: int = 2,
    first_row: int = 2,
    write_in_label: str = "",
    max_rank: int | None = None,
) -> BallotFile:
    """Read a candidate-column CSV; `candidates` maps each accepted header name to an index."""
    path = Path(path)
    source = str(path)
    rows = [row for _, row in csv_rows(read_text(path), source)]
    if len(rows) < first_row - 1 or first_row < 2:
        fail("expected a header row naming the candidate columns", source, 1)
    header = rows[first_row - 2]
    codes = []
    for col in range(first_column - 1, len(header)):
        name = header[col].strip()
        if write_in_label and name == write_in_label:
            codes.append(WRITE_IN)
        elif name in candidates:
            codes.append(candidates[name])
        else:
            fail(f"unknown candidate {name!r}", source, first_row - 1, name or f"column {col+1}")
    limit = max_rank if max_rank is not None else len(codes)
    ballots: list[list[int | tuple[int, ...]]] = []
    for number, row in enumerate(rows[first_row - 1:], start=first_row):
        if not any(cell.strip() for cell in row):
            continue
        marks: dict[int, list[int]] = {}
        for offset, code in enumerate(codes):
            col = first_column - 1 + offset
            cell = row[col].strip() if col < len(row) else ""
            if not cell:
                continue
            if not cell.isdigit() or int(cell) < 1:
                fail(f"rank must be a whole number from 1, not {cell!r}", source, number,
                     header[col])
            if int(cell) > limit:
                fail(f"rank {cell} is beyond the maximum of {limit}", source, number,
                     header[col])
            marks.setdefault(int(cell), []).append(code)
        ranking: list[int | tuple[int, ...]] = [EMPTY] * max(marks, default=0)
        for rank, marked in marks.items():
            ranking[rank - 1] = OVERVOTE if len(marked) > 1 and WRITE_IN in marked else (
                rank_of(marked)
            )
        ballots.append(ranking)
    return BallotFile(profile_from_rows(names, ballots, [1] * len(ballots)), source)
