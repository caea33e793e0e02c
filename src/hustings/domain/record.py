"""The historical record: elections as published (articles) and the tenures of an office.

Figures are kept as published strings ("35,945", "49.65%") so nothing is lost on import; checks
and queries read them with `number()`. Every query here is a pure function over plain lists.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MONTH_NUMBER = {name.casefold(): i for i, name in enumerate(MONTHS, start=1)}
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+|\d+")
_DECIMAL = re.compile(r"(?P<n>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<d>\d+))?%?")


class TenureKind(enum.StrEnum):
    ELECTED = "elected"
    INTERIM = "interim"
    ACTING = "acting"
    VACANT = "vacant"


@dataclass(frozen=True)
class Tenure:
    """One holding of an office; `holder` is None for a vacancy; None dates are unknown."""

    office: str
    holder: str | None
    kind: TenureKind
    start: date | None
    end: date | None
    election: str | None  # slug of the election that gave it, if any


@dataclass(frozen=True)
class PollDate:
    """One dated voting event of a recorded election, with its note ("Initial vote")."""

    day: date
    note: str = ""


@dataclass(frozen=True)
class RecordedCandidate:
    name: str
    party: str = ""
    image: str = ""
    votes: str = ""  # as published: "35,945"
    percentage: str = ""  # as published: "49.65%"


@dataclass(frozen=True)
class Paragraph:
    text: str  # one or more lines, verbatim


@dataclass(frozen=True)
class ResultRow:
    name: str
    party: str
    votes: str  # as published


@dataclass(frozen=True)
class ResultsTable:
    caption: str = ""
    rows: tuple[ResultRow, ...] = ()
    total: str = ""  # as published; "" when the table states none


Block = Paragraph | ResultsTable


@dataclass(frozen=True)
class Section:
    """A headed part of the text; the lead has heading "" and level 1."""

    heading: str
    level: int
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True)
class RecordedElection:
    """An election as an article publishes it. Infobox keys hustings ignores stay in `extra`."""

    title: str
    slug: str
    name: str = ""  # the Infobox's Election Name
    office: str = ""  # the Infobox's Title, e.g. "Leader"
    dates: tuple[PollDate, ...] = ()
    electorate: str = ""
    registered: str = ""
    turnout: str = ""
    candidates: tuple[RecordedCandidate, ...] = ()
    before: str = ""
    after: str = ""
    previous_election: str = ""
    next_election: str = ""
    sections: tuple[Section, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def first_day(self) -> date | None:
        return self.dates[0].day if self.dates else None

    @property
    def last_day(self) -> date | None:
        return self.dates[-1].day if self.dates else None

    def tables(self) -> list[ResultsTable]:
        """Every results table of the text, in order."""
        return [b for s in self.sections for b in s.blocks if isinstance(b, ResultsTable)]


# -- published figures ---------------------------------------------------------------------------


def slugify(text: str) -> str:
    """A URL slug: lower case words joined by hyphens."""
    return "-".join(re.findall(r"[0-9a-z]+", text.casefold()))


def is_number(text: str) -> bool:
    """A whole number as published: digits, optionally grouped by commas ("1,271")."""
    return _NUMBER.fullmatch(text) is not None


def is_decimal(text: str) -> bool:
    """A published decimal, optionally with a % sign ("49.65%", "52%")."""
    return _DECIMAL.fullmatch(text) is not None


def number(text: str) -> int:
    """Read a published whole number ("35,945" -> 35945). ValueError if it is not one."""
    if not is_number(text):
        raise ValueError(f"not a whole number: {text!r}")
    return int(text.replace(",", ""))


def decimals(text: str) -> int:
    """How many decimals a published figure shows ("49.65%" -> 2, "52%" -> 0)."""
    found = _DECIMAL.fullmatch(text)
    if found is None:
        raise ValueError(f"not a decimal: {text!r}")
    return len(found["d"] or "")


def grouped(value: int) -> str:
    """A whole number with thousands separators, as articles print them."""
    return f"{value:,}"


def format_day(day: date) -> str:
    """'20 November 2002'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


# -- who held the office, as the Before/After Election fields say ------------------------------


@dataclass(frozen=True)
class HolderMention:
    """One holder named in a Before/After Election field, e.g. 'Avraham Burg (September -
    December 2001)'. Months are (year, month); None when not given."""

    name: str | None  # None for a vacancy
    kind: TenureKind
    start: tuple[int, int] | None = None
    end: tuple[int, int] | None = None
    most_recently: str | None = None  # for "Vacant, (most recently X)"


_PERIOD = re.compile(
    r"(?P<m1>[A-Za-z]+)?\s*(?P<y1>\d{4})?\s*[-–—]\s*(?P<m2>[A-Za-z]+)?\s*(?P<y2>\d{4})?")


def _split_top(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return [p for p in parts if p]


def _month(name: str | None) -> int | None:
    return MONTH_NUMBER.get(name.casefold()) if name else None


def _period(note: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None] | None:
    found = _PERIOD.fullmatch(note.strip())
    if found is None or not (found["m1"] or found["y1"]):
        return None
    m1, m2 = _month(found["m1"]), _month(found["m2"])
    if (found["m1"] and m1 is None) or (found["m2"] and m2 is None):
        return None
    y1 = int(found["y1"]) if found["y1"] else (int(found["y2"]) if found["y2"] else None)
    y2 = int(found["y2"]) if found["y2"] else None
    start = (y1, m1 or 1) if y1 is not None and m1 is not None else None
    end = (y2, m2 or 12) if y2 is not None and m2 is not None else None
    return start, end


def parse_holders(text: str) -> list[HolderMention]:
    """Read a Before/After Election field: names with optional notes in parentheses."""
    mentions: list[HolderMention] = []
    for part in _split_top(text):
        note_match = re.fullmatch(r"(?P<name>[^(]*?)\s*(?:\((?P<note>[^)]*)\))?", part)
        if note_match is None:
            mentions.append(HolderMention(part, TenureKind.ELECTED))
            continue
        name, note = note_match["name"].strip(), (note_match["note"] or "").strip()
        recent = re.fullmatch(r"most recently\s+(.+)", note, re.IGNORECASE)
        if not name and recent and mentions and mentions[-1].name is None:
            mentions[-1] = replace(mentions[-1], most_recently=recent[1].strip())
            continue
        if name.casefold() == "vacant":
            mentions.append(HolderMention(None, TenureKind.VACANT,
                                          most_recently=recent[1].strip() if recent else None))
            continue
        kind = TenureKind.ELECTED
        for k in (TenureKind.INTERIM, TenureKind.ACTING):
            if k.value in note.casefold():
                kind = k
        period = _period(note)
        start, end = period if period else (None, None)
        mentions.append(HolderMention(name or None, kind, start, end))
    return mentions


def final_holder(text: str) -> str | None:
    """The last person a Before/After field names (for a vacancy, who held it most recently)."""
    mentions = parse_holders(text)
    if not mentions:
        return None
    last = mentions[-1]
    return last.name if last.name is not None else last.most_recently


def same_person(a: str | None, b: str | None) -> bool:
    """Names compared ignoring case and spacing."""
    if a is None or b is None:
        return False
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


# -- elections -----------------------------------------------------------------------------------


def final_tally(election: RecordedElection) -> list[tuple[str, int]]:
    """(name, votes) of the final count: the last results table with rows, else the Infobox."""
    for table in reversed(election.tables()):
        rows = [(r.name, number(r.votes)) for r in table.rows if is_number(r.votes)]
        if rows:
            return sorted(rows, key=lambda nv: -nv[1])
    rows = [(c.name, number(c.votes)) for c in election.candidates if is_number(c.votes)]
    return sorted(rows, key=lambda nv: -nv[1])


def winner(election: RecordedElection) -> str | None:
    """Who won: the After Election holder if a candidate, else the top of the final tally."""
    holder = final_holder(election.after)
    names = [c.name for c in election.candidates]
    if holder is not None and any(same_person(holder, n) for n in names):
        return holder
    tally = final_tally(election)
    if len(tally) >= 2 and tally[0][1] == tally[1][1]:
        return None
    return tally[0][0] if tally else holder


def in_order(elections: Iterable[RecordedElection], office: str | None = None
             ) -> list[RecordedElection]:
    """Elections (of `office`, if given) in date order; undated ones last, by title."""
    chosen = [e for e in elections if office is None or e.office == office]
    return sorted(chosen, key=lambda e: (e.first_day is None, e.first_day or date.min, e.title))


def _dated(elections: Iterable[RecordedElection], office: str
           ) -> list[tuple[date, RecordedElection]]:
    return [(e.first_day, e) for e in in_order(elections, office) if e.first_day is not None]


def previous_election(elections: Sequence[RecordedElection], election: RecordedElection
                      ) -> RecordedElection | None:
    """The dated election of the same office held before `election`."""
    day = election.first_day
    earlier = [e for d, e in _dated(elections, election.office) if day and d < day]
    return earlier[-1] if earlier else None


def next_election(elections: Sequence[RecordedElection], election: RecordedElection
                  ) -> RecordedElection | None:
    """The dated election of the same office held after `election`."""
    day = election.first_day
    later = [e for d, e in _dated(elections, election.office) if day and d > day]
    return later[0] if later else None


# -- tenures -------------------------------------------------------------------------------------


def _resolve(month: tuple[int, int] | None, election: RecordedElection) -> date | None:
    """The poll date falling in `month`, if the election has one."""
    if month is None:
        return None
    for poll in election.dates:
        if (poll.day.year, poll.day.month) == month:
            return poll.day
    return None


def _close(chain: list[Tenure], day: date | None) -> None:
    if chain and chain[-1].end is None and day is not None:
        chain[-1] = replace(chain[-1], end=day)


def _apply_before(chain: list[Tenure], office: str, mentions: list[HolderMention]) -> None:
    for m in mentions:
        if m.name is None:
            if not chain and m.most_recently:
                chain.append(Tenure(office, m.most_recently, TenureKind.ELECTED, None, None, None))
            if not chain or chain[-1].kind is not TenureKind.VACANT:
                chain.append(Tenure(office, None, TenureKind.VACANT, None, None, None))
        elif not chain or not same_person(chain[-1].holder, m.name):
            chain.append(Tenure(office, m.name, m.kind, None, None, None))


def tenures_from_elections(elections: Iterable[RecordedElection]) -> list[Tenure]:
    """Derive each office's chain of tenures from recorded elections' Before/After fields.

    A holder's start is the poll date in the month the After field gives, else the election's
    last poll; a tenure left open ends when the next one starts. Unknown dates stay None.
    """
    chains: dict[str, list[Tenure]] = {}
    for election in in_order(elections):
        chain = chains.setdefault(election.office, [])
        _apply_before(chain, election.office, parse_holders(election.before))
        for m in parse_holders(election.after):
            if m.name is None:
                _close(chain, election.last_day)
                chain.append(Tenure(election.office, None, TenureKind.VACANT,
                                    election.last_day, None, election.slug))
                continue
            start = _resolve(m.start, election) or (None if m.start else election.last_day)
            end = _resolve(m.end, election) if m.end else None
            kind = m.kind
            if kind is TenureKind.ELECTED and "interim" in election.title.casefold():
                kind = TenureKind.INTERIM
            if chain and same_person(chain[-1].holder, m.name) and chain[-1].end is None:
                continue  # the holder kept the office: one continuous tenure
            _close(chain, start)
            chain.append(Tenure(election.office, m.name, kind, start, end, election.slug))
    return [t for chain in chains.values() for t in chain]


def holders(tenures: Iterable[Tenure], office: str) -> list[Tenure]:
    """The tenures of `office`, vacancies included, in the order they were held."""
    return [t for t in tenures if t.office == office]


def holder_on(tenures: Sequence[Tenure], office: str, day: date) -> Tenure | None:
    """The tenure certainly covering `day`: known start on or before it and an end after it
    (an open end counts when no later tenure's start is unknown or earlier). None if unknown."""
    chain = holders(tenures, office)
    for i, t in enumerate(chain):
        if t.start is None or t.start > day:
            continue
        if t.end is not None:
            if day < t.end:
                return t
            continue
        later = chain[i + 1:]
        if all(n.start is not None and n.start > day for n in later):
            return t
    return None


@dataclass(frozen=True)
class Composition:
    """Who held an office's seats from `start` until `end` (None: still), between two changes:
    a committee's members over one stretch of time, and the elections that seated them."""

    start: date
    end: date | None
    members: tuple[str, ...]  # in order of the start of their tenure, then by name
    elections: tuple[str, ...]


def compositions(tenures: Sequence[Tenure]) -> list[Composition]:
    """An office's members over time: one composition per stretch between changes (a tenure
    starting or ending). A tenure ending on a day is over that day; one starting then holds.
    Vacancies and tenures of unknown start are not members. One sweep over the sorted dates."""
    known = [t for t in tenures if t.holder is not None and t.start is not None]
    starts: dict[date, list[int]] = {}
    ends: dict[date, list[int]] = {}
    for i, t in enumerate(known):
        starts.setdefault(t.start, []).append(i)  # type: ignore[arg-type]
        if t.end is not None:
            ends.setdefault(t.end, []).append(i)
    days = sorted(set(starts) | set(ends))
    active: dict[int, Tenure] = {}
    out: list[Composition] = []
    for n, day in enumerate(days):
        for i in ends.get(day, []):
            active.pop(i, None)
        for i in starts.get(day, []):
            if known[i].end is None or known[i].end > day:  # type: ignore[operator]
                active[i] = known[i]
        following = days[n + 1] if n + 1 < len(days) else None
        seated = sorted(active.values(), key=lambda t: (t.start, t.holder))
        members = tuple(dict.fromkeys(t.holder for t in seated if t.holder))
        elections = tuple(dict.fromkeys(t.election for t in seated if t.election))
        if out and (out[-1].members, out[-1].elections) == (members, elections) \
                and out[-1].end == day:
            out[-1] = replace(out[-1], end=following)
        elif members:
            out.append(Composition(day, following, members, elections))
    return out


@dataclass(frozen=True)
class PersonRecord:
    name: str
    ran: tuple[str, ...]  # election slugs, in date order
    won: tuple[str, ...]
    lost: tuple[str, ...]
    tenures: tuple[Tenure, ...]


def person_record(name: str, elections: Iterable[RecordedElection],
                  tenures: Iterable[Tenure]) -> PersonRecord:
    """The elections a person ran in, won and lost, and the offices they held."""
    ran: list[str] = []
    won: list[str] = []
    lost: list[str] = []
    for e in in_order(elections):
        if any(same_person(c.name, name) for c in e.candidates):
            ran.append(e.slug)
            (won if same_person(winner(e), name) else lost).append(e.slug)
    held = tuple(t for t in tenures if same_person(t.holder, name))
    return PersonRecord(name, tuple(ran), tuple(won), tuple(lost), held)
