"""The record consistency checker: what articles about a chain of elections say against each other.

`check(files)` reads each (name, text) as an article and reports, with its line, every
disagreement it can establish: within a file (Infobox dates against the text, percentages against
votes, totals against sums, margins against tallies, years against titles) and across files (the
chain of Previous/Next Election, Before/After Election, and events dated after the election that
followed). A claim with no figures to check it against is reported as *unverifiable*.
Prose dates are read with simple regexes; the heuristics are documented in docs/record.md.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from hustings.domain.errors import InvalidInput, Problem
from hustings.domain.record import (
    MONTH_NUMBER,
    MONTHS,
    RecordedElection,
    decimals,
    final_holder,
    format_day,
    grouped,
    in_order,
    is_number,
    number,
    parse_holders,
    same_person,
    winner,
)
from hustings.domain.rounding import percent
from hustings.formats.article import ParsedArticle, parse_located


class Severity(enum.StrEnum):
    ERROR = "error"  # a contradiction
    UNVERIFIABLE = "unverifiable"  # a claim with nothing given to check it against
    WARNING = "warning"  # suspicious, not provably wrong


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        prefix = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
        return f"{self.file}:{self.line}: {prefix}{self.message}"


def check(files: Sequence[tuple[str, str]]) -> list[Finding]:
    """Check articles (name, text) alone and against each other. InvalidInput if any fails to
    parse (every file's problems together)."""
    parsed: list[ParsedArticle] = []
    problems: list[Problem] = []
    for name, text in files:
        try:
            parsed.append(parse_located(text, name))
        except InvalidInput as error:
            problems += error.problems
    if problems:
        raise InvalidInput(problems)
    findings = [f for a in parsed for f in check_article(a)] + check_chain(parsed)
    order = {a.source: i for i, a in enumerate(parsed)}
    return sorted(findings, key=lambda f: (order.get(f.file, len(order)), f.line))


# -- dates in prose ------------------------------------------------------------------------------

_M = "|".join(MONTHS)
_PROSE_DATE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}})\s+(?P<m1>{_M})(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<m2>{_M})\s+(?P<d2>\d{{1,2}})\b(?:,\s*(?P<y2>\d{{4}}))?"
    rf"|(?P<m3>{_M})\s+(?P<y3>\d{{4}}))\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_HOLDING = re.compile(r"\b(held|hold|took place|take place|voting|voted)\b", re.IGNORECASE)
_ABOUT_VOTE = re.compile(r"\b(leadership|the election|the vote|re-?vote|redo|voting)\b",
                         re.IGNORECASE)
_OTHER_ELECTION = re.compile(r"\b(legislative|general|parliamentary|prime ministerial|"
                             r"presidential|municipal|local)\s+election", re.IGNORECASE)
_DEPARTURE = re.compile(r"\b(resign\w*|stepped down|steps? down|replaced|ousted|removed|"
                        r"retire\w*|died|deposed)\b", re.IGNORECASE)
_MARGIN = re.compile(r"\b(?:by\s+a\s+margin\s+of|margin\s+of|by)\s+(?P<n>\d{1,3}(?:,\d{3})+|\d+)"
                     r"\s+votes\b", re.IGNORECASE)


@dataclass(frozen=True)
class ProseDate:
    """A date read from prose, to the day or to the month; `after_on` if introduced by 'on';
    `inferred` when the text gave no year."""

    year: int
    month: int
    day: int | None
    after_on: bool
    inferred: bool = False

    @property
    def first(self) -> date:
        return date(self.year, self.month, self.day or 1)

    @property
    def last(self) -> date:
        if self.day:
            return self.first
        following = date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return following - timedelta(days=1)

    def __str__(self) -> str:
        if self.day:
            return format_day(self.first)
        return f"{MONTHS[self.month - 1]} {self.year}"


def prose_dates(text: str, default_year: int | None) -> list[ProseDate]:
    """Dates in a sentence or paragraph. A day without a year takes the year of the last full
    date before it, else `default_year` (skipped when that is None)."""
    found: list[ProseDate] = []
    year = default_year
    for m in _PROSE_DATE.finditer(text):
        after_on = bool(re.search(r"\bon\s+$", text[:m.start()], re.IGNORECASE))
        if m["m3"]:
            found.append(ProseDate(int(m["y3"]), MONTH_NUMBER[m["m3"].casefold()], None,
                                   after_on))
            continue
        day, month = int(m["d1"] or m["d2"]), MONTH_NUMBER[(m["m1"] or m["m2"]).casefold()]
        explicit = m["y1"] or m["y2"]
        if explicit:
            year = int(explicit)
        if year is None:
            continue
        found.append(ProseDate(int(explicit) if explicit else year, month, day, after_on,
                               not explicit))
    return [d for d in found if _valid(d)]


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _valid(d: ProseDate) -> bool:
    try:
        return d.first <= d.last
    except ValueError:  # 31 February: not a date
        return False


def sentences(article: ParsedArticle) -> Iterator[tuple[int, int, str]]:
    """(line, section index, sentence) of the prose."""
    for line, section, text in article.prose():
        for sentence in _SENTENCE.split(text):
            yield line, section, sentence


def dated_sentences(article: ParsedArticle) -> Iterator[tuple[int, str, list[ProseDate]]]:
    """(line, sentence, its dates); a day without a year takes the year of the last full date
    earlier on the line, else the election's."""
    for line, _, text in article.prose():
        year = _year(article.record)
        for sentence in _SENTENCE.split(text):
            dates = prose_dates(sentence, year)
            year = next((d.year for d in reversed(dates) if d.day), year)
            yield line, sentence, dates


def _year(record: RecordedElection) -> int | None:
    return record.first_day.year if record.first_day else None


# -- within one article --------------------------------------------------------------------------


def check_article(a: ParsedArticle) -> list[Finding]:
    """Every check that needs one article only."""
    return (_election_dates(a) + _percentages(a) + _totals(a) + _rows_against_infobox(a)
            + _margins(a) + _years(a) + _after_periods(a))


def _election_dates(a: ParsedArticle) -> list[Finding]:
    """Infobox Election Date against the dates the text gives the vote."""
    record = a.record
    if not record.dates:
        return []
    infobox = {p.day for p in record.dates}
    stated: dict[date, list[int]] = {}
    election_year = _year(record) or 1
    for line, sentence, dates in dated_sentences(a):
        if not (_HOLDING.search(sentence) and _ABOUT_VOTE.search(sentence)):
            continue
        if _OTHER_ELECTION.search(sentence):
            continue
        for d in dates:
            if not (d.day and d.after_on):
                continue
            years = {d.year, d.year + 1, election_year} if d.inferred else {d.year}
            if not infobox & {day for y in years if (day := _day(y, d.month, d.day))}:
                year = election_year if d.inferred else d.year
                stated.setdefault(_day(year, d.month, d.day) or d.first, []).append(line)
    listed = ", ".join(format_day(p.day) for p in record.dates)
    return [Finding(a.source, a.key_line("Election Date"), Severity.ERROR,
                    f"Election Date {listed} differs from the text, which dates the vote "
                    f"{format_day(day)} (line{'s' if len(lines) > 1 else ''} "
                    f"{', '.join(map(str, sorted(set(lines))))})")
            for day, lines in sorted(stated.items())]


def _votes(a: ParsedArticle) -> list[int] | None:
    """The Infobox votes of every candidate, or None unless all are given."""
    cs = a.record.candidates
    if not cs or not all(is_number(c.votes) for c in cs):
        return None
    return [number(c.votes) for c in cs]


def _percentages(a: ParsedArticle) -> list[Finding]:
    votes = _votes(a)
    if votes is None:
        return []
    total = sum(votes)
    found = []
    for i, (c, v) in enumerate(zip(a.record.candidates, votes, strict=True)):
        if not c.percentage:
            continue
        places = decimals(c.percentage)
        expected = percent(v, total, places)
        if Decimal(c.percentage.rstrip("%").replace(",", "")) != Decimal(expected):
            n = a.candidate_numbers[i]
            found.append(Finding(
                a.source, a.candidate_key_line(i, "Percentage"), Severity.ERROR,
                f"Percentage{n} {c.percentage} does not match {c.name}'s {c.votes} of "
                f"{grouped(total)} votes ({expected}% at {places} decimals)"))
    return found


def _totals(a: ParsedArticle) -> list[Finding]:
    found = []
    votes = _votes(a)
    for _, table, lines in a.tables():
        if not table.total or lines.total is None:
            continue
        stated = number(table.total)
        if table.rows:
            added = sum(number(r.votes) for r in table.rows)
            what = "the rows above it add up to"
        elif votes is not None:
            added = sum(votes)
            what = ("the candidates' votes in the Infobox add up to "
                    if len(votes) > 1 else "the Infobox gives ")
            what += f"{' + '.join(grouped(v) for v in votes)} ="
        else:
            continue
        if added != stated:
            found.append(Finding(a.source, lines.total, Severity.ERROR,
                                 f"Total: {table.total} votes, but {what} {grouped(added)}"))
    return found


def _rows_against_infobox(a: ParsedArticle) -> list[Finding]:
    """The final results table (the last with rows) against the Infobox's Popular Votes."""
    tables = [(t, lines) for _, t, lines in a.tables() if t.rows]
    if not tables or not a.record.candidates:
        return []
    table, lines = tables[-1]
    found = []
    for row, line in zip(table.rows, lines.rows, strict=True):
        match = [(i, c) for i, c in enumerate(a.record.candidates) if same_person(c.name, row.name)]
        if not match:
            found.append(Finding(a.source, line, Severity.WARNING,
                                 f"{row.name} is in the results but not among the Infobox's "
                                 "candidates"))
            continue
        i, c = match[0]
        if c.votes and is_number(c.votes) and number(c.votes) != number(row.votes):
            found.append(Finding(
                a.source, line, Severity.ERROR,
                f"{row.name}: {row.votes} votes here, {c.votes} in the Infobox "
                f"(line {a.candidate_key_line(i, 'Popular Vote')})"))
    return found


def _margins(a: ParsedArticle) -> list[Finding]:
    """'by a margin of N votes' against the tally of the same section (the lead: the Infobox)."""
    found = []
    for line, section, sentence in sentences(a):
        for m in _MARGIN.finditer(sentence):
            claimed = number(m["n"])
            tally = [number(t.rows[k].votes) for i, t, _ in a.tables() if i == section
                     for k in range(len(t.rows))]
            if not tally and section == 0:
                tally = _votes(a) or []
            heading = a.record.sections[section].heading or "lead"
            if len(tally) < 2:
                elsewhere = [f"{a.record.sections[i].heading or 'the lead'} (line "
                             f"{(lines.rows or (lines.caption,))[0]})"
                             for i, t, lines in a.tables() if i != section and t.rows]
                found.append(Finding(
                    a.source, line, Severity.UNVERIFIABLE,
                    f"a margin of {m['n']} votes, but the {heading} section gives no vote "
                    "figures to check it against"
                    + (f"; the figures given are under {', '.join(elsewhere)}"
                       if elsewhere else "")))
                continue
            top = sorted(tally, reverse=True)
            if top[0] - top[1] != claimed:
                found.append(Finding(
                    a.source, line, Severity.ERROR,
                    f"a margin of {m['n']} votes, but the figures given put it at "
                    f"{grouped(top[0] - top[1])} ({grouped(top[0])} - {grouped(top[1])})"))
    return found


def _leading_year(text: str) -> int | None:
    found = re.match(r"\s*(\d{4})\b", text)
    return int(found[1]) if found else None


def _years(a: ParsedArticle) -> list[Finding]:
    """Years in the title, Previous/Next Year and Previous/Next Election agree."""
    r, found = a.record, []
    title_year, date_year = _leading_year(r.title), _year(r)
    if title_year and date_year and title_year != date_year:
        found.append(Finding(a.source, a.key_line("Election Date"), Severity.ERROR,
                             f"Election Date is in {date_year}, the title says {title_year}"))
    for side, title in (("Previous", r.previous_election), ("Next", r.next_election)):
        stated = r.extra.get(f"{side} Year", "")
        year, named = _leading_year(stated), _leading_year(title)
        if year and named and year != named:
            found.append(Finding(a.source, a.key_line(f"{side} Year"), Severity.ERROR,
                                 f"{side} Year {stated} but {side} Election is {title!r}"))
    if r.name and r.name != r.title:
        found.append(Finding(a.source, a.key_line("Election Name"), Severity.WARNING,
                             f"Election Name {r.name!r} differs from the title {r.title!r}"))
    return found


def _after_periods(a: ParsedArticle) -> list[Finding]:
    """A holder the After Election field dates from a month should start at a poll of it."""
    polls = {(p.day.year, p.day.month) for p in a.record.dates}
    if not polls:
        return []
    return [Finding(a.source, a.key_line("After Election"), Severity.WARNING,
                    f"After Election has {m.name} from {MONTHS[m.start[1] - 1]} {m.start[0]}, "
                    "but no Election Date falls in that month")
            for m in parse_holders(a.record.after) if m.start and m.start not in polls]


# -- across articles -----------------------------------------------------------------------------


def _same_title(a: str, b: str) -> bool:
    return bool(a) and same_person(a, b)


def check_chain(articles: Sequence[ParsedArticle]) -> list[Finding]:
    """Consecutive elections of each office (by date) against each other."""
    by_record = {id(a.record): a for a in articles}
    titles = {a.record.title.casefold(): a for a in articles}
    found: list[Finding] = []
    dated = [e for e in in_order(a.record for a in articles) if e.first_day]
    for office in dict.fromkeys(e.office for e in dated):
        chain = [by_record[id(e)] for e in dated if e.office == office]
        for earlier, later in zip(chain, chain[1:], strict=False):
            found += _pair(earlier, later, titles)
    return found


def _pair(a: ParsedArticle, b: ParsedArticle, titles: dict[str, ParsedArticle]
          ) -> list[Finding]:
    ra, rb = a.record, b.record
    found: list[Finding] = []
    named_next = titles.get(ra.next_election.casefold())
    if named_next is not None and named_next is not b:
        found.append(Finding(a.source, a.key_line("Next Election"), Severity.ERROR,
                             f"Next Election is {ra.next_election!r}, but {rb.title!r} "
                             f"({b.source}) was held between them"))
    named_previous = titles.get(rb.previous_election.casefold())
    if named_previous is not None and named_previous is not a:
        found.append(Finding(b.source, b.key_line("Previous Election"), Severity.ERROR,
                             f"Previous Election is {rb.previous_election!r}, but {ra.title!r} "
                             f"({a.source}) was held between them"))
    linked = _same_title(ra.next_election, rb.title) or _same_title(rb.previous_election, ra.title)
    if not linked:
        return found  # not known to be consecutive: the files given may skip an election
    if ra.next_election and named_next is None and not _same_title(ra.next_election, rb.title):
        found.append(Finding(a.source, a.key_line("Next Election"), Severity.ERROR,
                             f"Next Election is {ra.next_election!r}, but {rb.title!r} "
                             f"({b.source}) names this election as its previous"))
    if (rb.previous_election and named_previous is None
            and not _same_title(rb.previous_election, ra.title)):
        found.append(Finding(b.source, b.key_line("Previous Election"), Severity.ERROR,
                             f"Previous Election is {rb.previous_election!r}, but {ra.title!r} "
                             f"({a.source}) names this election as its next"))
    next_year = _leading_year(ra.extra.get("Next Year", ""))
    if next_year and rb.first_day and next_year != rb.first_day.year:
        found.append(Finding(a.source, a.key_line("Next Year"), Severity.ERROR,
                             f"Next Year is {next_year}, but the next election, {rb.title!r} "
                             f"({b.source}), was held on {format_day(rb.first_day)}"))
    return found + _holders(a, b) + _departures(a, b)


def _holders(a: ParsedArticle, b: ParsedArticle) -> list[Finding]:
    """The last holder after `a` is the holder (or most recent holder) before `b`."""
    after, before = final_holder(a.record.after), final_holder(b.record.before)
    if after is None or before is None or same_person(after, before):
        return []
    return [Finding(b.source, b.key_line("Before Election"), Severity.ERROR,
                    f"Before Election names {before}, but the previous election, "
                    f"{a.record.title!r} ({a.source}:{a.key_line('After Election')}), "
                    f"left {after} as {a.record.office or 'holder'}")]


def _departures(a: ParsedArticle, b: ParsedArticle) -> list[Finding]:
    """`a`'s winner leaving office on a date after `b`, which elected someone else."""
    holder, day = final_holder(a.record.after), b.record.first_day
    if holder is None or day is None or same_person(winner(b.record), holder):
        return []
    surname = re.escape(holder.split()[-1])
    found = []
    for line, sentence, dates in dated_sentences(a):
        verb = _DEPARTURE.search(sentence)
        if not (re.search(rf"\b{surname}\b", sentence) and verb):
            continue
        late = [d for d in dates if d.first > day]
        if late:
            before = b.record.before or "(not given)"
            found.append(Finding(
                a.source, line, Severity.ERROR,
                f"{holder}'s departure ({verb[0]!r}) is dated {late[0]}, after the next "
                "election of the "
                f"{a.record.office or 'office'}: {b.record.title!r} on {format_day(day)} "
                f"({b.source}:{b.key_line('Election Date')}), whose Before Election is "
                f"{before!r} (line {b.key_line('Before Election')}) and which elected "
                f"{winner(b.record) or 'someone else'}"))
    return found
