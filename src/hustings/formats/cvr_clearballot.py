"""Clear Ballot ClearVote cast vote records (CSV, the "2.1 RCV" layout), as RCTab reads them.

The first ten columns describe the sheet (`RowNumber`, `BoxID`, `BoxPosition`, `BallotID`,
`PrecinctID`, `BallotStyleID`, `PrecinctStyleName`, `ScanComputerName`, `Status`, `Remade`);
every later column is one candidate at one rank, its header
`Choice_<id>_<n>:<contest>:<rank>:<vote rule>:<candidate>:<party>`, its cells 1 (marked) or 0.
Two candidates marked at one rank are an overvote; the candidate named as the undeclared
write-in (RCTab's `undeclaredWriteInLabel`) is an undeclared write-in. Columns of a rank above
the ranks allowed are not read (RCTab ignores them).

Reading is vectorised: the header is parsed once; when every row ends with its choice cells of
one character each (as ClearVote writes them), the cells are gathered straight from the bytes
with numpy (each row's cells sit at fixed distances from its end); otherwise pyarrow's CSV
reader reads the contest's columns and names any cell that is not 1 or 0. Rankings are then
built column by column (one step per column, and per overvoted cell), never per ballot.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from hustings.counting.profile import EMPTY, OVERVOTE, WRITE_IN, Profile
from hustings.formats.cvr_common import BallotFile, fail
from hustings.formats.cvr_lines import MAX_RANKS, Partials
from hustings.formats.cvr_marks import ROWS

FIXED = ("RowNumber", "BoxID", "BoxPosition", "BallotID", "PrecinctID", "BallotStyleID",
         "PrecinctStyleName", "ScanComputerName", "Status", "Remade")
HEADER_FIELDS = 6
FAST_ROWS = 1 << 20  # rows whose choice cells are gathered at once


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
    cells = _fast_cells(data, end, width, [c.index for c in chosen])
    if cells is None:
        cells = _arrow_cells(data, source, head, width, chosen)
    n = len(cells[0]) if cells else _rows(data, end)
    profile = _profile(names, n, chosen, cells, index, write_in_label)
    return BallotFile(profile, source, title=contest)


def _fast_cells(data: bytes, end: int, width: int, wanted: list[int]) -> list[np.ndarray] | None:
    """The wanted choice columns (0/1 as uint8), read straight from the bytes when every row
    ends with its choice cells of one character each (as ClearVote writes them): the k-th
    choice cell of a row is then at a fixed distance from its end. None when any row does
    not fit that layout (the CSV reader then reads the file and names what is wrong)."""
    if end < 0:
        return [np.empty(0, np.uint8) for _ in wanted]
    buf = np.frombuffer(data, dtype=np.uint8)[end + 1 :]
    if not len(buf):
        return [np.empty(0, np.uint8) for _ in wanted]
    ends = np.flatnonzero(buf == 10)
    if not len(ends) or ends[-1] != len(buf) - 1:
        ends = np.append(ends, len(buf))
    ends = ends - (buf[np.maximum(ends - 1, 0)] == 13)  # CRLF
    k = width - len(FIXED)
    span = 2 * k - 1  # "c,c,...,c": the choice cells at the end of every row
    starts = ends - span
    line_starts = np.concatenate(([0], ends[:-1] + 1))
    if k < 1 or (starts <= line_starts).any() or (buf[starts - 1] != 44).any():
        return None
    window = np.lib.stride_tricks.as_strided(buf, shape=(len(buf) - span + 1, span),
                                             strides=(1, 1), writeable=False)
    picks = [column - len(FIXED) for column in wanted]
    parts: list[np.ndarray] = []
    for lo in range(0, len(starts), FAST_ROWS):  # rows' choice cells, a million at a time
        block = window[starts[lo : lo + FAST_ROWS]]
        if (block[:, 1::2] != 44).any():
            return None
        cells = block[:, 0::2][:, picks] - 48
        if (cells > 1).any():
            return None
        parts.append(cells)
    matrix = np.concatenate(parts) if parts else np.empty((0, len(picks)), np.uint8)
    return [matrix[:, j] for j in range(len(picks))]


def _rows(data: bytes, end: int) -> int:
    """Rows of a file whose contest has no columns (each row a ballot marking nothing)."""
    body = data[end + 1 :] if end >= 0 else b""
    return len([line for line in body.splitlines() if line.strip()])


def _arrow_cells(data: bytes, source: str, head: str, width: int, chosen: list[_Column]
                 ) -> list[np.ndarray]:
    """The chosen choice columns by pyarrow's CSV reader; a cell other than 1 or 0 is an
    error naming its line and column."""
    fields = [f"c{i}" for i in range(width)]
    wanted = [fields[c.index] for c in chosen]
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=fields, skip_rows=1,
                                           block_size=1 << 22),
            convert_options=pacsv.ConvertOptions(
                include_columns=wanted or fields[:1],
                column_types=dict.fromkeys(wanted, pa.int64()), strings_can_be_null=False,
                quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as exc:
        _locate(data, source, width, {fields.index(w) for w in wanted}, str(exc))
    out = []
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
        out.append(cells.astype(np.uint8))
    return out


def _profile(names: list[str], n: int, chosen: list[_Column], cells: list[np.ndarray],
             index: dict[str, int], write_in_label: str) -> Profile:
    """Rankings straight from the choice columns: one step per column, none per ballot.

    A rank marked once holds that candidate; marked several times, an overvote of those
    candidates (found for the overvoted cells only), or a plain overvote if one of them is
    the undeclared write-in."""
    width = max((c.rank for c in chosen), default=1)
    codes = [WRITE_IN if write_in_label and c.candidate == write_in_label else index[c.candidate]
             for c in chosen]
    partials = Partials()
    for lo in range(0, n, ROWS):
        hi = min(lo + ROWS, n)
        rows = np.full((hi - lo, width), EMPTY, dtype=np.int32)
        marks = np.zeros((hi - lo, width), dtype=np.int16)
        for column, code, values in zip(chosen, codes, cells, strict=True):
            hit = values[lo:hi] == 1
            rows[hit, column.rank - 1] = code
            marks[hit, column.rank - 1] += 1
        many_r, many_c = np.nonzero(marks > 1)
        if len(many_r):  # overvoted cells: their candidates, column by column
            members: list[list[int]] = [[] for _ in many_r]
            for column, code, values in zip(chosen, codes, cells, strict=True):
                at = many_c == column.rank - 1
                for k in np.flatnonzero(at & (values[lo:hi][many_r] == 1)).tolist():
                    members[k].append(code)
            for k, found in enumerate(members):
                rows[many_r[k], many_c[k]] = (OVERVOTE if WRITE_IN in found
                                              else partials.set_code(found))
        partials.add(rows, np.ones(hi - lo, dtype=np.int64))
    return partials.profile(names)


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
