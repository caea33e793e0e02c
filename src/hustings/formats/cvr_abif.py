"""ABIF (Aggregated Ballot Information Format) ranked ballots.

    {title: "2009 Burlington mayoral election"}
    =Kiss:[Bob Kiss (Progressive)]
    840:Wright
    355:Kiss>Montroll
    3:Write-in=Wright>Montroll

Candidates are declared with `=Token:[Full Name]` (the full name is what results show); a file
without declarations names them by bare or bracketed tokens in its ballot lines. `>` separates
ranks; `=` joins tied candidates (an overvote of those candidates at that rank); `/` (approval,
unranked) marks are read the same way. Ratings (`Kiss/5`) are not supported. `#` starts a
comment; `{key: value}` lines are metadata.
"""

from __future__ import annotations

import re
from pathlib import Path

from hustings.formats.cvr_common import BallotFile, fail, profile_from_rows, rank_of, read_text

_DECLARE = re.compile(r"^=\s*(\[[^\]]*\]|[^:\s]+)\s*:\s*\[(.*)\]\s*$")
_META = re.compile(r"^\{\s*([\w-]+)\s*:\s*(.*?)\s*\}$")
_VOTE = re.compile(r"^(\d+)\s*[:*]\s*(.*)$")


def read_abif(path: Path | str) -> BallotFile:
    """Read an ABIF file."""
    path = Path(path)
    return parse_abif(read_text(path), source=str(path))


def parse_abif(text: str, source: str = "<abif>") -> BallotFile:
    """Parse ABIF text into a profile; candidates in order of declaration, then appearance."""
    tokens: dict[str, int] = {}
    names: list[str] = []
    metadata: dict[str, str] = {}
    rows: list[list[int | tuple[int, ...]]] = []
    counts: list[int] = []
    declared = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw).strip()
        if not line:
            continue
        if line.startswith("{"):
            meta = _META.match(line)
            if meta is None:
                fail(f"malformed metadata line {line!r}", source, number)
            metadata[meta.group(1)] = meta.group(2).strip('"')
            continue
        if line.startswith("="):
            declare = _DECLARE.match(line)
            if declare is None:
                fail(f"malformed candidate line {line!r}: expected =Token:[Full Name]",
                     source, number)
            declared = True
            token = declare.group(1).strip("[]")
            if token not in tokens:
                tokens[token] = len(names)
                names.append(declare.group(2))
            continue
        vote = _VOTE.match(line)
        if vote is None:
            fail(f"malformed ballot line {line!r}: expected count:A>B>C", source, number)
        ranking = [
            _rank(group, tokens, names, bool(names) and declared, source, number)
            for group in _split(vote.group(2), ">", source, number)
        ]
        rows.append(ranking)
        counts.append(int(vote.group(1)))
    for row in rows:
        if len(row) > len(names):
            fail(f"{len(row)} ranks on a ballot, more than the {len(names)} candidates", source)
    return BallotFile(
        profile_from_rows(names, rows, counts),
        source,
        title=metadata.get("title"),
        metadata=metadata,
    )


def _strip_comment(line: str) -> str:
    depth = 0
    for i, char in enumerate(line):
        if char == "[":
            depth += 1
        elif char == "]":
            depth = max(depth - 1, 0)
        elif char == "#" and depth == 0:
            return line[:i]
    return line


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


def _rank(
    group: str,
    tokens: dict[str, int],
    names: list[str],
    declared: bool,
    source: str,
    number: int,
) -> int | tuple[int, ...]:
    members = _split(group, "=,/", source, number)
    if not members:
        fail(f"empty rank in {group!r}", source, number)
    indices = []
    for member in members:
        token = member.strip("[]").strip()
        if "/" in group and member.isdigit():
            fail(f"ratings are not supported ({group!r})", source, number)
        if not token:
            fail("empty candidate token", source, number)
        if token not in tokens:
            if declared:
                fail(f"unknown candidate {token!r} (not declared with ={token}:[...])",
                     source, number)
            tokens[token] = len(names)
            names.append(token)
        indices.append(tokens[token])
    return rank_of(indices)
