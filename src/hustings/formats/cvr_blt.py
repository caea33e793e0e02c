"""BLT ballot files (ERS / OpenSTV / droop).

    ncandidates nseats
    -2 -5                      optional: withdrawn candidates, as negative numbers
    [tie 3 2 1]                optional bracketed options (kept in metadata)
    weight c1 c2 ... 0         one line per ballot (or group of identical ballots)
    0                          end of ballots
    "Name 1"                   one quoted name per candidate, in number order
    "Title"

Candidates are numbered from 1. `2=3` at a rank (a tie) is read as an overvote, `-` as a skipped
rank; a ballot line may start with an id in parentheses, `(17) 1 3 2 0`. Withdrawn candidates
are removed from the profile: ballots pass over them. Weights are whole numbers; their total
must not pass 2^53 (counted exactly up to there, refused beyond).

Reading is vectorised (see cvr_lines): the ballot lines of each 4 MB block are split and cast
by pyarrow; Python runs only once per distinct rank token and over the header and names.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hustings.formats.cvr_common import EMPTY, BallotFile, drop_candidates, fail
from hustings.formats.cvr_lines import (
    MAX_CANDIDATES,
    MAX_RANKS,
    Lines,
    Numbers,
    Partials,
    Total,
    encode,
    first_true,
    iter_lines,
    list_parts,
    numbers,
    parse_counts,
    scatter,
)

if TYPE_CHECKING:
    import pyarrow as pa

_OPTION = re.compile(r"^\[(\w+)\s*(.*?)\s*\]$")


def read_blt(path: Path | str) -> BallotFile:
    """Read a BLT file."""
    path = Path(path)
    return _read(iter_lines(path, str(path)), str(path), path.stat().st_size)


def parse_blt(text: str, source: str = "<blt>") -> BallotFile:
    """Parse BLT text into a profile, its seats, title and withdrawn candidates."""
    data = text.encode("utf-8")
    return _read(iter_lines(data, source), source, len(data))


class _Reader:
    def __init__(self, source: str, size: int):
        self.source = source
        self.size = size
        self.candidates = 0
        self.seats = 0
        self.withdrawn: set[int] = set()
        self.metadata: dict[str, str] = {}
        self.partials = Partials()
        self.total = Total()
        self.state = "head"
        self.ballots_seen = False
        self.names: list[tuple[int, str]] = []
        self.last = 1

    # --- the header, before the first ballot (a few lines, read one by one) ----------------
    def head(self, lines: Lines, start: int) -> int:
        """Read header lines from `start`; return the index of the first ballot line."""
        for i in range(start, len(lines)):
            number = lines.number(i)
            line = _uncomment(lines.string(i))
            if not line:
                continue
            if self.candidates == 0:
                self._first_line(line, number)
                continue
            option = _OPTION.match(line)
            if option:
                self.metadata[option.group(1)] = option.group(2)
                continue
            tokens = line.split()
            if tokens and all(_is_int(t) and int(t) < 0 for t in tokens):
                self.withdrawn.update(-int(t) for t in tokens)
                continue
            self.state = "ballots"
            return i
        return len(lines)

    def _first_line(self, line: str, number: int) -> None:
        head = line.split()
        if len(head) < 2 or not all(_is_int(t) for t in head):
            fail("first line must be 'candidates seats' (two whole numbers)", self.source,
                 number)
        n, seats = int(head[0]), int(head[1])
        if n < 1 or seats < 1:
            fail("the numbers of candidates and seats must be at least 1", self.source, number)
        if n > MAX_CANDIDATES or n > self.size:
            fail(f"declares {n:,} candidates, more than the file could name "
                 f"(at most {min(MAX_CANDIDATES, self.size):,})", self.source, number)
        self.candidates, self.seats = n, seats
        self.withdrawn.update(-int(t) for t in head[2:])

    # --- the ballots (vectorised over a block) -----------------------------------------------
    def ballots(self, lines: Lines, start: int) -> int:
        """Read ballot lines from `start` to the '0' line; return the index after it.

        Lines of digits and spaces only take the byte-level path (`numbers`); the others
        (ties, skipped ranks, ids, comments, options) take the pyarrow path.
        """
        num = numbers(lines, start)
        counts = num.counts
        first_token = np.concatenate(([0], np.cumsum(counts)[:-1]))
        head = num.values[np.minimum(first_token, max(len(num.values) - 1, 0))] if len(
            num.values) else np.zeros(len(counts), np.int64)
        fast_end = ~num.special & (counts == 1) & (head == 0)
        odd = np.flatnonzero(num.special)
        ends = [i for i in (first_true(fast_end),) if i is not None]
        if ends:
            odd = odd[odd < ends[0]]  # the lines after a plain `0` are the names
        if len(odd):  # lines other than digits and spaces: pyarrow
            import pyarrow as pa
            import pyarrow.compute as pc

            odd_text = lines.texts(odd + start)
            if pc.any(pc.match_substring(odd_text, "#")).as_py():
                odd_text = pc.utf8_trim_whitespace(
                    pc.replace_substring_regex(odd_text, "#.*$", ""))
            odd_end = first_true(pc.equal(odd_text, "0"))
            if odd_end is not None:
                ends.append(int(odd[odd_end]))
        end = min(ends) if ends else None
        stop = len(counts) if end is None else end
        fast = np.flatnonzero(~num.special[:stop] & (counts[:stop] > 0))
        if len(fast):
            self._fast_rows(lines, start, num, fast, first_token)
        keep = odd < stop
        if keep.any():
            odd, odd_text = odd[keep], odd_text.filter(pa.array(keep))
            is_option = pc.starts_with(odd_text, "[").to_numpy(zero_copy_only=False)
            for i in np.flatnonzero(is_option):
                option = _OPTION.match(odd_text[int(i)].as_py())
                if option is None:
                    fail("malformed option line: expected [name values]", self.source,
                         lines.number(start + odd[i]))
                self.metadata[option.group(1)] = option.group(2)
            rest = np.flatnonzero(~is_option & pc.not_equal(odd_text, "").to_numpy(
                zero_copy_only=False))
            if len(rest):
                self._ballot_rows(lines, odd_text.take(pa.array(rest)), odd[rest] + start)
        if end is None:
            return len(lines)
        self.state = "names"
        return start + end + 1

    def _fast_rows(self, lines: Lines, start: int, num: Numbers, fast: np.ndarray,
                   first_token: np.ndarray) -> None:
        """Ballot lines of whole numbers only: `weight c1 c2 ... 0`, all in numpy."""
        source = self.source
        rows = fast + start
        lengths = num.counts[fast]
        short = first_true(lengths < 2)
        if short is not None:
            fail("ballot line must end with 0", source, lines.number(rows[short]))
        firsts = first_token[fast]
        lasts = firsts + lengths - 1
        bad = first_true(num.values[lasts] != 0)
        if bad is not None:
            fail("ballot line must end with 0", source, lines.number(rows[bad]))
        ranks = lengths - 2
        self._check_width(ranks, lines, rows)
        weights = num.values[firsts]
        self.total.add(weights, lines, rows, source, "ballot weight")
        on_fast = np.zeros(len(num.counts), dtype=bool)
        on_fast[fast] = True
        inside = on_fast[num.line]
        inside[firsts] = False
        inside[lasts] = False
        codes = num.values[inside]
        out = first_true((codes < 1) | (codes > self.candidates))
        if out is not None:
            line = num.line[np.flatnonzero(inside)[out]]
            fail(f"unknown candidate {codes[out]}: candidates are numbered 1 to "
                 f"{self.candidates}", source, lines.number(start + line))
        self.partials.add(scatter((codes - 1).astype(np.int32), ranks, self.candidates),
                          weights)
        self.ballots_seen = True

    def _ballot_rows(self, lines: Lines, body: pa.Array, rows: np.ndarray) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        source = self.source
        if pc.any(pc.starts_with(body, "(")).as_py():  # optional ballot ids: (id) weight ...
            body = pc.replace_substring_regex(body, r"^\([^)]*\)\s*", "")
        offsets, tokens = list_parts(pc.ascii_split_whitespace(body))
        lengths = np.diff(offsets)
        short = first_true(lengths < 2)
        if short is not None:
            fail("ballot line must end with 0", source, lines.number(rows[short]))
        last = tokens.take(pa.array(offsets[1:] - 1))
        bad = first_true(pc.not_equal(last, "0"))
        if bad is not None:
            fail("ballot line must end with 0", source, lines.number(rows[bad]))
        ranks = lengths - 2
        self._check_width(ranks, lines, rows)
        weights = parse_counts(tokens.take(pa.array(offsets[:-1])), lines, rows, source,
                               "ballot weight")
        self.total.add(weights, lines, rows, source, "ballot weight")
        inside = np.ones(len(tokens), dtype=bool)
        inside[offsets[:-1]] = False
        inside[offsets[1:] - 1] = False
        rank_tokens = tokens.filter(pa.array(inside))
        rank_starts = np.concatenate(([0], np.cumsum(ranks)[:-1]))

        def row_of(positions: np.ndarray) -> np.ndarray:
            return rows[np.searchsorted(rank_starts, positions, side="right") - 1]

        codes = encode(rank_tokens, lambda t, r: self._code(t, lines.number(r)), row_of)
        self.partials.add(scatter(codes, ranks, self.candidates), weights)
        self.ballots_seen = True

    def _check_width(self, ranks: np.ndarray, lines: Lines, rows: np.ndarray) -> None:
        wide = first_true(ranks > self.candidates)
        if wide is not None:
            fail(f"{ranks[wide]} rankings on a ballot, more than the {self.candidates} "
                 "candidates", self.source, lines.number(rows[wide]))
        wide = first_true(ranks > MAX_RANKS)
        if wide is not None:
            fail(f"{ranks[wide]:,} rankings on a ballot; at most {MAX_RANKS:,} are read",
                 self.source, lines.number(rows[wide]))

    def _code(self, token: str, number: int) -> int:
        if token == "-":
            return EMPTY
        parts = token.split("=")
        for part in parts:
            if not part.isdigit():
                fail(f"expected a candidate number, found {part!r}", self.source, number)
            if not 1 <= int(part) <= self.candidates:
                fail(f"unknown candidate {part}: candidates are numbered 1 to "
                     f"{self.candidates}", self.source, number)
        return self.partials.set_code([int(p) - 1 for p in parts])

    # --- the names, after the ballots ---------------------------------------------------------
    def names_from(self, lines: Lines, start: int) -> None:
        limit = self.candidates + 1
        for i in range(start, len(lines)):
            raw = lines.string(i)
            line = raw if raw.startswith('"') else _uncomment(raw)
            if not line:
                continue
            self.names.append((lines.number(i), line))
            self.last = lines.number(i)
            if len(self.names) > limit:
                break


def _read(blocks: Iterator[Lines], source: str, size: int) -> BallotFile:
    reader = _Reader(source, size)
    last_line = 1
    for lines in blocks:
        last_line = lines.first + len(lines) - 1
        i = 0
        while i < len(lines):
            if reader.state == "head":
                i = reader.head(lines, i)
            elif reader.state == "ballots":
                i = reader.ballots(lines, i)
            else:
                reader.names_from(lines, i)
                i = len(lines)
        if len(reader.names) > reader.candidates + 1:
            break
    if reader.candidates == 0:
        fail("first line must be 'candidates seats' (two whole numbers)", source, 1)
    if reader.state != "names":
        fail("missing the '0' line that ends the ballots", source, last_line)
    n = reader.candidates
    names = _names(reader.names, n, source, reader.last)
    title = names.pop() if len(names) > n else None
    for w in sorted(reader.withdrawn):
        if not 1 <= w <= n:
            fail(f"withdrawn candidate {w} is not between 1 and {n}", source, 1)
    profile = reader.partials.profile(names)
    if reader.withdrawn:
        profile = drop_candidates(profile, sorted(w - 1 for w in reader.withdrawn))
    return BallotFile(
        profile,
        source,
        title=title,
        seats=reader.seats,
        withdrawn=tuple(names[w - 1] for w in sorted(reader.withdrawn)),
        metadata=reader.metadata,
    )


def _uncomment(line: str) -> str:
    return line.split("#", 1)[0].strip()


def _is_int(token: str) -> bool:
    digits = token[1:] if token.startswith("-") else token
    return digits.isascii() and digits.isdigit()


def _names(lines: list[tuple[int, str]], n_candidates: int, source: str, last: int) -> list[str]:
    names: list[str] = []
    for number, line in lines:
        last = number
        try:
            parts = shlex.split(line)
        except ValueError:
            fail(f"unbalanced quotes in {line!r}", source, number)
        names.extend(parts)
        if len(names) > n_candidates + 1:
            break
    if len(names) < n_candidates:
        fail(f"expected {n_candidates} candidate names after the ballots, found {len(names)}",
             source, last)
    if len(names) > n_candidates + 1:
        fail(f"expected {n_candidates} names and a title, found more strings", source, last)
    return names
