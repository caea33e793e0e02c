"""CSV tables a returning officer imports: member rolls, precinct lists and tally sheets.

Every reader validates the whole file and raises InvalidInput listing each problem with the
file, line and column; nothing is returned from a file that fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from hustings.domain.errors import InvalidInput, Problem
from hustings.domain.organisation import Standing
from hustings.domain.polling import Precinct, TallySheet
from hustings.formats.csv_text import csv_header, csv_rows

MEMBER_COLUMNS = ("member_id", "name", "joined", "standing", "precinct")
MAX_PROBLEMS = 50


@dataclass(frozen=True)
class MemberTable:
    """A validated member roll as columns (arrays), ready to stream into the database."""

    member_id: list[str]
    name: list[str]
    joined: np.ndarray  # datetime64[D]
    standing: list[str]
    precinct: list[str | None]

    def __len__(self) -> int:
        return len(self.member_id)


def _header_problems(found: Sequence[str], required: Sequence[str], source: str) -> list[Problem]:
    missing = [c for c in required if c not in found]
    if missing:
        return [Problem(f"missing column(s) {', '.join(missing)}; the header is: "
                        + ",".join(found), source, 1, missing[0])]
    return []


def read_members(data: bytes, source: str) -> MemberTable:
    """Read a member roll CSV (member_id,name,joined,standing,precinct). Vectorised with pyarrow."""
    if not data.strip():
        raise InvalidInput(Problem("the file is empty", source, 1))
    header = csv_header(data.split(b"\n", 1)[0].decode("utf-8-sig", "replace"), source)
    problems = _header_problems(header, MEMBER_COLUMNS[:4], source)
    extra = [h for h in header if h not in MEMBER_COLUMNS]
    if extra:
        problems.append(Problem(f"unknown column(s) {', '.join(extra)}", source, 1, extra[0]))
    if problems:
        raise InvalidInput(problems)
    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            convert_options=pacsv.ConvertOptions(
                column_types={h: pa.string() for h in header}, strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise InvalidInput(Problem(f"malformed CSV: {_arrow_message(exc)}", source)) from None
    problems = []

    def bad_rows(mask: pa.Array | np.ndarray, column: str, message: str) -> None:
        rows = np.flatnonzero(np.asarray(mask, dtype=bool))
        for row in rows[: MAX_PROBLEMS - len(problems)]:
            value = table.column(column)[int(row)].as_py()
            problems.append(Problem(message.format(value=value), source, int(row) + 2, column))

    ids = pc.utf8_trim_whitespace(table.column("member_id"))
    names = pc.utf8_trim_whitespace(table.column("name"))
    bad_rows(pc.equal(ids, ""), "member_id", "empty member id")
    bad_rows(pc.equal(names, ""), "name", "empty name")
    _duplicates(ids, source, problems)
    standing = pc.utf8_lower(pc.utf8_trim_whitespace(table.column("standing")))
    allowed = pa.array([s.value for s in Standing])
    bad_rows(pc.invert(pc.is_in(standing, value_set=allowed)), "standing",
             "standing {value!r} is not one of " + ", ".join(s.value for s in Standing))
    joined_text = pc.utf8_trim_whitespace(table.column("joined"))
    joined = pc.strptime(joined_text, format="%Y-%m-%d", unit="s", error_is_null=True)
    # strptime rolls impossible days over (2020-02-30 -> 2020-03-01): a date must print back
    rolled = pc.fill_null(pc.not_equal(pc.strftime(joined, format="%Y-%m-%d"), joined_text),
                          False)
    bad_rows(pc.or_(pc.is_null(joined), rolled), "joined", "{value!r} is not a date (YYYY-MM-DD)")
    if problems:
        raise InvalidInput(problems)
    if "precinct" in table.column_names:
        precinct_col = pc.utf8_trim_whitespace(table.column("precinct"))
        precinct = [p or None for p in precinct_col.to_pylist()]
    else:
        precinct = [None] * table.num_rows
    return MemberTable(
        member_id=ids.to_pylist(),
        name=names.to_pylist(),
        joined=joined.to_numpy(zero_copy_only=False).astype("datetime64[D]"),
        standing=standing.to_pylist(),
        precinct=precinct,
    )


def _duplicates(ids: pa.ChunkedArray, source: str, problems: list[Problem]) -> None:
    values = np.asarray(ids.to_numpy(zero_copy_only=False), dtype=object)
    uniq, first_index, counts = np.unique(values, return_index=True, return_counts=True)
    for value in uniq[counts > 1][:MAX_PROBLEMS]:
        rows = np.flatnonzero(values == value) + 2
        problems.append(Problem(
            f"duplicate member id {value!r} (lines {', '.join(str(r) for r in rows[:5])})",
            source, int(rows[1]), "member_id"))


def _arrow_message(exc: Exception) -> str:
    return str(exc).split("\n")[0]


def _rows(data: bytes, source: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(Problem(f"not UTF-8 text ({exc.reason})", source)) from None
    rows = [(line, row) for line, row in csv_rows(text, source)
            if any(cell.strip() for cell in row)]
    if not rows:
        raise InvalidInput(Problem("the file is empty", source, 1))
    header = [h.strip() for h in rows[0][1]]
    return header, rows[1:]


def read_precincts(data: bytes, source: str) -> list[Precinct]:
    """Read a precinct list CSV: code,name and, optionally, section (an electoral college's
    section key) and points (a points election's district points, a whole number >= 1)."""
    header, rows = _rows(data, source)
    problems = _header_problems(header, ("code", "name"), source)
    extra = [h for h in header if h not in PRECINCT_COLUMNS]
    if extra:
        problems.append(Problem(f"unknown column(s) {', '.join(extra)}; known: "
                                + ", ".join(PRECINCT_COLUMNS), source, 1, extra[0]))
    if problems:
        raise InvalidInput(problems)
    ci, ni = header.index("code"), header.index("name")
    si = header.index("section") if "section" in header else None
    pi = header.index("points") if "points" in header else None
    out: list[Precinct] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if len(row) != len(header):
            problems.append(Problem(f"{len(row)} fields, the header has {len(header)}",
                                    source, line))
            continue
        code, name = row[ci].strip(), row[ni].strip()
        if not code:
            problems.append(Problem("empty precinct code", source, line, "code"))
        elif code in seen:
            problems.append(Problem(f"duplicate precinct {code!r} (first on line {seen[code]})",
                                    source, line, "code"))
        if not name:
            problems.append(Problem("empty precinct name", source, line, "name"))
        section = row[si].strip() or None if si is not None else None
        points: int | None = None
        if pi is not None and row[pi].strip():
            text = row[pi].strip()
            if not (text.isascii() and text.isdigit()) or int(text) < 1:
                problems.append(Problem(f"points must be a whole number of at least 1, "
                                        f"not {text!r}", source, line, "points"))
            else:
                points = int(text)
        seen.setdefault(code, line)
        out.append(Precinct(code, name, section, points))
    if problems:
        raise InvalidInput(problems)
    return out


PRECINCT_COLUMNS = ("code", "name", "section", "points")
SHEET_FIXED = ("precinct", "registered", "ballots_cast", "blank", "invalid")


def read_tally_sheets(data: bytes, source: str, poll: str,
                      candidates: dict[str, str]) -> list[tuple[int, TallySheet]]:
    """Read tally sheets: precinct,registered,ballots_cast,<one column per candidate>,blank,invalid.

    `candidates` maps every accepted column name (key, name or ballot name) to a candidate key.
    Returns (line, sheet) pairs; arithmetic is checked here, election context by the service.
    """
    header, rows = _rows(data, source)
    problems = _header_problems(header, SHEET_FIXED, source)
    candidate_columns = [h for h in header if h not in SHEET_FIXED]
    for h in candidate_columns:
        if h not in candidates:
            problems.append(Problem(f"unknown candidate column {h!r}", source, 1, h))
    keys = [candidates.get(h, h) for h in candidate_columns]
    if len(set(keys)) != len(keys):
        problems.append(Problem("a candidate has two columns", source, 1))
    missing = sorted(set(candidates.values()) - set(keys))
    if missing:
        problems.append(Problem(f"no column for candidate(s) {', '.join(missing)}", source, 1))
    if problems:
        raise InvalidInput(problems)
    sheets: list[tuple[int, TallySheet]] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if len(row) != len(header):
            problems.append(Problem(f"{len(row)} fields, the header has {len(header)}",
                                    source, line))
            continue
        cells = dict(zip(header, (c.strip() for c in row), strict=True))
        numbers: dict[str, int] = {}
        for column in header:
            if column == "precinct":
                continue
            value = cells[column]
            if not value.lstrip("-").isdigit():
                problems.append(Problem(f"{value!r} is not a whole number", source, line,
                                        column))
                continue
            if int(value) < 0:
                problems.append(Problem(f"{column} is negative ({value})", source, line, column))
                continue
            numbers[column] = int(value)
        precinct = cells["precinct"]
        if not precinct:
            problems.append(Problem("empty precinct", source, line, "precinct"))
        elif precinct in seen:
            problems.append(Problem(f"second sheet for precinct {precinct!r} "
                                    f"(first on line {seen[precinct]})", source, line,
                                    "precinct"))
        seen.setdefault(precinct, line)
        if len(numbers) != len(header) - 1:
            continue
        sheet = TallySheet(
            poll=poll, precinct=precinct, registered=numbers["registered"],
            ballots_cast=numbers["ballots_cast"],
            votes={candidates[c]: numbers[c] for c in candidate_columns},
            blank=numbers["blank"], invalid=numbers["invalid"],
        )
        problems.extend(sheet.problems(source, line))
        sheets.append((line, sheet))
    if problems:
        raise InvalidInput(problems)
    return sheets
