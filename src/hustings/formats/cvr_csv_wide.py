"""Candidate-column CSV cast vote records (RCTab's "generic CSV"): one column per candidate.

    id,Lettuce,Broccoli,Cucumber,Write-In
    R_3QEQ85E7gV2DuyG,,2,1,

A cell holds the rank the voter gave that candidate (blank: not ranked). Two candidates at one
rank are an overvote of them. The write-in column, if named, stands for undeclared write-ins.

Reading is vectorised: pyarrow parses the file in blocks, each candidate column is cast to rank
numbers at once, and the marks (ballot, rank, candidate) become rankings with numpy; Python runs
once per overvoted rank (rare). Rows shorter than the header fall back to a plain reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

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
from hustings.formats.cvr_lines import MAX_RANKS, Partials

BLOCK = 16 << 20


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
    if first_row < 2:
        fail("expected a header row naming the candidate columns", source, 1)
    with path.open("rb") as handle:
        head = [handle.readline() for _ in range(first_row - 1)]
    try:
        header_rows = [row for _, row in csv_rows(b"".join(head).decode("utf-8-sig"), source)]
    except UnicodeDecodeError:
        fail("not UTF-8 text", source, 1)
    if len(header_rows) < first_row - 1:
        fail("expected a header row naming the candidate columns", source, 1)
    header = header_rows[first_row - 2]
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
    try:
        profile = _vectorised(path, source, header, codes, first_column, first_row, limit,
                              names)
    except _Ragged:
        profile = _plain(path, source, header, codes, first_column, first_row, limit, names)
    return BallotFile(profile, source)


class _Ragged(Exception):
    """A row has another number of cells than the header: read the plain way."""


def _vectorised(path: Path, source: str, header: list[str], codes: list[int],
                first_column: int, first_row: int, limit: int, names: list[str]):  # type: ignore[no-untyped-def]
    width = len(header)
    columns = [f"c{i}" for i in range(width)]
    read = pacsv.ReadOptions(column_names=columns, skip_rows=first_row - 1, block_size=BLOCK)
    convert = pacsv.ConvertOptions(column_types={c: pa.string() for c in columns},
                                   strings_can_be_null=False)
    partials = Partials()
    row0 = first_row
    with pa.OSFile(str(path)) as handle:  # Arrow's file: see cvr_csv on threads
        try:
            stream = pacsv.open_csv(handle, read_options=read, convert_options=convert)
            for batch in stream:
                partials_rows = _block(batch, codes, header, first_column, row0, limit,
                                       source, partials)
                if partials_rows is not None:
                    rankings, keep = partials_rows
                    partials.add(rankings[keep], np.ones(int(keep.sum()), np.int64))
                row0 += batch.num_rows
        except pa.ArrowInvalid as exc:
            if "columns" in str(exc):
                raise _Ragged from None
            fail(f"malformed CSV: {str(exc).splitlines()[0]}", source)
    return partials.profile(names)


def _block(batch: pa.RecordBatch, codes: list[int], header: list[str], first_column: int,
           row0: int, limit: int, source: str, partials: Partials
           ) -> tuple[np.ndarray, np.ndarray] | None:
    n = batch.num_rows
    if n == 0:
        return None
    rows_list, ranks_list, codes_list = [], [], []
    any_mark = np.zeros(n, dtype=bool)  # a row with any cell filled is a ballot (maybe blank)
    for column in range(first_column - 1):
        any_mark |= pc.not_equal(pc.utf8_trim_whitespace(batch.column(column)), "").to_numpy(
            zero_copy_only=False)
    for offset, code in enumerate(codes):
        text = pc.utf8_trim_whitespace(batch.column(first_column - 1 + offset))
        filled = pc.not_equal(text, "").to_numpy(zero_copy_only=False)
        at = np.flatnonzero(filled)
        if not len(at):
            continue
        cells = text.take(pa.array(at))
        digits = pc.match_substring_regex(cells, r"^[0-9]{1,9}$").to_numpy(
            zero_copy_only=False)
        field = header[first_column - 1 + offset]
        if not digits.all():
            bad = int(np.flatnonzero(~digits)[0])
            fail(f"rank must be a whole number from 1, not {cells[bad].as_py()!r}", source,
                 row0 + int(at[bad]), field)
        ranks = pc.cast(cells, pa.int64()).to_numpy(zero_copy_only=False)
        wrong = np.flatnonzero((ranks < 1) | (ranks > limit) | (ranks > MAX_RANKS))
        if len(wrong):
            bad_rank = int(ranks[wrong[0]])
            message = (f"rank must be a whole number from 1, not '{bad_rank}'" if bad_rank < 1
                       else f"rank {bad_rank} is beyond the maximum of {min(limit, MAX_RANKS)}")
            fail(message, source, row0 + int(at[wrong[0]]), field)
        any_mark[at] = True
        rows_list.append(at)
        ranks_list.append(ranks)
        codes_list.append(np.full(len(at), code, dtype=np.int64))
    if not rows_list:
        return np.full((n, 1), EMPTY, dtype=np.int32), any_mark
    row = np.concatenate(rows_list)
    rank = np.concatenate(ranks_list)
    mark = np.concatenate(codes_list)
    order = np.lexsort((mark, rank, row))
    row, rank, mark = row[order], rank[order], mark[order]
    start = np.ones(len(row), dtype=bool)
    start[1:] = (row[1:] != row[:-1]) | (rank[1:] != rank[:-1])
    starts = np.flatnonzero(start)
    sizes = np.diff(np.append(starts, len(row)))
    value = mark[starts].copy()
    for g in np.flatnonzero(sizes > 1).tolist():  # overvotes: one step per overvoted rank
        members = mark[starts[g] : starts[g] + sizes[g]].tolist()
        value[g] = OVERVOTE if WRITE_IN in members else partials.set_code(members)
    width = int(rank.max())
    rankings = np.full((n, width), EMPTY, dtype=np.int32)
    rankings[row[starts], rank[starts] - 1] = value
    return rankings, any_mark


def _plain(path: Path, source: str, header: list[str], codes: list[int], first_column: int,
           first_row: int, limit: int, names: list[str]):  # type: ignore[no-untyped-def]
    """The row-by-row reader, for files whose rows are not all as wide as the header."""
    rows = [row for _, row in csv_rows(read_text(path), source)]
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
            if int(cell) > min(limit, MAX_RANKS):
                fail(f"rank {cell} is beyond the maximum of {min(limit, MAX_RANKS)}", source,
                     number, header[col])
            marks.setdefault(int(cell), []).append(code)
        ranking: list[int | tuple[int, ...]] = [EMPTY] * max(marks, default=0)
        for rank, marked in marks.items():
            ranking[rank - 1] = OVERVOTE if len(marked) > 1 and WRITE_IN in marked else (
                rank_of(marked)
            )
        ballots.append(ranking)
    return profile_from_rows(names, ballots, [1] * len(ballots))

