"""MediaWiki wikitext: `{{Infobox election}}`, the text, and results as `{{Election box ...}}`.

`write` produces a page body; `parse` reads back what `write` produces (`parse(write(r)) == r`),
not arbitrary wikitext. The title travels as `{{DISPLAYTITLE:...}}`; a slug that is not the
title's own as a `<!-- hustings-slug: ... -->` comment. Infobox keys map to template parameters
as "Popular Vote1" <-> `popular_vote1`; a key that does not survive that mapping is written as
is, after a `<!-- hustings-raw-key -->` line.
"""

from __future__ import annotations

import re

from hustings.domain.errors import InvalidInput, Problem
from hustings.domain.record import (
    Block,
    Paragraph,
    RecordedElection,
    ResultRow,
    ResultsTable,
    Section,
    is_number,
    number,
    slugify,
)
from hustings.domain.rounding import percent
from hustings.formats.article import infobox_fields, record_from_fields

_PARAM = re.compile(r"\s*\|\s*(?P<name>[^=]+?)\s*=\s?(?P<value>.*)")
_HEADING = re.compile(r"(?P<eq>={2,6})\s*(?P<heading>.*?)\s*(?P=eq)\s*")
_TITLE = re.compile(r"\{\{DISPLAYTITLE:(?P<title>.*)\}\}")
_SLUG = re.compile(r"<!-- hustings-slug: (?P<slug>.*) -->")
RAW_KEY = "<!-- hustings-raw-key -->"  # the next parameter's name is the Infobox key itself
_BOX_BEGIN = re.compile(r"\{\{Election box begin\s*\|\s*title\s*=\s?(?P<title>.*)\}\}")


def param_name(key: str) -> str:
    """'Popular Vote1' -> 'popular_vote1'."""
    return key.lower().replace(" ", "_")


def key_name(param: str) -> str:
    """'popular_vote1' -> 'Popular Vote1'."""
    return " ".join(w[:1].upper() + w[1:] for w in param.split("_"))


def _param_lines(key: str, value: str) -> list[str]:
    name = param_name(key)
    if key_name(name) == key:
        return [f"| {name} = {_escape(value)}".rstrip()]
    raw = _escape(key).replace("=", "&#61;")
    return [RAW_KEY, f"| {raw} = {_escape(value)}".rstrip()]


def _escape(value: str) -> str:
    return value.replace("|", "{{!}}")


def _unescape(value: str) -> str:
    return value.replace("{{!}}", "|")


def write(record: RecordedElection) -> str:
    """Write a record as a wikitext page body."""
    out = [f"{{{{DISPLAYTITLE:{record.title}}}}}"]
    if record.slug != slugify(record.title):
        out.append(f"<!-- hustings-slug: {record.slug} -->")
    published = {c.name: c.percentage for c in record.candidates if c.percentage}
    out.append("{{Infobox election")
    out += [line for k, v in infobox_fields(record) if k != "Slug" for line in _param_lines(k, v)]
    out += ["}}", ""]
    for section in record.sections:
        if section.heading or section.level != 1:
            marks = "=" * section.level
            out += [f"{marks} {section.heading} {marks}", ""]
        for block in section.blocks:
            out += _write_block(block, published) + [""]
    return "\n".join(out).rstrip("\n") + "\n"


def _write_block(block: Block, published: dict[str, str]) -> list[str]:
    """A paragraph, or a results table as an election box. A candidate's percentage is the
    published one (`percentage1` of the Infobox) when the record has it, else their share of
    the table's votes; the total's is 100% when it is their sum."""
    if isinstance(block, Paragraph):
        return block.text.split("\n")
    whole = sum(number(r.votes) for r in block.rows if is_number(r.votes))
    out = [f"{{{{Election box begin |title={_escape(block.caption)}}}}}"]
    for row in block.rows:
        share = published.get(row.name, "")
        if not share and whole and is_number(row.votes):
            share = percent(number(row.votes), whole) + "%"
        out += ["{{Election box candidate", f" |party      = {_escape(row.party)}".rstrip(),
                f" |candidate  = {_escape(row.name)}", f" |votes      = {row.votes}",
                f" |percentage = {share}".rstrip(), " |change     =", "}}"]
    if block.total:
        out += ["{{Election box total", f" |votes      = {block.total}",
                " |percentage = 100%" if whole and is_number(block.total)
                and number(block.total) == whole else " |percentage =", " |change     =", "}}"]
    return out + ["{{Election box end}}"]


def parse(text: str, source: str = "<wikitext>") -> RecordedElection:
    """Read a page body written by `write`."""
    lines = text.splitlines()
    problems: list[Problem] = []
    i = 0
    title_match = _TITLE.fullmatch(lines[0].strip()) if lines else None
    if title_match is None:
        raise InvalidInput(Problem("expected {{DISPLAYTITLE:...}} on the first line", source, 1))
    title, i = title_match["title"], 1
    slug_match = _SLUG.fullmatch(lines[i].strip()) if i < len(lines) else None
    if slug_match:
        i += 1
    fields: list[tuple[str, str, int]] = []
    if i < len(lines) and lines[i].strip() == "{{Infobox election":
        i, params = _read_params(lines, i + 1, source, problems)
        fields = [(_unescape(name).replace("&#61;", "=") if raw else key_name(name),
                   _unescape(value), line) for name, value, line, raw in params]
    if slug_match:
        fields.append(("Slug", slug_match["slug"], 2))
    sections = _read_body(lines, i, source, problems)
    record, _ = record_from_fields(title, fields, sections, source, problems)
    if problems:
        raise InvalidInput(problems)
    return record


def _read_params(lines: list[str], i: int, source: str, problems: list[Problem]
                 ) -> tuple[int, list[tuple[str, str, int, bool]]]:
    """Read `| name = value` lines up to a closing `}}`; returns the next line's index and
    (name, value, line, whether the name is a raw key) per parameter."""
    params: list[tuple[str, str, int, bool]] = []
    raw = False
    while i < len(lines) and lines[i].strip() != "}}":
        if lines[i].strip() == RAW_KEY:
            raw, i = True, i + 1
            continue
        found = _PARAM.fullmatch(lines[i])
        if found is None:
            problems.append(Problem(f"expected `| name = value`, got {lines[i].strip()!r}",
                                    source, i + 1))
        else:
            params.append((found["name"], found["value"].strip(), i + 1, raw))
        raw = False
        i += 1
    if i >= len(lines):
        problems.append(Problem("a template is not closed with }}", source, i))
    return i + 1, params


def _read_body(lines: list[str], i: int, source: str, problems: list[Problem]) -> list[Section]:
    sections: list[Section] = []
    heading, level, blocks, para = "", 1, list[Block](), list[str]()
    started = False

    def flush() -> None:
        if para:
            blocks.append(Paragraph("\n".join(para)))
            para.clear()

    while i < len(lines):
        raw = lines[i].rstrip()
        found = _HEADING.fullmatch(raw)
        box = _BOX_BEGIN.fullmatch(raw.strip())
        if found and raw.startswith("=="):
            flush()
            if blocks or started:
                sections.append(Section(heading, level, tuple(blocks)))
            heading, level, blocks, started = found["heading"], len(found["eq"]), [], True
        elif box:
            flush()
            i, table = _read_box(lines, i + 1, _unescape(box["title"].strip()), source, problems)
            blocks.append(table)
            continue
        elif not raw.strip():
            flush()
        else:
            para.append(raw)
        i += 1
    flush()
    if blocks or started:
        sections.append(Section(heading, level, tuple(blocks)))
    return sections


def _read_box(lines: list[str], i: int, caption: str, source: str, problems: list[Problem]
              ) -> tuple[int, ResultsTable]:
    rows: list[ResultRow] = []
    total = ""
    while i < len(lines) and lines[i].strip() != "{{Election box end}}":
        kind = lines[i].strip()
        if kind not in ("{{Election box candidate", "{{Election box total"):
            problems.append(Problem(f"unexpected line in an election box: {kind!r}", source, i + 1))
            i += 1
            continue
        start = i + 1
        i, params = _read_params(lines, i + 1, source, problems)
        values = {name: _unescape(value) for name, value, _, _ in params}
        at = {name: line for name, _, line, _ in params}
        votes = values.get("votes", "")
        if not is_number(votes):
            problems.append(Problem(f"votes {votes!r} is not a number", source,
                                    at.get("votes", start), "votes"))
        if kind == "{{Election box total":
            total = votes
        else:
            rows.append(ResultRow(values.get("candidate", ""), values.get("party", ""), votes))
    if i >= len(lines):
        problems.append(Problem("an election box is not closed with {{Election box end}}",
                                source, i))
    return i + 1, ResultsTable(caption, tuple(rows), total)
