"""hustings' own record format for a RecordedElection, as JSON or TOML (same fields in both).

Read with `json` / `tomllib`, written by hand. `from_json(to_json(r)) == r` and likewise for
TOML. Bad input raises InvalidInput naming the field (`candidates[2].votes`) and, for syntax
errors, the line.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from datetime import date
from typing import Any

from hustings.domain.errors import InvalidInput, Problem
from hustings.domain.record import (
    Block,
    Paragraph,
    PollDate,
    RecordedCandidate,
    RecordedElection,
    ResultRow,
    ResultsTable,
    Section,
    is_decimal,
    is_number,
)

FORMAT = "hustings-record/1"
_TEXT = ("name", "office", "electorate", "registered", "turnout", "before", "after",
         "previous_election", "next_election")
_CANDIDATE = ("name", "party", "image", "votes", "percentage")


# -- to plain data and back ----------------------------------------------------------------------


def to_dict(record: RecordedElection) -> dict[str, Any]:
    """The record as plain data (dates as `date`)."""
    return {
        "format": FORMAT, "title": record.title, "slug": record.slug,
        **{k: getattr(record, k) for k in _TEXT},
        "dates": [{"day": p.day, "note": p.note} for p in record.dates],
        "extra": dict(record.extra),
        "candidates": [{k: getattr(c, k) for k in _CANDIDATE} for c in record.candidates],
        "sections": [{"heading": s.heading, "level": s.level,
                      "blocks": [_block_dict(b) for b in s.blocks]} for s in record.sections],
    }


def _block_dict(block: Block) -> dict[str, Any]:
    if isinstance(block, Paragraph):
        return {"kind": "text", "text": block.text}
    return {"kind": "results", "caption": block.caption, "total": block.total,
            "rows": [{"name": r.name, "party": r.party, "votes": r.votes} for r in block.rows]}


class _Reader:
    """Typed access to plain data that collects a Problem per bad field."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def bad(self, path: str, message: str) -> None:
        self.problems.append(Problem(message, self.source, None, path))

    def text(self, data: Mapping[str, Any], key: str, path: str, required: bool = False) -> str:
        value = data.get(key, None)
        if value is None:
            if required:
                self.bad(path + key, "is missing")
            return ""
        if not isinstance(value, str):
            self.bad(path + key, f"must be a string, not {type(value).__name__}")
            return ""
        return value

    def table(self, value: Any, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.bad(path, "must be a table/object")
            return {}
        return value

    def items(self, data: Mapping[str, Any], key: str, path: str) -> list[Mapping[str, Any]]:
        value = data.get(key, [])
        if not isinstance(value, list):
            self.bad(path + key, "must be a list")
            return []
        return [self.table(v, f"{path}{key}[{i}]") for i, v in enumerate(value, start=1)]

    def figure(self, value: str, path: str, decimal: bool = False) -> str:
        if value and not (is_decimal(value) if decimal else is_number(value)):
            self.bad(path, f"{value!r} is not a number")
        return value


def from_dict(data: Mapping[str, Any], source: str = "<record>") -> RecordedElection:
    """Validate plain data (from JSON or TOML) into a RecordedElection."""
    r = _Reader(source)
    if data.get("format", FORMAT) != FORMAT:
        r.bad("format", f"unknown format {data.get('format')!r}; expected {FORMAT!r}")
    scalars = {k: r.text(data, k, "") for k in _TEXT}
    r.figure(scalars["registered"], "registered")
    r.figure(scalars["turnout"], "turnout", decimal=True)
    dates = []
    for i, d in enumerate(r.items(data, "dates", ""), start=1):
        day = d.get("day")
        if isinstance(day, str):
            try:
                day = date.fromisoformat(day)
            except ValueError:
                r.bad(f"dates[{i}].day", f"{day!r} is not a date (YYYY-MM-DD)")
                continue
        if not isinstance(day, date):
            r.bad(f"dates[{i}].day", "must be a date (YYYY-MM-DD)")
            continue
        dates.append(PollDate(day, r.text(d, "note", f"dates[{i}].")))
    candidates = []
    for i, c in enumerate(r.items(data, "candidates", ""), start=1):
        p = f"candidates[{i}]."
        values = {k: r.text(c, k, p, required=k == "name") for k in _CANDIDATE}
        r.figure(values["votes"], p + "votes")
        r.figure(values["percentage"], p + "percentage", decimal=True)
        candidates.append(RecordedCandidate(**values))
    extra = r.table(data.get("extra", {}), "extra")
    for key, value in extra.items():
        if not isinstance(value, str):
            r.bad(f"extra.{key}", "must be a string")
    sections = [_section(r, s, f"sections[{i}].")
                for i, s in enumerate(r.items(data, "sections", ""), start=1)]
    title = r.text(data, "title", "", required=True)
    slug = r.text(data, "slug", "", required=True)
    if r.problems:
        raise InvalidInput(r.problems)
    return RecordedElection(title=title, slug=slug, dates=tuple(dates),
                            candidates=tuple(candidates), sections=tuple(sections),
                            extra={str(k): str(v) for k, v in extra.items()}, **scalars)


def _section(r: _Reader, data: Mapping[str, Any], path: str) -> Section:
    level = data.get("level", 2)
    if not isinstance(level, int) or isinstance(level, bool) or not 1 <= level <= 6:
        r.bad(path + "level", "must be a whole number from 1 to 6")
        level = 2
    blocks: list[Block] = []
    for i, b in enumerate(r.items(data, "blocks", path), start=1):
        p = f"{path}blocks[{i}]."
        kind = b.get("kind")
        if kind == "text":
            blocks.append(Paragraph(r.text(b, "text", p, required=True)))
        elif kind == "results":
            rows = tuple(
                ResultRow(r.text(row, "name", f"{p}rows[{j}].", required=True),
                          r.text(row, "party", f"{p}rows[{j}]."),
                          r.figure(r.text(row, "votes", f"{p}rows[{j}].", required=True),
                                   f"{p}rows[{j}].votes"))
                for j, row in enumerate(r.items(b, "rows", p), start=1))
            total = r.figure(r.text(b, "total", p), p + "total")
            blocks.append(ResultsTable(r.text(b, "caption", p), rows, total))
        else:
            r.bad(p + "kind", f"must be 'text' or 'results', not {kind!r}")
    return Section(r.text(data, "heading", path), level, tuple(blocks))


# -- JSON ----------------------------------------------------------------------------------------


def to_json(record: RecordedElection) -> str:
    data = to_dict(record)
    data["dates"] = [{"day": p.day.isoformat(), "note": p.note} for p in record.dates]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def from_json(text: str, source: str = "<record.json>") -> RecordedElection:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(Problem(f"not JSON: {error.msg}", source, error.lineno)) from None
    if not isinstance(data, dict):
        raise InvalidInput(Problem("a record is a JSON object", source, 1))
    return from_dict(data, source)


# -- TOML ----------------------------------------------------------------------------------------


def _s(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's, bar DEL)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")


def to_toml(record: RecordedElection) -> str:
    out = [f"format = {_s(FORMAT)}", f"title = {_s(record.title)}", f"slug = {_s(record.slug)}"]
    out += [f"{k} = {_s(getattr(record, k))}" for k in _TEXT]
    polls = ", ".join(f"{{ day = {p.day.isoformat()}, note = {_s(p.note)} }}"
                      for p in record.dates)
    out += [f"dates = [{polls}]", "", "[extra]"]
    out += [f"{_s(k)} = {_s(v)}" for k, v in record.extra.items()]
    for c in record.candidates:
        out += ["", "[[candidates]]"] + [f"{k} = {_s(getattr(c, k))}" for k in _CANDIDATE]
    for section in record.sections:
        out += ["", "[[sections]]", f"heading = {_s(section.heading)}", f"level = {section.level}"]
        for block in section.blocks:
            out += ["", "[[sections.blocks]]"]
            if isinstance(block, Paragraph):
                out += ['kind = "text"', f"text = {_s(block.text)}"]
                continue
            out += ['kind = "results"', f"caption = {_s(block.caption)}",
                    f"total = {_s(block.total)}"]
            for row in block.rows:
                out += ["[[sections.blocks.rows]]", f"name = {_s(row.name)}",
                        f"party = {_s(row.party)}", f"votes = {_s(row.votes)}"]
    return "\n".join(out) + "\n"


def from_toml(text: str, source: str = "<record.toml>") -> RecordedElection:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"at line (\d+)", str(error))
        raise InvalidInput(Problem(f"not TOML: {error}", source,
                                   int(found[1]) if found else None)) from None
    return from_dict(data, source)
