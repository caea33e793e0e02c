"""BLT ballot files (ERS / OpenSTV / droop).

    ncandidates nseats
    -2 -5                      optional: withdrawn candidates, as negative numbers
    [tie 3 2 1]                optional bracketed options (kept in metadata)
    weight c1 c2 ... 0         one line per ballot (or group of identical ballots)
    0                          end of ballots
    "Name 1"                   one quoted name per candidate, in number order
    "Title"

Candidates are numbered from 1. `2=3` at a rank (a tie) is read as an overvote, `-` as a skipped
rank. Withdrawn candidates are removed from the profile: ballots pass over them.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path

from hustings.formats.cvr_common import (
    EMPTY,
    BallotFile,
    drop_candidates,
    fail,
    profile_from_rows,
    rank_of,
    read_text,
)

_OPTION = re.compile(r"^\[(\w+)\s*(.*?)\s*\]$")


def read_blt(path: Path | str) -> BallotFile:
    """Read a BLT file."""
    path = Path(path)
    return parse_blt(read_text(path), source=str(path))


def parse_blt(text: str, source: str = "<blt>") -> BallotFile:
    """Parse BLT text into a profile, its seats, title and withdrawn candidates."""
    lines = _lines(text)
    number, first = next(lines, (1, ""))
    head = first.split()
    if len(head) < 2 or not all(_is_int(t) for t in head):
        fail("first line must be 'candidates seats' (two whole numbers)", source, number)
    n_candidates, seats = int(head[0]), int(head[1])
    if n_candidates < 1 or seats < 1:
        fail("the numbers of candidates and seats must be at least 1", source, number)
    withdrawn = {-int(t) for t in head[2:]}
    metadata: dict[str, str] = {}
    rows: list[list[int | tuple[int, ...]]] = []
    counts: list[int] = []
    for number, line in lines:
        option = _OPTION.match(line)
        if option:
            metadata[option.group(1)] = option.group(2)
            continue
        tokens = line.split()
        if not rows and tokens and all(_is_int(t) and int(t) < 0 for t in tokens):
            withdrawn.update(-int(t) for t in tokens)
            continue
        if tokens == ["0"]:
            break
        weight, ranking = _ballot(tokens, n_candidates, source, number)
        rows.append(ranking)
        counts.append(weight)
    else:
        fail("missing the '0' line that ends the ballots", source, number)
    names = _names(lines, n_candidates, source, number)
    title = names.pop() if len(names) > n_candidates else None
    for w in sorted(withdrawn):
        if not 1 <= w <= n_candidates:
            fail(f"withdrawn candidate {w} is not between 1 and {n_candidates}", source, 1)
    profile = profile_from_rows(names, rows, counts)
    if withdrawn:
        profile = drop_candidates(profile, sorted(w - 1 for w in withdrawn))
    return BallotFile(
        profile,
        source,
        title=title,
        seats=seats,
        withdrawn=tuple(names[w - 1] for w in sorted(withdrawn)),
        metadata=metadata,
    )


def _lines(text: str) -> Iterator[tuple[int, str]]:
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip() if not raw.lstrip().startswith('"') else raw.strip()
        if line:
            yield number, line


def _is_int(token: str) -> bool:
    return token.lstrip("-").isdigit()


def _ballot(
    tokens: list[str], n_candidates: int, source: str, number: int
) -> tuple[int, list[int | tuple[int, ...]]]:
    if tokens and tokens[0].startswith("("):  # optional ballot id: (id) weight ...
        tokens = tokens[1:]
    if not tokens or not tokens[0].isdigit():
        fail(f"ballot weight must be a whole number, not {tokens[0] if tokens else ''!r}",
             source, number)
    if tokens[-1] != "0":
        fail("ballot line must end with 0", source, number)
    ranking: list[int | tuple[int, ...]] = []
    for token in tokens[1:-1]:
        if token == "-":
            ranking.append(EMPTY)
            continue
        parts = token.split("=")
        for part in parts:
            if not part.isdigit():
                fail(f"expected a candidate number, found {part!r}", source, number)
            if not 1 <= int(part) <= n_candidates:
                fail(f"unknown candidate {part}: candidates are numbered 1 to {n_candidates}",
                     source, number)
        ranking.append(rank_of([int(p) - 1 for p in parts]))
    if len(ranking) > n_candidates:
        fail(f"{len(ranking)} rankings on a ballot, more than the {n_candidates} candidates",
             source, number)
    return int(tokens[0]), ranking


def _names(
    lines: Iterator[tuple[int, str]], n_candidates: int, source: str, last: int
) -> list[str]:
    names: list[str] = []
    for number, line in lines:
        last = number
        try:
            parts = shlex.split(line)
        except ValueError:
            fail(f"unbalanced quotes in {line!r}", source, number)
        names.extend(parts)
    if len(names) < n_candidates:
        fail(f"expected {n_candidates} candidate names after the ballots, found {len(names)}",
             source, last)
    if len(names) > n_candidates + 1:
        fail(f"expected {n_candidates} names and a title, found {len(names)} strings",
             source, last)
    return names
