"""The encyclopedia article format: `= Title =`, an `Infobox` of `- Key: Value` lines, then
`== Section ==` text with results blocks (`- Name (Party): N votes`, `Total: N votes`).

`parse_located` keeps the line of every parsed value (the record checker reports with them);
`parse` returns the record alone; `write` is its inverse: `parse(write(r)) == r`. Bad input raises
InvalidInput listing every problem with its line; nothing is returned from a file that fails.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from hustings.domain.errors import InvalidInput, Problem
from hustings.domain.record import (
    MONTH_NUMBER,
    Block,
    Paragraph,
    PollDate,
    RecordedCandidate,
    RecordedElection,
    ResultRow,
    ResultsTable,
    Section,
    format_day,
    grouped,
    is_decimal,
    is_number,
    slugify,
)

# Infobox keys hustings understands -> RecordedElection attribute; the rest go to `extra`.
SCALAR_KEYS = {
    "Election Name": "name", "Slug": "slug", "Title": "office", "Election Date": "dates",
    "Electorate": "electorate", "Registered": "registered", "Turnout": "turnout",
    "Before Election": "before", "After Election": "after",
    "Previous Election": "previous_election", "Next Election": "next_election",
}
# Numbered keys (Candidate2, Popular Vote2...) -> RecordedCandidate attribute.
NUMBERED_KEYS = {"Candidate": "name", "Party": "party", "Image": "image",
                 "Popular Vote": "votes", "Percentage": "percentage"}
NUMBER_KEYS = {"Registered", "Popular Vote"}
DECIMAL_KEYS = {"Turnout", "Percentage"}

_TITLE = re.compile(r"=(?!=)\s*(?P<title>.*?)\s*=")
_HEADING = re.compile(r"(?P<eq>={1,6})\s*(?P<heading>.*?)\s*(?P=eq)\s*")
_INFOBOX_LINE = re.compile(r"- (?P<key>[^:]+?)\s*:(?:\s+(?P<value>.*))?")
_NUMBERED = re.compile(r"(?P<base>.*?[^\d\s])\s*(?P<n>\d+)")
_CAPTION = re.compile(r"\s+-\s+(?P<caption>.*?)\*\*\s*")
_ROW = re.compile(r"-\s+(?P<name>[^():]+?)(?:\s+\((?P<party>[^()]*)\))?"
                  r":\s+(?P<votes>\S+)\s+votes?\s*")
_TOTAL = re.compile(r"Total:\s+(?P<votes>\S+)\s+votes?\s*")
_DAY = (r"(?:(?P<d>\d{1,2})\s+(?P<m>[A-Za-z]+),?\s+(?P<y>\d{4})"
        r"|(?P<m2>[A-Za-z]+)\s+(?P<d2>\d{1,2}),?\s+(?P<y2>\d{4}))")
_POLL = re.compile(_DAY + r"(?:\s*\((?P<note>[^()]*)\))?")
_POLL_SEPARATOR = re.compile(r"\s*(?:[,;]|\band\b)?\s*")


@dataclass(frozen=True)
class TableLines:
    caption: int | None
    rows: tuple[int, ...]
    total: int | None


@dataclass(frozen=True)
class SectionLines:
    heading: int | None  # None for the lead
    blocks: tuple[int | TableLines, ...]  # a paragraph's first line, or a table's lines


@dataclass(frozen=True)
class ParsedArticle:
    """A parsed article with the line of everything in it."""

    source: str
    record: RecordedElection
    title_line: int
    keys: dict[str, int]  # Infobox key as written -> line
    candidate_numbers: tuple[int, ...]  # the N of Candidate<N>, per record.candidates
    sections: tuple[SectionLines, ...]

    def key_line(self, key: str) -> int:
        return self.keys.get(key, self.title_line)

    def candidate_key_line(self, index: int, base: str) -> int:
        """The line of `base<N>` (e.g. "Popular Vote2") for the index-th candidate."""
        return self.key_line(f"{base}{self.candidate_numbers[index]}")

    def prose(self) -> list[tuple[int, int, str]]:
        """(line, section index, text) of every prose line."""
        found: list[tuple[int, int, str]] = []
        for i, (section, lines) in enumerate(zip(self.record.sections, self.sections,
                                                 strict=True)):
            for block, where in zip(section.blocks, lines.blocks, strict=True):
                if isinstance(block, Paragraph) and isinstance(where, int):
                    found += [(where + k, i, t) for k, t in enumerate(block.text.split("\n"))]
        return found

    def tables(self) -> list[tuple[int, ResultsTable, TableLines]]:
        """(section index, table, its lines) of every results table."""
        return [(i, block, where)
                for i, (section, lines) in enumerate(zip(self.record.sections, self.sections,
                                                         strict=True))
                for block, where in zip(section.blocks, lines.blocks, strict=True)
                if isinstance(block, ResultsTable) and isinstance(where, TableLines)]


# -- reading -------------------------------------------------------------------------------------


def parse(text: str, source: str = "<article>") -> RecordedElection:
    """Read an article into a RecordedElection."""
    return parse_located(text, source).record


def parse_located(text: str, source: str = "<article>") -> ParsedArticle:
    """Read an article, keeping the line of every value."""
    lines = text.splitlines()
    problems: list[Problem] = []
    i = _skip_blank(lines, 0)
    title_match = _TITLE.fullmatch(lines[i].strip()) if i < len(lines) else None
    if title_match is None or not title_match["title"]:
        raise InvalidInput(Problem("an article starts with its title line, `= Title =`",
                                   source, i + 1 if i < len(lines) else 1))
    title_line = i + 1
    i = _skip_blank(lines, i + 1)
    fields: list[tuple[str, str, int]] = []
    if i < len(lines) and lines[i].strip() == "Infobox":
        i += 1
        while i < len(lines) and lines[i].strip():
            found = _INFOBOX_LINE.fullmatch(lines[i].strip())
            if found is None:
                problems.append(Problem(
                    f"broken Infobox line {lines[i].strip()!r}: expected `- Key: Value`",
                    source, i + 1))
            else:
                fields.append((found["key"], (found["value"] or "").strip(), i + 1))
            i += 1
    sections, section_lines = _read_body(lines, i, source, problems)
    record, numbers = record_from_fields(title_match["title"], fields, sections, source, problems)
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: p.line or 0))
    keys = {key: line for key, _, line in fields}
    return ParsedArticle(source, record, title_line, keys, numbers, tuple(section_lines))


def _skip_blank(lines: Sequence[str], i: int) -> int:
    while i < len(lines) and not lines[i].strip():
        i += 1
    return i


@dataclass
class _Open:
    """The section being read and its last block (a paragraph or a table)."""

    heading: str
    level: int
    heading_line: int | None
    blocks: list[Block] = field(default_factory=list)
    where: list[int | TableLines] = field(default_factory=list)
    para: list[tuple[int, str]] = field(default_factory=list)
    table: ResultsTable | None = None
    table_lines: TableLines | None = None

    def flush_para(self) -> None:
        if self.para:
            self.blocks.append(Paragraph("\n".join(t for _, t in self.para)))
            self.where.append(self.para[0][0])
            self.para = []

    def flush_table(self) -> None:
        if self.table is not None and self.table_lines is not None:
            self.blocks.append(self.table)
            self.where.append(self.table_lines)
        self.table, self.table_lines = None, None

    def section(self) -> tuple[Section, SectionLines]:
        self.flush_para()
        self.flush_table()
        return (Section(self.heading, self.level, tuple(self.blocks)),
                SectionLines(self.heading_line, tuple(self.where)))


def _read_body(lines: Sequence[str], start: int, source: str, problems: list[Problem]
               ) -> tuple[list[Section], list[SectionLines]]:
    sections: list[Section] = []
    located: list[SectionLines] = []
    current = _Open("", 1, None)

    def number_ok(value: str, line: int, what: str) -> bool:
        if is_number(value):
            return True
        problems.append(Problem(f"{what} {value!r} is not a number", source, line, what))
        return False

    for i in range(start, len(lines)):
        raw, n = lines[i].rstrip(), i + 1
        heading = _HEADING.fullmatch(raw)
        if heading and raw.startswith("="):
            if len(heading["eq"]) == 1:
                problems.append(Problem("a second title line; sections use `== Name ==`",
                                        source, n))
                continue
            if current.blocks or current.para or current.table or current.heading_line:
                section, where = current.section()
                sections.append(section)
                located.append(where)
            current = _Open(heading["heading"], len(heading["eq"]), n)
            continue
        if not raw.strip():
            current.flush_para()
            continue
        caption, row, total = _CAPTION.fullmatch(raw), _ROW.fullmatch(raw), _TOTAL.fullmatch(raw)
        if caption:
            current.flush_para()
            current.flush_table()
            current.table = ResultsTable(caption=caption["caption"].strip())
            current.table_lines = TableLines(n, (), None)
        elif row or total:
            current.flush_para()
            table, at = current.table, current.table_lines
            if table is None or at is None or table.total:
                current.flush_table()
                table, at = ResultsTable(), TableLines(None, (), None)
            if row:
                number_ok(row["votes"], n, "votes")
                table = ResultsTable(table.caption, table.rows + (ResultRow(
                    row["name"].strip(), (row["party"] or "").strip(), row["votes"]),),
                    table.total)
                at = TableLines(at.caption, at.rows + (n,), at.total)
            elif total:
                number_ok(total["votes"], n, "Total")
                table = ResultsTable(table.caption, table.rows, total["votes"])
                at = TableLines(at.caption, at.rows, n)
            current.table, current.table_lines = table, at
        else:
            current.flush_table()
            current.para.append((n, raw))
    section, where = current.section()
    if section.blocks or section.heading or where.heading is not None:
        sections.append(section)
        located.append(where)
    return sections, located


def parse_poll_dates(value: str) -> tuple[PollDate, ...]:
    """Read an Election Date value: '4 September 2001 (Initial vote), 26 December 2001 (...)'.
    ValueError if any part of it is not a date."""
    polls: list[PollDate] = []
    pos = 0
    while pos < len(value):
        sep = _POLL_SEPARATOR.match(value, pos)
        pos = sep.end() if sep else pos
        if pos >= len(value):
            break
        found = _POLL.match(value, pos)
        if found is None:
            raise ValueError(f"cannot read a date at {value[pos:]!r}")
        day, month, year = (found["d"] or found["d2"], found["m"] or found["m2"],
                            found["y"] or found["y2"])
        month_number = MONTH_NUMBER.get(month.casefold())
        if month_number is None:
            raise ValueError(f"{month!r} is not a month")
        polls.append(PollDate(date(int(year), month_number, int(day)),
                              (found["note"] or "").strip()))
        pos = found.end()
    return tuple(polls)


def format_poll_dates(polls: Sequence[PollDate]) -> str:
    return ", ".join(f"{format_day(p.day)} ({p.note})" if p.note else format_day(p.day)
                     for p in polls)


def record_from_fields(title: str, fields: Sequence[tuple[str, str, int]],
                       sections: Sequence[Section], source: str, problems: list[Problem]
                       ) -> tuple[RecordedElection, tuple[int, ...]]:
    """Build a record from Infobox (key, value, line) triples, appending problems found.
    Returns the record and the N of each candidate's numbered keys."""
    seen: dict[str, int] = {}
    scalars: dict[str, Any] = {}
    numbered: dict[int, dict[str, str]] = {}
    numbered_lines: dict[int, int] = {}
    extra: dict[str, str] = {}
    for key, value, line in fields:
        if key in seen:
            problems.append(Problem(f"duplicate Infobox key {key!r} (first on line {seen[key]})",
                                    source, line, key))
            continue
        seen[key] = line
        base_match = _NUMBERED.fullmatch(key)
        base = base_match["base"] if base_match else key
        if base in NUMBER_KEYS and value and not is_number(value):
            problems.append(Problem(f"{key} {value!r} is not a number", source, line, key))
        if base in DECIMAL_KEYS and value and not is_decimal(value):
            problems.append(Problem(f"{key} {value!r} is not a number", source, line, key))
        if key in SCALAR_KEYS:
            scalars[SCALAR_KEYS[key]] = value
            if key == "Election Date":
                try:
                    scalars["dates"] = parse_poll_dates(value)
                except ValueError as error:
                    problems.append(Problem(f"Election Date: {error}", source, line, key))
        elif base_match and base in NUMBERED_KEYS:
            n = int(base_match["n"])
            numbered.setdefault(n, {})[NUMBERED_KEYS[base]] = value
            numbered_lines.setdefault(n, line)
        else:
            extra[key] = value
    candidates = []
    for n in sorted(numbered):
        if "name" not in numbered[n]:
            problems.append(Problem(f"numbered keys ending in {n} without Candidate{n}",
                                    source, numbered_lines[n], f"Candidate{n}"))
            continue
        candidates.append(RecordedCandidate(**numbered[n]))
    scalars.setdefault("slug", slugify(title))
    scalars.setdefault("dates", ())
    record = RecordedElection(title=title, candidates=tuple(candidates), sections=tuple(sections),
                              extra=extra, **scalars)
    return record, tuple(n for n in sorted(numbered) if "name" in numbered[n])


# -- writing -------------------------------------------------------------------------------------


def infobox_fields(record: RecordedElection) -> list[tuple[str, str]]:
    """The Infobox as (key, value) pairs; empty known fields are left out, `extra` kept."""
    values = {
        "Election Name": record.name,
        "Slug": record.slug if record.slug != slugify(record.title) else "",
        "Title": record.office, "Election Date": format_poll_dates(record.dates),
        "Electorate": record.electorate, "Registered": record.registered,
        "Turnout": record.turnout,
    }
    pairs = [(k, v) for k, v in values.items() if v]
    for n, c in enumerate(record.candidates, start=1):
        pairs += [(f"{base}{n}", getattr(c, attr)) for base, attr in NUMBERED_KEYS.items()
                  if getattr(c, attr) or attr == "name"]
    tail = {"Before Election": record.before, "After Election": record.after,
            "Previous Election": record.previous_election, "Next Election": record.next_election}
    pairs += [(k, v) for k, v in tail.items() if v]
    return pairs + list(record.extra.items())


def write(record: RecordedElection) -> str:
    """Write a record as an article."""
    out = [f"= {record.title} =", ""]
    fields = infobox_fields(record)
    if fields:
        out += ["Infobox"] + [f"- {k}: {v}".rstrip() for k, v in fields] + [""]
    for section in record.sections:
        if section.heading or section.level != 1:
            marks = "=" * section.level
            out += [f"{marks} {section.heading} {marks}", ""]
        for block in section.blocks:
            out += _write_block(block) + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def _write_block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return block.text.split("\n")
    out = [f"  - {block.caption}**", ""] if block.caption else []
    for row in block.rows:
        party = f" ({row.party})" if row.party else ""
        out.append(f"- {row.name}{party}: {row.votes} votes")
    if block.total:
        out.append(f"Total: {block.total} votes")
    return out


# -- from a run election -------------------------------------------------------------------------


def from_result(result: Mapping[str, Any], *, title: str, dates: Sequence[date | PollDate],
                office: str, party: str = "", before: str = "", after: str | None = None,
                previous_election: str = "", next_election: str = "",
                extra: Mapping[str, str] | None = None) -> RecordedElection:
    """A record of an election hustings ran, from its published result dict (the JSON contract:
    election, registered, valid, turnout, candidates [{name, votes, percentage}], winner...).

    Votes are grouped by thousands, percentages and turnout get a % sign; the text is a Results
    section with the final tally. `after` defaults to the winner.
    """
    candidates = tuple(
        RecordedCandidate(name=str(c["name"]), party=party, votes=grouped(int(c["votes"])),
                          percentage=f"{c['percentage']}%")
        for c in result["candidates"])
    table = ResultsTable(
        caption=title,
        rows=tuple(ResultRow(c.name, party, c.votes) for c in candidates),
        total=grouped(sum(int(c["votes"]) for c in result["candidates"])))
    polls = tuple(d if isinstance(d, PollDate) else PollDate(d) for d in dates)
    winner = result.get("winner")
    return RecordedElection(
        title=title, slug=str(result["election"]), name=title, office=office, dates=polls,
        registered=grouped(int(result["registered"])), turnout=f"{result['turnout']}%",
        candidates=candidates, before=before,
        after=after if after is not None else (str(winner) if winner else ""),
        previous_election=previous_election, next_election=next_election,
        sections=(Section("Results", 2, (table,)),), extra=dict(extra or {}))
