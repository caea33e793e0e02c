"""CSV cast vote records: one ballot a row, one column a rank (Minneapolis 2017 style).

The header names the rank columns `rank1`, `rank2`, … (also `choice N`, `preference N`); an
optional `weight` (or `count`) column says how many ballots the row stands for; other columns
(precinct, ballot id) are ignored. Cells hold a candidate's name or a token: `overvote`,
`undervote` or blank (nothing marked), `UWI` (undeclared write-in). Tokens are case-insensitive.

Reading is vectorised: pyarrow parses the columns and dictionary-encodes them; names are mapped
to candidate indices once per distinct value; the rankings array is built with numpy.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from hustings.formats.csv_text import csv_header, csv_rows
from hustings.formats.cvr_common import (
    EMPTY,
    OVERVOTE,
    WRITE_IN,
    BallotFile,
    Progress,
    compress_columns,
    fail,
)

RANK_COLUMN = re.compile(r"^\s*(?:rank|choice|preference|pref)\s*[ _#.-]?\s*(\d+)\s*$", re.I)
WEIGHT_COLUMNS = ("weight", "count", "ballots")
OVERVOTE_TOKENS = ("overvote",)
SKIPPED_TOKENS = ("undervote", "")
WRITE_IN_TOKENS = ("uwi", "undeclared write-in", "undeclared write-ins")
BLOCK = 4 << 20  # bytes parsed per batch (progress granularity)
DICTIONARY = pa.dictionary(pa.int32(), pa.string())


def read_csv_cvr(
    path: Path | str,
    *,
    candidates: Sequence[str] | None = None,
    overvote: Iterable[str] = OVERVOTE_TOKENS,
    skipped: Iterable[str] = SKIPPED_TOKENS,
    write_in: Iterable[str] = WRITE_IN_TOKENS,
    progress: Progress | None = None,
) -> BallotFile:
    """Read a rank-column CSV CVR file into a profile.

    With `candidates` given, any other name is an error; otherwise every name found is a
    candidate, in order of first appearance (first-choice column first).
    """
    path = Path(path)
    return parse_csv_cvr(
        path,
        source=str(path),
        candidates=candidates,
        overvote=overvote,
        skipped=skipped,
        write_in=write_in,
        progress=progress,
    )


def parse_csv_cvr(
    data: bytes | str | Path,
    *,
    source: str = "<csv>",
    candidates: Sequence[str] | None = None,
    overvote: Iterable[str] = OVERVOTE_TOKENS,
    skipped: Iterable[str] = SKIPPED_TOKENS,
    write_in: Iterable[str] = WRITE_IN_TOKENS,
    progress: Progress | None = None,
) -> BallotFile:
    """Parse CSV CVR text or bytes (or a path) into a profile.

    Paths are parsed by pyarrow on all cores; with `progress`, a path is streamed in blocks
    instead (a little slower) so that the caller can show how far it has got.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    header = _header(data, source)
    ranks, weight = _columns(header, source)
    tokens: dict[str, int] = {t.strip().lower(): OVERVOTE for t in overvote}
    tokens.update({t.strip().lower(): EMPTY for t in skipped})
    tokens.update({t.strip().lower(): WRITE_IN for t in write_in})
    names: dict[str, int] = {}
    if candidates is not None:
        names = {c: i for i, c in enumerate(candidates)}
    table = _read_table(data, source, [header[i] for i in ranks], weight, header, progress)

    columns = []
    for position, col in enumerate(ranks):
        parts = [
            _encode(chunk, names, tokens, candidates is None, source, header[col], row)
            for chunk, row in _chunks_with_offsets(table.column(position))
        ]
        columns.append(np.concatenate(parts) if parts else np.empty(0, dtype=np.int32))
    counts = None
    if weight is not None:
        counts = _weights(table.column(len(ranks)), source, header[weight])
    order = tuple(sorted(names, key=names.__getitem__))
    return BallotFile(compress_columns(order, columns, counts), source)


def _header(data: bytes | Path, source: str) -> list[str]:
    if isinstance(data, Path):
        with data.open("rb") as handle:
            first = handle.readline()
    else:
        first = data.split(b"\n", 1)[0]
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        fail("not UTF-8 text", source, 1)
    header = csv_header(text, source)
    if not any(header):
        fail("empty file: expected a header line naming the rank columns", source, 1)
    return header


def _columns(header: list[str], source: str) -> tuple[list[int], int | None]:
    numbered = []
    weight = None
    for i, name in enumerate(header):
        match = RANK_COLUMN.match(name)
        if match:
            numbered.append((int(match.group(1)), i))
        elif name.lower() in WEIGHT_COLUMNS and weight is None:
            weight = i
    if not numbered:
        fail("no rank columns: the header must name rank1, rank2, …", source, 1)
    numbered.sort()
    for expected, (number, i) in enumerate(numbered, start=1):
        if number != expected:
            fail(f"rank columns must be numbered 1, 2, … without gaps; found {number}",
                 source, 1, header[i])
    return [i for _, i in numbered], weight


def _read_table(
    data: bytes | Path,
    source: str,
    rank_names: list[str],
    weight: int | None,
    header: list[str],
    progress: Progress | None,
) -> pa.Table:
    names = [f"c{i}" for i in range(len(header))]  # header names may repeat or be blank
    wanted = [names[header.index(n)] for n in rank_names]
    if weight is not None:
        wanted.append(names[weight])
    read = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=BLOCK)
    convert = pacsv.ConvertOptions(
        include_columns=wanted,
        column_types={n: DICTIONARY for n in wanted[: len(rank_names)]},
        strings_can_be_null=False,
    )
    try:
        if isinstance(data, Path) and progress is not None:
            return _stream(data, read, convert, progress)
        stream = str(data) if isinstance(data, Path) else io.BytesIO(data)
        return pacsv.read_csv(stream, read_options=read, convert_options=convert)
    except pa.ArrowInvalid as exc:
        _locate_csv_error(data, source, len(header), str(exc))


def _stream(
    path: Path, read: pacsv.ReadOptions, convert: pacsv.ConvertOptions, progress: Progress | None
) -> pa.Table:
    total = path.stat().st_size
    with path.open("rb") as handle:
        reader = pacsv.open_csv(handle, read_options=read, convert_options=convert)
        batches = []
        for batch in reader:
            batches.append(batch)
            if progress is not None:
                progress(min(handle.tell(), total), total)
        if progress is not None:
            progress(total, total)
        return pa.Table.from_batches(batches, schema=reader.schema)


def _chunks_with_offsets(column: pa.ChunkedArray) -> Iterable[tuple[pa.Array, int]]:
    offset = 0
    for chunk in column.chunks:
        yield chunk, offset
        offset += len(chunk)


def _encode(
    chunk: pa.Array,
    names: dict[str, int],
    tokens: dict[str, int],
    grow: bool,
    source: str,
    field: str,
    first_row: int,
) -> np.ndarray:
    """Map one column chunk to candidate indices and markers, once per distinct value."""
    if not pa.types.is_dictionary(chunk.type):
        chunk = chunk.dictionary_encode()
    chunk = chunk.fill_null("") if chunk.null_count else chunk
    values = chunk.dictionary.to_pylist()
    table = np.empty(len(values), dtype=np.int32)
    for i, raw in enumerate(values):
        value = (raw or "").strip()
        code = tokens.get(value.lower())
        if code is None:
            code = names.get(value)
            if code is None:
                if not grow:
                    indices = chunk.indices.to_numpy(zero_copy_only=False)
                    row = first_row + int(np.argmax(indices == i))
                    fail(f"unknown candidate {value!r}", source, row + 2, field)
                code = names[value] = len(names)
        table[i] = code
    indices = chunk.indices.to_numpy(zero_copy_only=False)
    return table[indices]


def _weights(column: pa.ChunkedArray, source: str, field: str) -> np.ndarray:
    if pa.types.is_integer(column.type) and column.null_count == 0:
        counts = column.to_numpy().astype(np.int64)
        bad = np.flatnonzero(counts < 0)
        if len(bad):
            fail(f"negative weight {counts[bad[0]]}", source, int(bad[0]) + 2, field)
        return counts
    if pa.types.is_dictionary(column.type):
        column = column.cast(pa.string())
    text = pc.cast(column, pa.string()).to_pylist()
    for row, value in enumerate(text):
        if value is None or not value.strip().isdigit():
            fail(f"weight must be a whole number, not {value or ''!r}", source, row + 2, field)
    return np.asarray([int(v) for v in text], dtype=np.int64)  # pragma: no cover (ints above)


def _locate_csv_error(data: bytes | Path, source: str, width: int, message: str) -> NoReturn:
    """Find the line pyarrow rejected (error path only: a plain Python scan is fine here)."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    text = raw.decode("utf-8-sig", errors="replace")
    for line, row in csv_rows(text, source):
        if row and len(row) != width:
            fail(f"expected {width} columns as in the header, found {len(row)}", source, line)
    fail(f"malformed CSV: {message.splitlines()[0]}", source)
