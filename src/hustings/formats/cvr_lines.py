"""Vectorised reading of line-based ballot files (BLT, PrefLib, ABIF), in bounded memory.

A file is read in blocks of whole lines (`BLOCK` bytes); each block becomes a pyarrow string
array, one trimmed line a cell, checked as UTF-8 in C. Readers then split, match and cast the
lines with pyarrow compute and numpy, never with a Python loop over the ballots: the only Python
loops run over *distinct* tokens (candidate numbers or names, a few dozen) or over rare lines
(headers, ties). Each block's ballots are compressed to unique rankings with counts at once
(`Partial`), so memory depends on the block size and the number of unique rankings, not on the
number of ballots; the partial profiles are merged at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hustings.counting.profile import EMPTY, Profile, compress, overvote_code
from hustings.formats.cvr_common import fail

if TYPE_CHECKING:
    import pyarrow as pa

# pyarrow is imported where it is used: the byte-level paths of BLT and PrefLib files (plain
# ballot lines, headers, names) need only numpy, and a count then starts without it.

BLOCK = 4 << 20  # bytes of whole lines per block
MAX_LINE = 16 << 20  # a longer line is refused (no ballot line needs 16 MB)
MAX_CANDIDATES = 100_000  # a file declaring more is refused before anything is allocated
MAX_RANKS = 1000  # a ballot ranking more is refused (a wider file is a mistake or an attack)
MAX_TOTAL = 2**53  # the weights of a file must add up to at most this (exact in every count)
INT64_MAX = "9223372036854775807"


class Lines:
    """A block of lines: `text[i]` (trimmed) is line `first + i` of the file.

    `raw` holds the block's bytes and `starts[i]:starts[i + 1]` the bytes of line i (with its
    newline), for the byte-level fast paths; `text` is built (and trimmed) on first use.
    """

    def __init__(self, first: int, raw: np.ndarray, starts: np.ndarray, body: bytes):
        self.first = first
        self.raw = raw
        self.starts = starts
        self._body = body
        self._array: pa.Array | None = None
        self._text: pa.Array | None = None

    def __len__(self) -> int:
        return len(self.starts) - 1

    @property
    def array(self) -> pa.Array:
        """The lines as a pyarrow string array (untrimmed, with their newlines)."""
        if self._array is None:
            import pyarrow as pa

            self._array = pa.StringArray.from_buffers(
                len(self), pa.py_buffer(self.starts.astype(np.int32)), pa.py_buffer(self._body))
        return self._array

    @property
    def text(self) -> pa.Array:
        if self._text is None:
            import pyarrow.compute as pc

            self._text = pc.utf8_trim_whitespace(self.array)
        return self._text

    def string(self, index: int) -> str:
        """Line `index`, trimmed, as a Python string (for the few header and name lines)."""
        lo, hi = int(self.starts[index]), int(self.starts[index + 1])
        return self._body[lo:hi].decode("utf-8").strip()

    def strings(self, indices: np.ndarray) -> list[str]:
        return [self.string(int(i)) for i in indices]

    def number(self, index: int) -> int:
        return self.first + int(index)

    def lines_with(self, chars: bytes) -> np.ndarray:
        """Which lines hold any of these bytes (bool per line)."""
        table = np.zeros(256, dtype=bool)
        table[list(chars)] = True
        at = np.flatnonzero(table[self.raw])
        found = np.zeros(len(self), dtype=bool)
        if len(at):
            found[np.searchsorted(self.starts, at, side="right") - 1] = True
        return found

    def tokens(self, separators: bytes) -> tuple[pa.Array, np.ndarray]:
        """The block cut after every separator and newline, without copying: each token
        keeps the byte that ends it; (tokens, that byte per token)."""
        import pyarrow as pa

        table = np.zeros(256, dtype=bool)
        table[list(separators + b"\n")] = True
        ends = np.flatnonzero(table[self.raw]) + 1
        if len(ends) == 0 or ends[-1] != len(self.raw):
            ends = np.append(ends, len(self.raw))
        offsets = np.concatenate(([0], ends)).astype(np.int32)
        array = pa.StringArray.from_buffers(len(ends), pa.py_buffer(offsets),
                                            pa.py_buffer(self.raw))
        last = self.raw[ends - 1].astype(np.int64)
        if ends[-1] == len(self.raw) and (len(self.raw) == 0 or self.raw[-1] != 10):
            last[-1] = 10  # the last line without its newline
        return array, last

    def texts(self, indices: np.ndarray) -> pa.Array:
        """The trimmed text of some lines only (the fast paths' rare lines)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if self._text is not None:
            return self._text.take(pa.array(indices, type=pa.int64()))
        return pc.utf8_trim_whitespace(self.array.take(pa.array(indices, type=pa.int64())))


def iter_lines(data: Path | bytes, source: str, block: int | None = None) -> Iterator[Lines]:
    """The lines of a file (or of bytes), a block at a time; undecodable text is located."""
    block = block or BLOCK
    if isinstance(data, bytes | bytearray):
        yield from _split_blocks(_byte_blocks(bytes(data), block), source)
        return
    with data.open("rb") as handle:
        yield from _split_blocks(iter(lambda: handle.read(block), b""), source)


def _byte_blocks(data: bytes, block: int) -> Iterator[bytes]:
    for start in range(0, len(data), block):
        yield data[start : start + block]


def _split_blocks(blocks: Iterator[bytes], source: str) -> Iterator[Lines]:
    carry = b""
    number = 1
    first = True
    for data in blocks:
        if first and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        first = False
        buf = carry + data if carry else data
        cut = buf.rfind(b"\n")
        if cut < 0:
            if len(buf) > MAX_LINE:
                fail(f"a line longer than {MAX_LINE >> 20} MB", source, number)
            carry = buf
            continue
        body, carry = buf[: cut + 1], buf[cut + 1 :]
        lines = _lines(body, source, number)
        number += len(lines)
        yield lines
    if carry:
        yield _lines(carry, source, number)


def _lines(body: bytes, source: str, number: int) -> Lines:
    raw = np.frombuffer(body, dtype=np.uint8)
    ends = np.flatnonzero(raw == 10) + 1
    if len(ends) == 0 or ends[-1] != len(raw):
        ends = np.append(ends, len(raw))
    if len(raw) >= 2**31:  # pragma: no cover (blocks are 4 MB)
        fail("block too large", source, number)
    if len(raw) and raw.max() >= 128:  # ASCII is UTF-8; anything else is checked in C
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            fail(f"not UTF-8 text (byte {exc.start})", source,
                 number + body[: exc.start].count(b"\n"))
    return Lines(number, raw, np.concatenate(([0], ends)).astype(np.int64), body)


@dataclass(frozen=True)
class Numbers:
    """Lines tokenised at the byte level: digit runs (numbers) between separators.

    `special[i]`: line i holds a byte that is neither a digit, whitespace nor one of the
    separators (or a number of more than 18 digits); such lines are left to the general path.
    Tokens are in file order: `values[t]` on line `line[t]`, bytes `start[t]:end[t]`.
    """

    special: np.ndarray  # bool per line
    counts: np.ndarray  # numbers per line
    values: np.ndarray  # int64 per token
    line: np.ndarray  # line index per token
    start: np.ndarray  # byte offset per token (in lines.raw)
    end: np.ndarray
    sep_at: np.ndarray  # byte offsets of the separators
    sep_line: np.ndarray  # their lines


def numbers(lines: Lines, begin: int, separators: bytes = b"") -> Numbers:
    """Tokenise lines[begin:] at the byte level (vectorised); see `Numbers`."""
    lo = int(lines.starts[begin])
    raw = lines.raw[lo:]
    n = len(lines) - begin
    table = np.zeros(256, dtype=np.uint8)
    table[ord("0") : ord("9") + 1] = 1
    table[list(b" \t\r\n\v\f")] = 2
    if separators:
        table[list(separators)] = 3
    kind = table[raw]
    line_of = np.cumsum(raw == 10, dtype=np.int32)
    line_of -= raw == 10  # a newline belongs to the line it ends
    special = np.zeros(n, dtype=bool)
    special[line_of[kind == 0]] = True
    digit = kind == 1
    edge = np.diff(np.concatenate(([False], digit, [False])).view(np.int8))
    start = np.flatnonzero(edge == 1)
    end = np.flatnonzero(edge == -1)
    length = end - start
    token_line = line_of[start] if len(start) else np.empty(0, np.int32)
    special[token_line[length > 18]] = True
    values = raw[start].astype(np.int64) - 48 if len(start) else np.zeros(0, np.int64)
    width = int(min(length.max(), 18)) if len(length) else 0
    longer = np.flatnonzero(length > 1) if width > 1 else np.empty(0, np.int64)
    for k in range(1, width):  # only the tokens that long: most numbers are one digit
        if k > 1:
            longer = longer[length[longer] > k]
        values[longer] = values[longer] * 10 + raw[start[longer] + k] - 48
    seps = np.flatnonzero(kind == 3) if separators else np.empty(0, np.int64)
    return Numbers(special, np.bincount(token_line, minlength=n), values, token_line,
                   start + lo, end + lo, seps + lo, line_of[seps] if len(seps) else seps)


def first_true(mask: pa.Array | np.ndarray) -> int | None:
    """Index of the first true cell of a boolean array (nulls are false), or None."""
    if isinstance(mask, np.ndarray):
        values = mask
    else:
        import pyarrow.compute as pc

        values = pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
    found = np.flatnonzero(values)
    return int(found[0]) if len(found) else None


def parse_counts(
    tokens: pa.Array, lines: Lines, rows: np.ndarray, source: str, what: str
) -> np.ndarray:
    """Whole numbers (int64) from digit strings; the first bad one is a located error.

    `rows[i]` is the index (into `lines`) of the line `tokens[i]` came from. Numbers beyond
    2^63 - 1 are refused here; `check_total` refuses totals beyond 2^53.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    digits = pc.match_substring_regex(tokens, r"^[0-9]+$")
    bad = first_true(pc.invert(pc.fill_null(digits, False)))
    if bad is not None:
        value = tokens[bad].as_py()
        fail(f"{what} must be a whole number, not {value!r}", source,
             lines.number(rows[bad]), what)
    stripped = pc.utf8_ltrim(tokens, characters="0")
    length = pc.utf8_length(stripped).to_numpy(zero_copy_only=False)
    too_big = length > len(INT64_MAX)
    same = np.flatnonzero(length == len(INT64_MAX))
    if len(same):
        too_big[same] |= pc.greater(stripped.take(pa.array(same)), INT64_MAX).to_numpy(
            zero_copy_only=False)
    bad = first_true(too_big)
    if bad is not None:
        fail(f"{what} {tokens[bad].as_py()} is too large (at most 2^53 in all)", source,
             lines.number(rows[bad]), what)
    empty = pc.equal(stripped, "")
    values = pc.if_else(empty, "0", stripped)
    return pc.cast(values, pa.int64()).to_numpy(zero_copy_only=False).astype(np.int64)


@dataclass
class Total:
    """The exact running total of a file's weights, refused beyond MAX_TOTAL."""

    value: int = 0

    def add(self, counts: np.ndarray, lines: Lines, rows: np.ndarray, source: str,
            what: str) -> None:
        high = int((counts >> 32).sum())
        low = int((counts & 0xFFFFFFFF).sum())
        total = (high << 32) + low
        if self.value + total > MAX_TOTAL:
            over = np.flatnonzero(counts > MAX_TOTAL - self.value)
            if len(over):
                at = int(over[0])
            else:
                at = int(np.argmax(np.cumsum(counts) > MAX_TOTAL - self.value))
            fail(f"the {what}s add up to more than 2^53 = {MAX_TOTAL:,} ballots; "
                 "hustings counts exactly up to that and refuses more", source,
                 lines.number(rows[at]), what)
        self.value += total


def list_parts(lists: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(offsets as int64 numpy, flat values) of a list array."""

    offsets = lists.offsets.to_numpy(zero_copy_only=False).astype(np.int64)
    values = lists.values
    return offsets - offsets[0], values.slice(int(offsets[0]), int(offsets[-1] - offsets[0]))


def encode(
    tokens: pa.Array,
    code_of: Callable[[str, int], int],
    first_rows: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """Codes of string tokens, calling `code_of(token, first row)` once per distinct token."""
    import pyarrow.compute as pc

    if len(tokens) == 0:
        return np.empty(0, dtype=np.int32)
    encoded = pc.dictionary_encode(tokens)
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    distinct = encoded.dictionary.to_pylist()
    first = np.full(len(distinct), len(indices), dtype=np.int64)
    np.minimum.at(first, indices, np.arange(len(indices)))
    rows = first_rows(first)
    table = np.array([code_of(t, int(r)) for t, r in zip(distinct, rows, strict=True)],
                     dtype=np.int32)
    return table[indices]


def parse_distinct(
    texts: pa.Array,
    rows: np.ndarray,
    parse: Callable[[str, int], tuple[int, list[int]]],
    width: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(rankings, counts) of unusual lines, calling `parse(text, row)` once per distinct line.

    `rows[i]` is the index (in its block) of the line `texts[i]`; `parse` returns the line's
    count and its ranking as codes.
    """
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(texts)
    indices = encoded.indices.to_numpy(zero_copy_only=False)
    distinct = encoded.dictionary.to_pylist()
    first = np.full(len(distinct), len(indices), dtype=np.int64)
    np.minimum.at(first, indices, np.arange(len(indices)))
    parsed = [parse(text, int(rows[at])) for text, at in zip(distinct, first, strict=True)]
    width = max([len(r) for _, r in parsed] + [width, 1])
    table = np.full((len(parsed), width), EMPTY, dtype=np.int32)
    for i, (_, ranking) in enumerate(parsed):
        table[i, : len(ranking)] = ranking
    counts = np.array([c for c, _ in parsed], dtype=np.int64)
    return table[indices], counts[indices]


def scatter(codes: np.ndarray, lengths: np.ndarray, width: int | None = None) -> np.ndarray:
    """Rows of a ragged list of codes (row i has lengths[i] codes) padded with EMPTY."""
    rows = len(lengths)
    width = max(int(lengths.max()) if rows else 0, 1) if width is None else max(width, 1)
    out = np.full((rows, width), EMPTY, dtype=np.int32)
    if len(codes):  # code k of row i goes to cell i * width + (k - the row's first code)
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        shift = np.arange(rows, dtype=np.int64) * width - starts
        out.ravel()[np.arange(len(codes)) + np.repeat(shift, lengths)] = codes
    return out


@dataclass
class Partials:
    """Partial profiles (unique rankings and counts) of a file's blocks, merged at the end."""

    sets: list[tuple[int, ...]] = field(default_factory=list)
    rankings: list[np.ndarray] = field(default_factory=list)
    counts: list[np.ndarray] = field(default_factory=list)

    def set_code(self, members: Sequence[int]) -> int:
        """The marker of an overvote (or tie) of these candidates, numbered file-wide."""
        key = tuple(sorted(set(members)))
        if len(key) == 1:
            return key[0]
        if key not in self.sets:
            self.sets.append(key)
        return overvote_code(self.sets.index(key))

    def add(self, rankings: np.ndarray, counts: np.ndarray) -> None:
        if len(counts) == 0:
            return
        part = compress((), rankings, counts)
        self.rankings.append(part.rankings)
        self.counts.append(part.counts)

    def profile(self, candidates: Sequence[str]) -> Profile:
        width = max((r.shape[1] for r in self.rankings), default=1)
        blocks = []
        for r in self.rankings:
            if r.shape[1] < width:
                r = np.concatenate(
                    [r, np.full((r.shape[0], width - r.shape[1]), EMPTY, np.int32)], axis=1)
            blocks.append(r)
        rankings = np.concatenate(blocks) if blocks else np.empty((0, width), np.int32)
        counts = np.concatenate(self.counts) if self.counts else np.empty(0, np.int64)
        return compress(tuple(candidates), rankings, counts, tuple(self.sets))
