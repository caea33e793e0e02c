"""PrefLib ordinal files: `.soi`, `.toi` (and `.soc`, `.toc`).

    # TITLE: 2009 Burlington Mayoral Election
    # NUMBER ALTERNATIVES: 6
    # ALTERNATIVE NAME 1: Bob Kiss
    840: 5
    1: {1,6},5,2,4,3

Alternatives are numbered from 1. A group in braces is a tie: it becomes an overvote of those
candidates at that rank (one rank for the whole group). Older files use a `count,a,b,c` line
instead of `count: ...`.
"""

from __future__ import annotations

import re
from pathlib import Path

from hustings.formats.cvr_common import BallotFile, fail, profile_from_rows, rank_of, read_text

_HEADER = re.compile(r"^#\s*([A-Z ]+?)\s*(\d+)?\s*:\s*(.*)$")
_ITEM = re.compile(r"\s*(\{[^}]*\}|[^,{}]+)\s*(?:,|$)")


def read_preflib(path: Path | str) -> BallotFile:
    """Read a PrefLib .soi/.toi/.soc/.toc file."""
    path = Path(path)
    return parse_preflib(read_text(path), source=str(path))


def parse_preflib(text: str, source: str = "<preflib>") -> BallotFile:
    """Parse PrefLib text into a profile; the title comes from `# TITLE:`."""
    names: dict[int, str] = {}
    declared: int | None = None
    metadata: dict[str, str] = {}
    rows: list[list[int | tuple[int, ...]]] = []
    counts: list[int] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            header = _HEADER.match(line)
            if header is None:
                continue
            key, index, value = header.group(1), header.group(2), header.group(3).strip()
            if key == "ALTERNATIVE NAME" and index is not None:
                names[int(index)] = value
            elif key == "NUMBER ALTERNATIVES" and value.isdigit():
                declared = int(value)
            else:
                metadata[key.lower()] = value
            continue
        n = declared if declared is not None else len(names)
        if n == 0:
            fail("ballot line before the '# NUMBER ALTERNATIVES' header", source, number)
        count, ranking = _ballot(line, n, source, number)
        rows.append(ranking)
        counts.append(count)
    n = declared if declared is not None else len(names)
    if n == 0:
        fail("no alternatives: expected '# NUMBER ALTERNATIVES: n' and name lines", source, 1)
    candidates = [names.get(i, f"Alternative {i}") for i in range(1, n + 1)]
    return BallotFile(
        profile_from_rows(candidates, rows, counts),
        source,
        title=metadata.get("title") or None,
        metadata=metadata,
    )


def _ballot(
    line: str, n: int, source: str, number: int
) -> tuple[int, list[int | tuple[int, ...]]]:
    if ":" in line:
        head, _, body = line.partition(":")
    else:
        head, _, body = line.partition(",")
    head = head.strip()
    if not head.isdigit():
        fail(f"ballot count must be a whole number, not {head!r}", source, number)
    ranking: list[int | tuple[int, ...]] = []
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
        ranking.append(rank_of(indices))
        position = item.end()
    if len(ranking) > n:
        fail(f"{len(ranking)} ranks on a ballot, more than the {n} alternatives", source, number)
    return int(head), ranking
