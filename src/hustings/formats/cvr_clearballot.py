"""Clear Ballot ClearVote cast vote records (CSV, the "2.1 RCV" layout), as RCTab reads them.

The first ten columns describe the sheet (`RowNumber`, `BoxID`, `BoxPosition`, `BallotID`,
`PrecinctID`, `BallotStyleID`, `PrecinctStyleName`, `ScanComputerName`, `Status`, `Remade`);
every later column is one candidate at one rank, its header
`Choice_<id>_<n>:<contest>:<rank>:<vote rule>:<candidate>:<party>`, its cells 1 (marked) or 0.
Two candidates marked at one rank are an overvote; the candidate named as the undeclared
write-in (RCTab's `undeclaredWriteInLabel`) is an undeclared write-in. Columns of a rank above
the ranks allowed are not read (RCTab ignores them).

Reading is vectorised: the header is parsed once, the contest's columns are read by pyarrow's
CSV reader as integers, and the marked cells become arrays of marks.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from hustings.counting.profile import WRITE_IN
from hustings.formats.cvr_common import BallotFile, fail
from hustings.formats.cvr_lines import MAX_RANKS
from hustings.formats.cvr_marks import profile_from_marks

FIXED = ("RowNumber", "BoxID", "BoxPosition", "BallotID", "PrecinctID", "BallotStyleID",
         "PrecinctStyleName", "ScanComputerName", "Status", "Remade")
HEADER_FIELDS = 6


@dataclass(frozen=True)
class _Column:
    index: int
    contest: str
    rank: int
    candidate: str


def is_clear_ballot_header(line: str) -> bool:
    """Whether a CSV header line is Clear Ballot's (its fixed columns, then Choice_ columns)."""
    try:
        cells = next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return False
    return tuple(c.strip() for c in cells[: len(FIXED)]) == FIXED and any(
        c.startswith("Choice_") for c in cells[len(FIXED):])


def read_clear_ballot(
    path: Path | str,
    contest: str | None = None,
    *,
    write_in_label: str = "",
    max_rankings: int | None = None,
) -> BallotFile:
    """Read one contest (`contest`: its name; needed when the file has several) from a Clear
    Ballot CVR CSV."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(exc.strerror or str(exc), str(path))
    return parse_clear_ballot(data, str(path), contest, write_in_label=write_in_label,
                              max_rankings=max_rankings)


def parse_clear_ballot(
    data: bytes,
    source: str = "<clear ballot>",
    contest: str | None = None,
    *,
    write_in_label: str = "",
    max_rankings: int | None = None,
) -> BallotFile:
    """Parse a Clear Ballot CVR CSV given as bytes (see `read_clear_ballot`)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    end = data.find(b"\n")
    head = (data if end < 0 else data[:end]).decode("utf-8", errors="replace").rstrip("\r")
    if not head.strip():
        fail("no header row", source, 1)
    columns = _columns(head, source)
    contests = list(dict.fromkeys(c.contest for c in columns))
    if contest is None:
        if len(contests) != 1:
            fail(f"the file holds {len(contests)} contests ({', '.join(map(repr, contests))}): "
                 "say which one", source, 1)
        contest = contests[0]
    chosen = [c for c in columns if c.contest == contest]
    if not chosen:
        fail(f"no contest {contest!r} in the header (contests: "
             f"{', '.join(map(repr, contests))})", source, 1)
    limit = min(max_rankings or MAX_RANKS, MAX_RANKS)
    chosen = [c for c in chosen if c.rank <= limit]
    width = len(next(csv.reader([head])))
    names = list(dict.fromkeys(c.candidate for c in chosen if c.candidate != write_in_label
                               or not write_in_label))
    index = {n: i for i, n in enumerate(names)}
    fields = [f"c{i}" for i in range(width)]
    wanted = [fields[c.index] for c in chosen]
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=fields, skip_rows=1,
                                           block_size=1 << 22),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted or fields[:1],
                column_types=dict.fromkeys(wanted, pa.int64()), strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as exc:
        _locate(data, source, width, {fields.index(w) for w in wanted}, str(exc))
    n = table.num_rows
    ballot_parts, rank_parts, code_parts = [], [], []
    for column in chosen:
        values = table.column(fields[column.index])
        if values.null_count:
            row = int(np.flatnonzero(values.is_null().to_numpy(zero_copy_only=False))[0])
            fail("an empty cell (1 or 0 expected)", source, row + 2, head_name(head, column))
        cells = values.to_numpy(zero_copy_only=False)
        odd = np.flatnonzero((cells != 0) & (cells != 1))
        if len(odd):
            fail(f"{int(cells[odd[0]])} is not 1 (marked) or 0", source, int(odd[0]) + 2,
                 head_name(head, column))
        rows = np.flatnonzero(cells == 1)
        marked = WRITE_IN if write_in_label and column.candidate == write_in_label else (
            index[column.candidate])
        ballot_parts.append(rows)
        rank_parts.append(np.full(len(rows), column.rank, dtype=np.int64))
        code_parts.append(np.full(len(rows), marked, dtype=np.int32))
    ballot = np.concatenate(ballot_parts) if ballot_parts else np.empty(0, np.int64)
    rank = np.concatenate(rank_parts) if rank_parts else np.empty(0, np.int64)
    code = np.concatenate(code_parts) if code_parts else np.empty(0, np.int32)
    profile = profile_from_marks(names, n, ballot, rank, code,
                                 width=max((c.rank for c in chosen), default=1))
    return BallotFile(profile, source, title=contest)


def head_name(head: str, column: _Column) -> str:
    cells = next(csv.reader([head]))
    return cells[column.index]


def _columns(head: str, source: str) -> list[_Column]:
    cells = next(csv.reader([head]))
    if tuple(c.strip() for c in cells[: len(FIXED)]) != FIXED:
        fail(f"not a Clear Ballot CVR: the first columns must be {', '.join(FIXED)}", source, 1)
    columns = []
    for i, cell in enumerate(cells[len(FIXED):], start=len(FIXED)):
        parts = cell.split(":")
        if len(parts) != HEADER_FIELDS or not parts[0].startswith("Choice_"):
            fail("a choice column's header must be Choice_<id>:<contest>:<rank>:<vote rule>:"
                 "<candidate>:<party>", source, 1, cell)
        if not parts[2].strip().isdigit() or int(parts[2]) < 1:
            fail(f"the rank must be a whole number from 1, not {parts[2]!r}", source, 1, cell)
        columns.append(_Column(i, parts[1], int(parts[2]), parts[4]))
    if not columns:
        fail("no choice columns", source, 1)
    return columns


def _locate(data: bytes, source: str, width: int, wanted: set[int], message: str) -> None:
    """Find the row pyarrow refused (error path: rows read one at a time)."""
    text = data.decode("utf-8", errors="replace")
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if number == 1:
            continue
        if len(row) != width:
            fail(f"{len(row)} columns where the header has {width}", source, number)
        for i in sorted(wanted):
            if not row[i].strip().lstrip("-").isdigit():
                fail(f"{row[i]!r} is not 1 (marked) or 0", source, number,
                     next(csv.reader([text.split(chr(10), 1)[0]]))[i])
    fail(f"unreadable CSV: {message.splitlines()[0]}", source)
