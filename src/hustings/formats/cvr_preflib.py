"""PrefLib ordinal files: `.soi`, `.toi` (and `.soc`, `.toc`).

    # TITLE: 2009 Burlington Mayoral Election
    # NUMBER ALTERNATIVES: 6
    # ALTERNATIVE NAME 1: Bob Kiss
    840: 5
    1: {1,6},5,2,4,3

Alternatives are numbered from 1. A group in braces is a tie: it becomes an overvote of those
candidates at that rank (one rank for the whole group). Older files use a `count,a,b,c` line
instead of `count: ...`. As the format requires, each order appears on one line only (with its
count) and names each alternative at most once: a repeated order or alternative is refused.

Reading is vectorised (see cvr_lines): lines of numbers, commas and colons are tokenised at the
byte level with numpy; lines with ties are parsed once per distinct line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from hustings.counting.profile import EMPTY, compress
from hustings.formats.cvr_common import BallotFile, fail
from hustings.formats.cvr_lines import (
    MAX_CANDIDATES,
    MAX_RANKS,
    Lines,
    Numbers,
    Partials,
    Total,
    first_true,
    iter_lines,
    numbers,
    parse_distinct,
    scatter,
)

if TYPE_CHECKING:
    import pyarrow as pa

_HEADER = re.compile(r"^#\s*([A-Z ]+?)\s*(\d+)?\s*:\s*(.*)$")
_ITEM = re.compile(r"\s*(\{[^}]*\}|[^,{}]+)\s*(?:,|$)")


def read_preflib(path: Path | str) -> BallotFile:
    """Read a PrefLib .soi/.toi/.soc/.toc file."""
    path = Path(path)
    return _read(iter_lines(path, str(path)), str(path))


def parse_preflib(text: str, source: str = "<preflib>") -> BallotFile:
    """Parse PrefLib text into a profile; the title comes from `# TITLE:`."""
    return _read(iter_lines(text.encode("utf-8"), source), source)


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.names: dict[int, str] = {}
        self.declared: int | None = None
        self.metadata: dict[str, str] = {}
        self.partials = Partials()
        self.total = Total()
        self.header_lines: dict[str, int] = {}
        self.rows: list[np.ndarray] = []  # every order read, to refuse repeats
        self.lines: list[np.ndarray] = []

    @property
    def n(self) -> int:
        return self.declared if self.declared is not None else len(self.names)

    def header(self, line: str, number: int) -> None:
        header = _HEADER.match(line)
        if header is None:
            return
        key, index, value = header.group(1), header.group(2), header.group(3).strip()
        name = key if index is None else f"{key} {index}"
        if name in self.header_lines:
            fail(f"'{name}' is given twice (first on line {self.header_lines[name]})",
                 self.source, number, name)
        self.header_lines[name] = number
        if key == "ALTERNATIVE NAME" and index is not None:
            if int(index) <= MAX_CANDIDATES:
                self.names[int(index)] = value
        elif key == "NUMBER ALTERNATIVES" and value.isdigit():
            if int(value) > MAX_CANDIDATES:
                fail(f"declares {int(value):,} alternatives; at most {MAX_CANDIDATES:,} are "
                     "read", self.source, number, "NUMBER ALTERNATIVES")
            self.declared = int(value)
        else:
            self.metadata[key.lower()] = value

    def block(self, lines: Lines) -> None:
        num = numbers(lines, 0, b":,")
        punctuation_only = (num.counts == 0) & (
            np.bincount(num.sep_line, minlength=len(num.counts)) > 0)
        special = num.special | punctuation_only
        odd = np.flatnonzero(special)
        texts = lines.strings(odd)  # headers and unusual lines: few, read in Python
        comment = np.array([t.startswith("#") for t in texts], dtype=bool)
        blank = (num.counts == 0) & ~special
        ballot = ~blank
        ballot[odd[comment]] = False
        first_ballot = first_true(ballot)
        heads = odd[comment]
        for i in heads[heads < (first_ballot if first_ballot is not None else len(lines))]:
            self.header(texts[int(np.searchsorted(odd, i))], lines.number(i))
        if first_ballot is not None and self.n == 0:
            fail("ballot line before the '# NUMBER ALTERNATIVES' header", self.source,
                 lines.number(first_ballot))
        if first_ballot is not None:
            for i in heads[heads > first_ballot]:
                self.header(texts[int(np.searchsorted(odd, i))], lines.number(i))
        fast = np.flatnonzero(ballot & ~special)
        if len(fast):
            self._fast(lines, num, fast)
        slow = odd[~comment]
        keep = np.array([bool(t) for t, c in zip(texts, comment, strict=True) if not c],
                        dtype=bool)
        if len(slow) and keep.any():
            self._slow(lines, lines.texts(slow[keep]), slow[keep])

    def _fast(self, lines: Lines, num: Numbers, fast: np.ndarray) -> None:
        """`count: a,b,c` (or `count,a,b,c`) lines of numbers only, all in numpy."""
        source, n = self.source, self.n
        first_token = np.concatenate(([0], np.cumsum(num.counts)[:-1]))
        seps_before = np.searchsorted(num.sep_at, num.start)  # separators before each token
        line_seps = np.searchsorted(num.sep_at, lines.starts[:-1])  # ... before each line
        gap = np.ones(len(num.values), dtype=np.int64)
        gap[1:] = seps_before[1:] - seps_before[:-1]
        bad_lines = np.zeros(len(num.counts), dtype=bool)
        first_of_line = np.zeros(len(num.values), dtype=bool)
        first_of_line[first_token[num.counts > 0]] = True
        bad_lines[num.line[~first_of_line & (gap != 1)]] = True  # one separator between
        k = num.counts[fast]
        firsts = first_token[fast]
        ok = ~bad_lines[fast] & (seps_before[firsts] == line_seps[fast])  # none before
        seps = np.bincount(num.sep_line, minlength=len(num.counts))[fast]
        colons = np.bincount(num.sep_line[lines.raw[num.sep_at] == ord(":")],
                             minlength=len(num.counts))[fast]
        # `count: a,b`: one colon, right after the count; `count,a,b`: commas only
        if len(num.sep_at):
            after_count = np.minimum(np.searchsorted(num.sep_at, num.end[firsts]),
                                     len(num.sep_at) - 1)
            colon_next = lines.raw[num.sep_at[after_count]] == ord(":")
        else:
            colon_next = np.zeros(len(fast), dtype=bool)
        colon_style = (colons == 1) & colon_next & (seps == np.maximum(k - 1, 1))
        plain = (colons == 0) & (seps == k - 1)
        ok &= colon_style | plain
        if not ok.all():  # unusual spacing or punctuation: the general path says what is wrong
            self._slow(lines, lines.texts(fast[~ok]), fast[~ok])
            fast = fast[ok]
            k, firsts = k[ok], firsts[ok]
        tokens = np.zeros(len(num.counts), dtype=bool)
        tokens[fast] = True
        tokens = tokens[num.line]
        counts = num.values[firsts]
        self.total.add(counts, lines, fast, source, "count")
        inside = tokens
        inside[firsts] = False
        values = num.values[inside]
        out = first_true((values < 1) | (values > n))
        if out is not None:
            line = num.line[np.flatnonzero(inside)[out]]
            fail(f"unknown alternative {values[out]}: alternatives are numbered 1 to {n}",
                 source, lines.number(line))
        ranks = k - 1
        wide = first_true(ranks > min(n, MAX_RANKS))
        if wide is not None:
            fail(f"{ranks[wide]} ranks on a ballot, more than the {min(n, MAX_RANKS)} "
                 "alternatives read", source, lines.number(fast[wide]))
        self._add(lines, scatter((values - 1).astype(np.int32), ranks, n), counts, fast)

    def _slow(self, lines: Lines, texts: pa.Array, rows: np.ndarray) -> None:
        """Lines with ties (or anything unusual), parsed once per distinct line."""
        n = self.n
        rankings, counts = parse_distinct(
            texts, rows, lambda text, row: self._ballot(text, n, lines.number(row)), n)
        self.total.add(counts, lines, rows, self.source, "count")
        self._add(lines, rankings, counts, rows)

    def _add(self, lines: Lines, rankings: np.ndarray, counts: np.ndarray,
             rows: np.ndarray) -> None:
        ordered = np.sort(np.where(rankings < 0, -1, rankings), axis=1)
        twice = (ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] >= 0)
        bad = first_true(twice.any(axis=1))
        if bad is not None:
            fail("an alternative ranked twice in one order", self.source,
                 lines.number(rows[bad]))
        self.partials.add(rankings, counts)
        self.rows.append(rankings)
        self.lines.append(rows + lines.first)

    def _ballot(self, line: str, n: int, number: int) -> tuple[int, list[int]]:
        source = self.source
        if ":" in line:
            head, _, body = line.partition(":")
        else:
            head, _, body = line.partition(",")
        head = head.strip()
        if not head.isdigit():
            fail(f"ballot count must be a whole number, not {head!r}", source, number)
        ranking: list[int] = []
        position = 0
        body = body.strip()
        while position < len(body):
            item = _ITEM.match(body, position)
            if item is None or item.end() == position:
                fail(f"malformed ranking {body!r}", source, number)
            group = item.group(1).strip()
            members = group.strip("{}").split(",") if group.startswith("{") else [group]
            indices = []
            for member in (m.strip() for m in members):
                if not member.isdigit():
                    fail(f"expected an alternative number, found {member!r}", source, number)
                if not 1 <= int(member) <= n:
                    fail(f"unknown alternative {member}: alternatives are numbered 1 to {n}",
                         source, number)
                indices.append(int(member) - 1)
            if len(set(indices)) != len(indices):
                fail("an alternative ranked twice in one order", source, number)
            ranking.append(self.partials.set_code(indices))
            position = item.end()
        if len(ranking) > min(n, MAX_RANKS):
            fail(f"{len(ranking)} ranks on a ballot, more than the {min(n, MAX_RANKS)} "
                 "alternatives read", source, number)
        if int(head) >= 2**63:
            fail(f"count {head} is too large (at most 2^53 in all)", source, number, "count")
        return int(head), ranking

    def check_totals(self) -> None:
        """A file cut short disagrees with its header's totals: say so."""
        orders = sum(len(r) for r in self.rows)
        for key, found, what in (("NUMBER VOTERS", self.total.value, "ballots"),
                                 ("NUMBER UNIQUE ORDERS", orders, "orders")):
            stated = self.metadata.get(key.lower(), "")
            if stated.isdigit() and int(stated) != found:
                fail(f"the header says {int(stated):,} {what} but the file holds {found:,} "
                     "(cut short?)", self.source, self.header_lines.get(key), key)

    def refuse_repeats(self) -> None:
        """Each order must appear once (the format aggregates identical orders)."""
        if not self.rows:
            return
        width = max(r.shape[1] for r in self.rows)
        rows = np.concatenate([np.pad(r, ((0, 0), (0, width - r.shape[1])),
                                      constant_values=EMPTY) for r in self.rows])
        lines = np.concatenate(self.lines)
        merged = compress((), rows, np.ones(len(rows), np.int64))
        if len(merged.counts) == len(rows):
            return
        _, first, inverse = np.unique(rows, axis=0, return_index=True, return_inverse=True)
        repeat = np.flatnonzero(first[inverse.reshape(-1)] != np.arange(len(rows)))
        at = int(repeat[np.argmin(lines[repeat])])
        original = int(lines[first[inverse.reshape(-1)[at]]])
        fail(f"this order is already on line {original}: PrefLib gives each order once, "
             "with its count", self.source, int(lines[at]))


def _read(blocks: Iterator[Lines], source: str) -> BallotFile:
    reader = _Reader(source)
    for lines in blocks:
        reader.block(lines)
    n = reader.n
    if n == 0:
        fail("no alternatives: expected '# NUMBER ALTERNATIVES: n' and name lines", source, 1)
    reader.refuse_repeats()
    reader.check_totals()
    candidates = [reader.names.get(i, f"Alternative {i}") for i in range(1, n + 1)]
    return BallotFile(
        reader.partials.profile(candidates),
        source,
        title=reader.metadata.get("title") or None,
        metadata=reader.metadata,
    )
