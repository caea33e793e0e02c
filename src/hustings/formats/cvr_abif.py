"""ABIF (Aggregated Ballot Information Format) ranked ballots.

    {title: "2009 Burlington mayoral election"}
    =Kiss:[Bob Kiss (Progressive)]
    840:Wright
    355:Kiss>Montroll
    3:Write-in=Wright>Montroll

Candidates are declared with `=Token:[Full Name]` (the full name is what results show); a file
without declarations names them by bare or bracketed tokens in its ballot lines. A file that
declares candidates must declare every token its ballots use. `>` separates ranks; `=` joins
tied candidates (an overvote of those candidates at that rank); `/` (approval, unranked) marks
are read the same way. Ratings (`Kiss/5`) are not supported. `#` starts a comment; `{key:
value}` lines are metadata.

Reading is vectorised (see cvr_lines): plain ballot lines (`count:A>B>C`) are matched, split
and dictionary-encoded by pyarrow, Python running once per distinct candidate token; lines with
brackets or ties are parsed once per distinct line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hustings.formats.cvr_common import BallotFile, fail
from hustings.formats.cvr_lines import (
    MAX_CANDIDATES,
    MAX_RANKS,
    Lines,
    Partials,
    Total,
    iter_lines,
    parse_counts,
    parse_distinct,
    scatter,
)

_DECLARE = re.compile(r"^=\s*(\[[^\]]*\]|[^:\s]+)\s*:\s*\[(.*)\]\s*$")
_META = re.compile(r"^\{\s*([\w-]+)\s*:\s*(.*?)\s*\}$")
_VOTE = re.compile(r"^(\d+)\s*[:*]\s*(.*)$")
_FAST = r"^([0-9]+)\s*[:*]\s*([^\[\]=/,#{}]*)$"  # a plain ballot line: count:A>B>C
_COMMENT = r"^((?:[^#\[]|\[[^\]]*\])*)#.*$"  # a comment outside brackets


def read_abif(path: Path | str) -> BallotFile:
    """Read an ABIF file."""
    path = Path(path)
    return _read(iter_lines(path, str(path)), str(path))


def parse_abif(text: str, source: str = "<abif>") -> BallotFile:
    """Parse ABIF text into a profile; candidates in order of declaration, then appearance."""
    return _read(iter_lines(text.encode("utf-8"), source), source)


class _Reader:
    def __init__(self, source: str):
        self.source = source
        self.tokens: dict[str, int] = {}
        self.names: list[str] = []
        self.declared: set[str] = set()
        self.first_use: dict[str, int] = {}  # token -> line of its first use in a ballot
        self.metadata: dict[str, str] = {}
        self.partials = Partials()
        self.total = Total()
        self.widest = (0, 0)  # (ranks, line) of the longest ballot

    def index(self, token: str, number: int) -> int:
        if token not in self.tokens:
            self.tokens[token] = len(self.names)
            self.names.append(token)
        self.first_use.setdefault(token, number)
        return self.tokens[token]

    def declare(self, line: str, number: int) -> None:
        declare = _DECLARE.match(line)
        if declare is None:
            fail(f"malformed candidate line {line!r}: expected =Token:[Full Name]",
                 self.source, number)
        token = declare.group(1).strip("[]")
        if token not in self.tokens:
            self.tokens[token] = len(self.names)
            self.names.append(declare.group(2))
        elif token not in self.declared:
            self.names[self.tokens[token]] = declare.group(2)
        self.declared.add(token)

    def block(self, lines: Lines) -> None:
        """Lines without brackets, ties, comments or metadata take the byte-level path."""
        special = lines.lines_with(b"[]=/,#{}*")
        odd = np.flatnonzero(special)
        text = lines.texts(odd) if len(odd) else pa.array([], pa.string())
        if len(odd) and pc.any(pc.match_substring(text, "#")).as_py():
            text = pc.utf8_trim_whitespace(pc.replace_substring_regex(text, _COMMENT, r"\1"))
        for i in np.flatnonzero(pc.starts_with(text, "{").to_numpy(zero_copy_only=False)):
            found = _META.match(text[int(i)].as_py())
            if found is None:
                fail(f"malformed metadata line {text[int(i)].as_py()!r}", self.source,
                     lines.number(odd[i]))
            self.metadata[found.group(1)] = found.group(2).strip('"')
        for i in np.flatnonzero(pc.starts_with(text, "=").to_numpy(zero_copy_only=False)):
            self.declare(text[int(i)].as_py(), lines.number(odd[i]))
        slow = pc.and_(pc.not_equal(text, ""), pc.invert(pc.or_(
            pc.starts_with(text, "{"), pc.starts_with(text, "=")))).to_numpy(
                zero_copy_only=False)
        if len(odd) < len(lines):
            awkward = self._fast(lines, special)
            if len(awkward):
                odd = np.concatenate([odd[slow], awkward])
                text = pa.concat_arrays([text.filter(pa.array(slow)), lines.texts(awkward)])
                slow = np.ones(len(odd), dtype=bool)
        if slow.any():
            self._slow(lines, text.filter(pa.array(slow)), odd[slow])

    def _fast(self, lines: Lines, special: np.ndarray) -> np.ndarray:
        """`count:A>B>C` lines, tokenised at the byte level; return the lines it leaves.

        Every token keeps the separator that ends it (`1:`, `Kiss>`, `Montroll\\n`), so the
        block's bytes are one string array without copying; distinct tokens are few.
        """
        tokens, ends_with = lines.tokens(b":>")
        nl = ends_with == 10
        line = np.cumsum(nl) - nl
        first = np.ones(len(tokens), dtype=bool)
        first[1:] = nl[:-1]  # a line's first token follows the one that ended the last line
        colon = ends_with == ord(":")
        use = ~special[line] if special.any() else np.ones(len(tokens), dtype=bool)
        awkward = np.zeros(len(lines), dtype=bool)
        awkward[line[colon & ~first]] = True  # a colon inside a name: the general path
        encoded = pc.dictionary_encode(tokens)
        indices = encoded.indices.to_numpy(zero_copy_only=False)
        distinct = [t[:-1].strip() if t[-1:] in ":>\n" else t.strip()
                    for t in encoded.dictionary.to_pylist()]
        blank_line = first & nl & (np.array([not t for t in distinct], dtype=bool)[indices]
                                   if len(distinct) else nl)
        awkward[line[first & ~colon & ~blank_line]] = True  # no `count:` (the general path)
        digits = np.array([t.isascii() and t.isdigit() for t in distinct], dtype=bool)
        if len(distinct):
            awkward[line[first & colon & ~digits[indices]]] = True  # `x:A`: the general path
        use &= ~awkward[line]
        heads = np.flatnonzero(use & first & colon)
        if len(heads):
            rows = line[heads]
            # each distinct count once, in order of first use (so the first bad one is the
            # first in the file); then every ballot line's count by lookup
            head_index = indices[heads]
            first_at = np.full(len(distinct), len(heads), dtype=np.int64)
            np.minimum.at(first_at, head_index, np.arange(len(heads)))
            used = np.flatnonzero(first_at < len(heads))
            used = used[np.argsort(first_at[used])]
            lookup = np.zeros(len(distinct), dtype=np.int64)
            lookup[used] = parse_counts(pa.array([distinct[d] for d in used], pa.string()),
                                        lines, rows[first_at[used]], self.source, "count")
            values = lookup[head_index]
            self.total.add(values, lines, rows, self.source, "count")
            names = np.flatnonzero(use & ~first)
            name_index = indices[names]
            code = np.full(len(distinct), -1, dtype=np.int64)
            wanted = np.flatnonzero(np.bincount(name_index, minlength=len(distinct)))
            first_at = np.full(len(distinct), len(names), dtype=np.int64)
            np.minimum.at(first_at, name_index, np.arange(len(names)))
            for d in wanted:
                if distinct[d]:
                    code[d] = self.index(distinct[d], lines.number(line[names[first_at[d]]]))
            codes = code[name_index]
            keep = codes >= 0
            place = np.zeros(len(lines), dtype=np.int64)
            place[rows] = np.arange(len(rows))
            owner = place[line[names][keep]]  # the ballot line (index in rows) of each name
            lengths = np.bincount(owner, minlength=len(rows))
            self._add(lines, scatter(codes[keep].astype(np.int32), lengths), values, rows,
                      lengths)
        return np.flatnonzero(awkward & ~special)

    def _slow(self, lines: Lines, text: pa.Array, rows: np.ndarray) -> None:
        rankings, counts = parse_distinct(
            text, rows, lambda line, row: self._ballot(line, lines.number(row)), 1)
        self.total.add(counts, lines, rows, self.source, "count")
        lengths = (rankings != -1).sum(axis=1)
        self._add(lines, rankings, counts, rows, lengths)

    def _add(self, lines: Lines, rankings: np.ndarray, counts: np.ndarray, rows: np.ndarray,
             lengths: np.ndarray) -> None:
        if len(lengths):
            at = int(np.argmax(lengths))
            if lengths[at] > self.widest[0]:
                self.widest = (int(lengths[at]), lines.number(rows[at]))
        self.partials.add(rankings, counts)

    def _ballot(self, line: str, number: int) -> tuple[int, list[int]]:
        vote = _VOTE.match(line)
        if vote is None:
            fail(f"malformed ballot line {line!r}: expected count:A>B>C", self.source, number)
        if len(vote.group(1)) > 18 and int(vote.group(1)) >= 2**63:
            fail(f"count {vote.group(1)} is too large (at most 2^53 in all)", self.source,
                 number, "count")
        ranking = [self._rank(group, number)
                   for group in _split(vote.group(2), ">", self.source, number)]
        return int(vote.group(1)), ranking

    def _rank(self, group: str, number: int) -> int:
        members = _split(group, "=,/", self.source, number)
        if not members:
            fail(f"empty rank in {group!r}", self.source, number)
        indices = []
        for member in members:
            token = member.strip("[]").strip()
            if "/" in group and member.isdigit():
                fail(f"ratings are not supported ({group!r})", self.source, number)
            if not token:
                fail("empty candidate token", self.source, number)
            indices.append(self.index(token, number))
        return self.partials.set_code(indices)


def _read(blocks: Iterator[Lines], source: str) -> BallotFile:
    reader = _Reader(source)
    for lines in blocks:
        reader.block(lines)
    if reader.declared:
        unknown = [(line, t) for t, line in reader.first_use.items() if t not in reader.declared]
        if unknown:
            line, token = min(unknown)
            fail(f"unknown candidate {token!r} (not declared with ={token}:[...])", source,
                 line)
    width, line = reader.widest
    if width > MAX_RANKS:
        fail(f"{width:,} ranks on a ballot; at most {MAX_RANKS:,} are read", source, line)
    if len(reader.names) > MAX_CANDIDATES:
        extra = next(t for t, i in reader.tokens.items() if i == MAX_CANDIDATES)
        fail(f"more than {MAX_CANDIDATES:,} candidates", source, reader.first_use.get(extra))
    if width > len(reader.names):
        fail(f"{width} ranks on a ballot, more than the {len(reader.names)} candidates",
             source, line)
    return BallotFile(
        reader.partials.profile(reader.names),
        source,
        title=reader.metadata.get("title"),
        metadata=reader.metadata,
    )


def _split(body: str, separator: str, source: str, number: int) -> list[str]:
    """Split on a separator outside square brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(body):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char in separator and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    if depth != 0:
        fail(f"unbalanced square brackets in {body!r}", source, number)
    parts.append(body[start:])
    return [p.strip() for p in parts if p.strip()] if body.strip() else []
