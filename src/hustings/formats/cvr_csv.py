"""CSV cast vote records: one ballot a row, one column a rank (Minneapolis 2017 style).

The header names the rank columns `rank1`, `rank2`, … (also `choice N`, `preference N`); an
optional `weight` (or `count`) column says how many ballots the row stands for; other columns
(precinct, ballot id) are ignored. Cells hold a candidate's name or a token: `overvote`,
`undervote` or blank (nothing marked), `UWI` (undeclared write-in). Tokens are case-insensitive.

Reading is vectorised: pyarrow parses the columns and dictionary-encodes them; names are mapped
to candidate indices once per distinct value; the rankings array is built with numpy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from hustings.counting.profile import Profile, compress, exact_sum
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
from hustings.formats.cvr_lines import INT64_MAX, MAX_RANKS, MAX_TOTAL

RANK_COLUMN = re.compile(r"^\s*(?:rank|choice|preference|pref)\s*[ _#.-]?\s*(\d+)\s*$", re.I)
WEIGHT_COLUMNS = ("weight", "count", "ballots")
OVERVOTE_TOKENS = ("overvote",)
SKIPPED_TOKENS = ("undervote", "")
WRITE_IN_TOKENS = ("uwi", "undeclared write-in", "undeclared write-ins")
BLOCK = 16 << 20  # bytes parsed per block (memory and progress granularity)
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

    The file is streamed in 16 MB blocks; each block is parsed by pyarrow (on all cores),
    encoded and compressed to unique rankings at once, so memory stays bounded whatever the
    number of ballots. `progress(bytes done, bytes in all)` is called after each block.
    """
    reader = _CsvReader(data, source, candidates, overvote, skipped, write_in, None)
    # each block's ballots packed into one integer key per row and sorted (compress_columns),
    # without first stacking the columns into a table
    parts = [compress_columns(reader.order(), columns, counts)
             for columns, counts, _ in reader.blocks(progress) if len(columns[0])]
    return BallotFile(_merge(reader.order(), parts), source)


def read_csv_cvr_by_precinct(
    path: Path | str | bytes,
    *,
    source: str | None = None,
    precinct_column: str = "precinct",
    candidates: Sequence[str] | None = None,
    overvote: Iterable[str] = OVERVOTE_TOKENS,
    skipped: Iterable[str] = SKIPPED_TOKENS,
    write_in: Iterable[str] = WRITE_IN_TOKENS,
) -> tuple[BallotFile, dict[str, Profile]]:
    """The whole file's ballots and a profile per precinct (the `precinct_column` column,
    matched case-insensitively; an empty cell is the precinct ""). Every profile has the
    file's candidates, so the per-precinct profiles add up to the whole."""
    whole, parts, _ = split_csv_cvr(path, source=source, precinct_column=precinct_column,
                                    candidates=candidates, overvote=overvote, skipped=skipped,
                                    write_in=write_in)
    return whole, parts


def split_csv_cvr(
    data: Path | str | bytes,
    *,
    source: str | None = None,
    precinct_column: str = "precinct",
    candidates: Sequence[str] | None = None,
    overvote: Iterable[str] = OVERVOTE_TOKENS,
    skipped: Iterable[str] = SKIPPED_TOKENS,
    write_in: Iterable[str] = WRITE_IN_TOKENS,
) -> tuple[BallotFile, dict[str, Profile], dict[str, int]]:
    """`read_csv_cvr_by_precinct` for a path or the file's bytes, with the first line each
    precinct code appears on (for errors that name where a precinct's ballots are).

    The precinct is read as one more (leading) column of codes: each block's rows are tagged
    with their precinct, compressed to unique rows, merged, and cut per precinct; no
    per-ballot Python loop."""
    if isinstance(data, str):
        data = Path(data)
    where = source if source is not None else str(data) if isinstance(data, Path) else "<csv>"
    reader = _CsvReader(data, where, candidates, overvote, skipped, write_in,
                        precinct_column)
    codes: dict[str, int] = {}
    first_row: dict[int, int] = {}
    offset = 0
    tagged = []
    for columns, counts, precinct in reader.blocks(None):
        lookup = np.array([codes.setdefault(v, len(codes)) for v in
                           precinct.dictionary.to_pylist()] + [0], dtype=np.int32)
        index = pc.fill_null(precinct.indices, len(lookup) - 1).to_numpy(zero_copy_only=False)
        tag = lookup[index] if len(codes) else np.zeros(len(index), np.int32)
        found, at = np.unique(tag, return_index=True)
        for code, row in zip(found.tolist(), at.tolist(), strict=True):
            first_row.setdefault(code, offset + row)
        offset += len(tag)
        tagged.append(compress((), np.stack([tag, *columns], axis=1),
                               np.ones(len(tag), np.int64) if counts is None else counts))
    names = reader.order()
    whole_parts = [Profile((), p.rankings[:, 1:], p.counts) for p in tagged]
    whole = BallotFile(_merge(names, whole_parts), where)
    merged = _merge(names, tagged) if tagged else None
    out: dict[str, Profile] = {}
    lines: dict[str, int] = {}
    if merged is not None:
        spelled = sorted({name.strip() for name in codes} or {""})  # " P1" is "P1"
        place = {name: i for i, name in enumerate(spelled)}
        canonical = np.zeros(max(len(codes), 1), np.int32)
        starts: dict[int, int] = {}
        for name, code in codes.items():
            canonical[code] = place[name.strip()]
            if code in first_row:
                row = first_row[code]
                starts[place[name.strip()]] = min(row, starts.get(place[name.strip()], row))
        first = canonical[merged.rankings[:, 0]]
        for code in np.unique(first).tolist():
            pick = first == code
            name = spelled[code]
            out[name] = compress(names, merged.rankings[pick, 1:], merged.counts[pick])
            lines[name] = starts.get(code, 0) + 2  # the header is line 1
    return whole, out, lines


def _merge(names: tuple[str, ...], parts: Sequence[Profile]) -> Profile:
    if not parts:
        return compress(names, np.empty((0, 1), np.int32), np.empty(0, np.int64))
    width = max(p.max_ranks for p in parts)
    rankings = np.concatenate([np.pad(p.rankings, ((0, 0), (0, width - p.max_ranks)),
                                      constant_values=EMPTY) for p in parts])
    return compress(names, rankings, np.concatenate([p.counts for p in parts]))


class _CsvReader:
    """A rank-column CSV read block by block: codes per rank column, weights, precincts."""

    def __init__(self, data: bytes | str | Path, source: str,
                 candidates: Sequence[str] | None, overvote: Iterable[str],
                 skipped: Iterable[str], write_in: Iterable[str], precinct: str | None):
        self.data = data.encode("utf-8") if isinstance(data, str) else data
        self.source = source
        self.header = _header(self.data, source)
        self.ranks, self.weight = _columns(self.header, source)
        self.precinct = None
        if precinct is not None:
            found = [i for i, h in enumerate(self.header) if h.strip().lower()
                     == precinct.lower()]
            if not found:
                fail(f"no {precinct!r} column in the header", source, 1)
            self.precinct = found[0]
        self.tokens: dict[str, int] = {t.strip().lower(): OVERVOTE for t in overvote}
        self.tokens.update({t.strip().lower(): EMPTY for t in skipped})
        self.tokens.update({t.strip().lower(): WRITE_IN for t in write_in})
        self.grow = candidates is None
        self.names: dict[str, int] = {} if candidates is None else {
            c: i for i, c in enumerate(candidates)}
        self.total = 0

    def order(self) -> tuple[str, ...]:
        return tuple(sorted(self.names, key=self.names.__getitem__))

    def blocks(self, progress: Progress | None
               ) -> Iterator[tuple[list[np.ndarray], np.ndarray | None, pa.Array]]:
        header, source = self.header, self.source
        names = [f"c{i}" for i in range(len(header))]  # header names may repeat or be blank
        wanted = [names[i] for i in self.ranks]
        extra = [i for i in (self.weight, self.precinct) if i is not None]
        read = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=BLOCK)
        convert = pacsv.ConvertOptions(
            include_columns=wanted + [names[i] for i in extra],
            column_types={**{n: DICTIONARY for n in wanted + (
                [names[self.precinct]] if self.precinct is not None else [])},
                **({names[self.weight]: pa.string()} if self.weight is not None else {})},
            strings_can_be_null=False,
        )
        data = self.data
        total = data.stat().st_size if isinstance(data, Path) else len(data)
        row = 0
        # Arrow's own file objects, not Python's: pyarrow reads ahead on a thread of its own,
        # and a Python file object there makes that thread take the GIL, which can abort the
        # process at exit ("terminate called without an active exception").
        with (pa.OSFile(str(data)) if isinstance(data, Path) else pa.BufferReader(data)) \
                as handle:
            try:
                stream = pacsv.open_csv(handle, read_options=read, convert_options=convert)
                while True:
                    try:
                        batch = stream.read_next_batch()
                    except StopIteration:
                        break
                    columns = [_encode(batch.column(names[c]), self.names, self.tokens,
                                       self.grow, source, header[c], row)
                               for c in self.ranks]
                    counts = None
                    if self.weight is not None:
                        counts = _weights(batch.column(names[self.weight]), source,
                                          header[self.weight], row)
                        self.total += exact_sum(counts)
                        if self.total > MAX_TOTAL:
                            at = int(np.argmax(np.cumsum(counts) > MAX_TOTAL - (
                                self.total - exact_sum(counts))))
                            fail("the weights add up to more than 2^53 = "
                                 f"{MAX_TOTAL:,} ballots; hustings counts exactly up to that "
                                 "and refuses more", source, row + at + 2, header[self.weight])
                    precinct = batch.column(names[self.precinct]) if self.precinct is not None \
                        else pa.array([], DICTIONARY)
                    if not pa.types.is_dictionary(precinct.type):
                        precinct = precinct.dictionary_encode()
                    yield columns, counts, precinct
                    row += batch.num_rows
                    if progress is not None:
                        progress(min(handle.tell(), total), total)
            except pa.ArrowInvalid as exc:
                _locate_csv_error(data, source, len(header), str(exc))
        if progress is not None:
            progress(total, total)


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
    seen: dict[int, int] = {}
    for number, i in numbered:
        if number in seen:
            fail(f"rank column {number} appears twice (columns {seen[number] + 1} and {i + 1})",
                 source, 1, header[i])
        seen[number] = i
    if len(numbered) > MAX_RANKS:
        fail(f"{len(numbered):,} rank columns; at most {MAX_RANKS:,} are read", source, 1,
             header[numbered[MAX_RANKS][1]])
    numbered.sort()
    for expected, (number, i) in enumerate(numbered, start=1):
        if number != expected:
            fail(f"rank columns must be numbered 1, 2, … without gaps; found {number}",
                 source, 1, header[i])
    return [i for _, i in numbered], weight


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


def _weights(column: pa.Array, source: str, field: str, first_row: int = 0) -> np.ndarray:
    """Whole-number weights (vectorised); the first bad cell is a located error."""
    text = pc.utf8_trim_whitespace(pc.cast(column, pa.string()))
    good = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{1,19}$"), False)
    bad = np.flatnonzero(~good.to_numpy(zero_copy_only=False))
    if len(bad):
        value = text[int(bad[0])].as_py()
        fail(f"weight must be a whole number, not {value or ''!r}", source,
             first_row + int(bad[0]) + 2, field)
    big = np.flatnonzero(pc.greater(pc.utf8_lpad(text, 19, "0"), INT64_MAX).to_numpy(
        zero_copy_only=False))
    if len(big):
        fail(f"weight {text[int(big[0])].as_py()} is too large (at most 2^53 in all)", source,
             first_row + int(big[0]) + 2, field)
    return pc.cast(text, pa.int64()).to_numpy(zero_copy_only=False).astype(np.int64)


def _locate_csv_error(data: bytes | Path, source: str, width: int, message: str) -> NoReturn:
    """Find the line pyarrow rejected (error path only: a plain Python scan is fine here)."""
    raw = data.read_bytes() if isinstance(data, Path) else data
    text = raw.decode("utf-8-sig", errors="replace")
    for line, row in csv_rows(text, source):
        if row and len(row) != width:
            fail(f"expected {width} columns as in the header, found {len(row)}", source, line)
    fail(f"malformed CSV: {message.splitlines()[0]}", source)
