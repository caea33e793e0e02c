"""The leadership record in the database: import elections hustings did not run, and query the
holders of an office and a person's history over both imported and run elections.

Reconciliation. Certified tenures (from run elections, table `tenures`) and tenures derived from
imported articles (table `recorded_tenures`) are kept apart and merged when read: an imported
election is *the same election* as a run one of the same office when its slug or its title
(ignoring case) is the run election's. A derived tenure of that election whose holder has a
certified tenure from the run election is replaced by the certified one, so the count's dates win
and nobody appears twice; a derived vacancy is replaced likewise by a recorded one (`hustings`'s
`tenure.end`) that starts or ends on the same day; derived tenures with no certified counterpart
(an earlier holder, a vacancy) stay, in the record's order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from hustings.domain.audit import sha256_hex
from hustings.domain.election import Election, ElectionStatus
from hustings.domain.errors import AlreadyExists, InvalidInput, NotFound, Problem
from hustings.domain.organisation import Office, Organisation
from hustings.domain.polling import PollKind
from hustings.domain.record import (
    MONTHS,
    Composition,
    PersonRecord,
    PollDate,
    RecordedElection,
    Tenure,
    TenureKind,
    compositions,
    person_record,
    same_person,
    slugify,
    tenures_from_elections,
)
from hustings.domain.record_store import StoredElection
from hustings.formats import article, record_native
from hustings.services.commands import Context, command, run
from hustings.services.ports import UnitOfWork, UnitOfWorkFactory
from hustings.services.results import published_result

# -- reading files -------------------------------------------------------------------------------


def parse_file(name: str, content: bytes) -> RecordedElection:
    """Read an article (any name), a `.json` or a `.toml` record. InvalidInput names FILE:LINE."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(Problem(f"not UTF-8 text: {error.reason}", name)) from None
    lower = name.casefold()
    if lower.endswith(".json"):
        record = record_native.from_json(text, name)
    elif lower.endswith(".toml"):
        record = record_native.from_toml(text, name)
    else:
        parsed = article.parse_located(text, name)
        record = parsed.record
        if not record.office:
            raise InvalidInput(Problem("the Infobox has no `Title` (the office elected), so "
                                       "the election cannot be filed", name, parsed.title_line))
        return record
    if not record.office:
        raise InvalidInput(Problem("no office: set `office` (e.g. \"Leader\")", name,
                                   field="office"))
    return record


@dataclass(frozen=True)
class Imported:
    slug: str
    title: str
    source: str
    organisation: str
    office: str
    changed: bool  # False: the same election was imported before (nothing done)


def import_records(uow_factory: UnitOfWorkFactory, files: Sequence[tuple[str, bytes]],
                   ctx: Context, organisation: str | None = None) -> list[Imported]:
    """Import articles / native records, all or nothing, and re-derive the offices' tenures.

    Re-importing an election identical to the stored one changes nothing (and logs nothing);
    a different election under a stored slug is AlreadyExists.
    """
    problems: list[Problem] = []
    records: list[tuple[str, bytes, RecordedElection]] = []
    for name, content in files:
        try:
            records.append((name, content, parse_file(name, content)))
        except InvalidInput as error:
            problems += error.problems
    seen: dict[str, str] = {}
    for name, _, record in records:
        if record.slug in seen:
            problems.append(Problem(f"election {record.slug!r} is also in {seen[record.slug]}",
                                    name))
        seen.setdefault(record.slug, name)
    if problems:
        raise InvalidInput(problems)
    with uow_factory() as uow:
        places = [_place(uow, record, organisation, name) for name, _, record in records]
        stored = [uow.record.get(record.slug) for _, _, record in records]
    out = []
    for (name, _, record), (org, office), old in zip(records, places, stored, strict=True):
        if old is not None and old.record != record:
            raise AlreadyExists(f"{name}: election {record.slug!r} was imported from "
                                f"{old.source} with different content; nothing was imported")
        if old is None:
            with uow_factory() as uow:
                _check_title(uow, org, office, record, name)
        out.append(Imported(record.slug, record.title, name, org.slug, office.slug, old is None))
    fresh = [(name, content) for (name, content, _), i in zip(records, out, strict=True)
             if i.changed]
    if fresh:
        payload: dict[str, Any] = {
            "organisation": organisation,
            # `evidence` is the key `log verify` reads stored blobs from.
            "evidence": [{"name": name, "sha256": sha256_hex(content)}
                         for name, content in fresh]}
        run(uow_factory, "record.import", payload, ctx,
            blobs=tuple(content for _, content in fresh))
    return out


def _place(uow: UnitOfWork, record: RecordedElection, organisation: str | None,
           source: str) -> tuple[Organisation, Office]:
    """The organisation and office an imported election belongs to (found or to be made).

    The organisation is `organisation` if given, else the candidates' common party, matched to
    an existing organisation by name or slug; the office is the record's `office` (Title),
    matched by name or slug.
    """
    known = uow.record.organisations()
    if organisation is not None:
        found = [o for o in known if o.slug == organisation]
        party = _party(record)
        org = found[0] if found else Organisation(organisation, party or organisation)
    else:
        party = _party(record)
        if not party:
            raise InvalidInput(Problem(
                "cannot tell which organisation held this election (the candidates' parties "
                "are missing or differ): give --organisation", source))
        found = [o for o in known if o.name.casefold() == party.casefold()
                 or o.slug == slugify(party)]
        org = found[0] if found else Organisation(slugify(party), party)
    offices = uow.record.offices(org.slug) if any(o.slug == org.slug for o in known) else []
    match = [o for o in offices if o.name.casefold() == record.office.casefold()
             or o.slug == slugify(record.office)]
    return org, match[0] if match else Office(slugify(record.office), record.office)


def _check_title(uow: UnitOfWork, org: Organisation, office: Office, record: RecordedElection,
                 source: str) -> None:
    """Within an office a title names one election: refuse a second record of it."""
    if not any(o.slug == org.slug for o in uow.record.organisations()):
        return
    if not any(o.slug == office.slug for o in uow.record.offices(org.slug)):
        return
    for other in uow.record.all(org.slug, office.slug):
        if other.record.title.casefold() == record.title.casefold():
            raise AlreadyExists(f"{source}: {record.title!r} is already recorded as "
                                f"{other.record.slug!r} (from {other.source}); nothing was "
                                "imported")


def _party(record: RecordedElection) -> str:
    parties = {c.party for c in record.candidates}
    return parties.pop() if len(parties) == 1 else ""


@command("record.import")
def _import(uow: UnitOfWork, payload: dict[str, Any], ctx: Context) -> None:
    organisation = payload.get("organisation")
    offices: dict[tuple[str, str], str] = {}
    for item in payload["evidence"]:
        record = parse_file(item["name"], uow.blobs.get(item["sha256"]))
        org, office = _place(uow, record, organisation, item["name"])
        old = uow.record.get(record.slug)
        if old is not None:
            if old.record == record:
                continue
            raise AlreadyExists(f"{item['name']}: election {record.slug!r} was imported from "
                                f"{old.source} with different content")
        _check_title(uow, org, office, record, item["name"])
        uow.organisations.ensure_organisation(org)
        uow.organisations.ensure_office(org.slug, office)
        uow.record.add(StoredElection(org.slug, office.slug, record, item["name"],
                                      item["sha256"]))
        offices[(org.slug, office.slug)] = office.name
    for (org_slug, office_slug), office_name in offices.items():
        elections = [replace(s.record, office=office_name)
                     for s in uow.record.all(org_slug, office_slug)]
        chain = [replace(t, office=office_slug) for t in tenures_from_elections(elections)]
        uow.record.replace_tenures(org_slug, office_slug, chain)


# -- queries -------------------------------------------------------------------------------------


def resolve_office(uow: UnitOfWork, organisation: str | None, office: str
                   ) -> tuple[Organisation, Office]:
    """Find an office by name or slug (ignoring case), in `organisation` if given."""
    orgs = [o for o in uow.record.organisations()
            if organisation is None or o.slug == organisation]
    if organisation is not None and not orgs:
        raise NotFound(f"no organisation {organisation!r}")
    found = [(org, o) for org in orgs for o in uow.record.offices(org.slug)
             if o.slug == office or o.name.casefold() == office.casefold()
             or o.slug == slugify(office)]
    if not found:
        raise NotFound(f"no office {office!r}" + (f" in {organisation!r}" if organisation
                                                  else ""))
    if len(found) > 1:
        raise InvalidInput(Problem(f"office {office!r} exists in several organisations ("
                                   + ", ".join(org.slug for org, _ in found)
                                   + "): give --organisation", "--office"))
    return found[0]


def _links(stored: Iterable[StoredElection], run_elections: Iterable[Election]
           ) -> dict[str, str]:
    """Imported slug -> the slug of the run election it records (same office, slug or title)."""
    runs = list(run_elections)
    links: dict[str, str] = {}
    for s in stored:
        for e in runs:
            if (e.organisation, e.office) != (s.organisation, s.office):
                continue
            if e.slug == s.record.slug or e.title.casefold() == s.record.title.casefold():
                links[s.record.slug] = e.slug
                break
    return links


def merge_tenures(recorded: Sequence[Tenure], certified: Sequence[Tenure],
                  links: dict[str, str]) -> list[Tenure]:
    """One chain from derived and certified tenures (see the module's docstring)."""
    used: set[int] = set()
    out: list[Tenure] = []
    for r in recorded:
        run_slug = links.get(r.election or "")
        match = next((i for i, c in enumerate(certified) if i not in used and run_slug
                      and c.election == run_slug and same_person(c.holder, r.holder)), None)
        if match is None and r.holder is None:  # a vacancy recorded as it happened
            match = next((i for i, c in enumerate(certified) if i not in used
                          and c.holder is None and _same_days(c, r)), None)
        if match is None:
            out.append(r)
        else:
            used.add(match)
            out.append(certified[match])
    for i, c in enumerate(certified):
        if i in used:
            continue
        at = next((k for k, t in enumerate(out)
                   if c.start is not None and t.start is not None and t.start > c.start),
                  len(out))
        out.insert(at, c)
    return out


def _same_days(a: Tenure, b: Tenure) -> bool:
    """Two records of one vacancy: they share a known start or a known end."""
    return (a.start is not None and a.start == b.start) or (a.end is not None and a.end == b.end)


def _leaders(uow: UnitOfWork, org: Organisation, office: Office) -> list[Tenure]:
    stored = uow.record.all(org.slug, office.slug)
    links = _links(stored, uow.elections.all())
    chain = merge_tenures(uow.record.tenures(org.slug, office.slug),
                          uow.tenures.all(org.slug, office.slug), links)
    return [replace(t, office=office.name) for t in chain]


def leaders(uow_factory: UnitOfWorkFactory, organisation: str | None, office: str
            ) -> list[Tenure]:
    """The holders of an office in order, vacancies included, from run and imported elections.
    `office` is a name or slug; `organisation` (a slug) may be left out when unambiguous."""
    with uow_factory() as uow:
        org, found = resolve_office(uow, organisation, office)
        return _leaders(uow, org, found)


def leaders_json(office: str, tenures: Sequence[Tenure]) -> dict[str, Any]:
    """The `record leaders --format json` contract."""
    return {"office": office, "tenures": [
        {"holder": t.holder, "kind": t.kind.value,
         "start": t.start.isoformat() if t.start else None,
         "end": t.end.isoformat() if t.end else None, "election": t.election}
        for t in tenures]}


def members(uow_factory: UnitOfWorkFactory, organisation: str | None,
            office: str) -> tuple[str, list[Composition]]:
    """An office's name and its members over time (a committee between each change)."""
    tenures = leaders(uow_factory, organisation, office)
    return (tenures[0].office if tenures else office), compositions(tenures)


def members_json(office: str, found: Sequence[Composition]) -> dict[str, Any]:
    """The `record members --format json` contract."""
    return {"office": office, "compositions": [
        {"start": c.start.isoformat(), "end": c.end.isoformat() if c.end else None,
         "members": list(c.members), "elections": list(c.elections)} for c in found]}


def recorded_election(uow_factory: UnitOfWorkFactory, slug: str) -> RecordedElection:
    """An imported election as stored."""
    with uow_factory() as uow:
        stored = uow.record.get(slug)
    if stored is None:
        raise NotFound(f"no imported election {slug!r}")
    return stored.record


def recorded_elections(uow_factory: UnitOfWorkFactory) -> list[StoredElection]:
    """Every imported election, in date order."""
    with uow_factory() as uow:
        return uow.record.all()


def person(uow_factory: UnitOfWorkFactory, name: str) -> PersonRecord:
    """Elections a person ran in, won and lost (run and imported, in date order) and the
    offices they held. NotFound when the record never mentions them."""
    with uow_factory() as uow:
        stored = uow.record.all()
        runs = uow.elections.all()
        links = _links(stored, runs)
        dated: list[tuple[date | None, str, str]] = []  # (day, slug, "won" | "lost" | "ran")
        imported = [s.record for s in stored if s.record.slug not in links]
        found = person_record(name, imported, [])
        days = {r.slug: r.first_day for r in imported}
        dated += [(days[s], s, "won") for s in found.won]
        dated += [(days[s], s, "lost") for s in found.lost]
        spelled = name
        for e in runs:
            candidate = next((c for c in e.candidates if same_person(c.name, name)), None)
            if candidate is None:
                continue
            spelled = candidate.name
            winner = _certified_winner(uow, e)
            outcome = "ran" if winner is None else ("won" if same_person(winner, name)
                                                    else "lost")
            dated.append((_first_day(uow, e), e.slug, outcome))
        held: list[Tenure] = []
        for org in uow.record.organisations():
            for office in uow.record.offices(org.slug):
                held += [t for t in _leaders(uow, org, office) if same_person(t.holder, name)]
    if not dated and not held:
        raise NotFound(f"no one called {name!r} in the record")
    for r in imported:
        spelled = next((c.name for c in r.candidates if same_person(c.name, name)), spelled)
    spelled = next((t.holder for t in held if t.holder), spelled)
    dated.sort(key=lambda d: (d[0] is None, d[0] or date.min, d[1]))
    return PersonRecord(spelled, tuple(s for _, s, _ in dated),
                        tuple(s for _, s, o in dated if o == "won"),
                        tuple(s for _, s, o in dated if o == "lost"), tuple(held))


def _certified_winner(uow: UnitOfWork, election: Election) -> str | None:
    if election.status is not ElectionStatus.CERTIFIED:
        return None
    versions = uow.versions.all(election.slug)
    return versions[-1][3].get("winner") if versions else None


def _first_day(uow: UnitOfWork, election: Election) -> date | None:
    days = sorted(p.day for p in uow.polls.all(election.slug))
    return days[0] if days else election.timetable.polling_day


# -- export --------------------------------------------------------------------------------------

POLL_NOTES = {PollKind.INITIAL: "Initial vote", PollKind.REVOTE: "re-vote in select precincts",
              PollKind.RUNOFF: "Runoff"}


def election_record(uow_factory: UnitOfWorkFactory, slug: str) -> RecordedElection:
    """Any election as a record: a run one from its published result, else an imported one."""
    with uow_factory() as uow:
        if not uow.elections.exists(slug):
            stored = uow.record.get(slug)
            if stored is None:
                raise NotFound(f"no election {slug!r} (run or imported)")
            return stored.record
        election = uow.elections.get(slug)
        org = next(o for o in uow.record.organisations() if o.slug == election.organisation)
        office = next(o for o in uow.record.offices(org.slug) if o.slug == election.office)
        polls = sorted(uow.polls.all(slug), key=lambda p: p.day)
        dates: list[PollDate] = [PollDate(p.day, POLL_NOTES[p.kind] if len(polls) > 1 else "")
                                 for p in polls]
        if not dates and election.timetable.polling_day:
            dates = [PollDate(election.timetable.polling_day)]
        chain = _leaders(uow, org, office)
        neighbours = _neighbours(uow, election, dates[0].day if dates else None)
    result = published_result(uow_factory, slug)
    own = [t for t in chain if t.election == slug]
    before = ""
    if own:
        k = chain.index(own[0])
        before = _holder_text(chain[k - 1], chain[:k - 1]) if k > 0 else ""
    certified = election.status is ElectionStatus.CERTIFIED
    return article.from_result(
        result, title=election.title, dates=dates, office=office.name, party=org.name,
        before=before, after=_after_text(own) if certified else "",
        previous_election=neighbours[0], next_election=neighbours[1])


def _neighbours(uow: UnitOfWork, election: Election, day: date | None) -> tuple[str, str]:
    """Titles of the office's elections (run or imported) just before and after `day`."""
    if day is None:
        return "", ""
    named: list[tuple[date, str]] = []
    for e in uow.elections.all():
        if (e.organisation, e.office) == (election.organisation, election.office):
            first = _first_day(uow, e)
            if first is not None:
                named.append((first, e.title))
    for s in uow.record.all(election.organisation, election.office):
        if s.record.first_day is not None and not any(
                t.casefold() == s.record.title.casefold() for _, t in named):
            named.append((s.record.first_day, s.record.title))
    earlier = sorted((d, t) for d, t in named if d < day)
    later = sorted((d, t) for d, t in named if d > day)
    return (earlier[-1][1] if earlier else "", later[0][1] if later else "")


def _holder_text(tenure: Tenure, earlier: Sequence[Tenure]) -> str:
    """How a Before Election field names a holder (a vacancy with who held it last)."""
    if tenure.holder is not None:
        return tenure.holder + (f" ({tenure.kind.value})"
                                if tenure.kind in (TenureKind.INTERIM, TenureKind.ACTING)
                                else "")
    last = next((t.holder for t in reversed(earlier) if t.holder), None)
    return f"Vacant, (most recently {last})" if last else "Vacant"


def _after_text(own: Sequence[Tenure]) -> str:
    """How an After Election field names the holders one election made, with their months
    when there were several (`Avraham Burg (September - December 2001), ...`)."""
    if len(own) == 1:
        return _holder_text(own[0], ())
    parts = []
    for t in own:
        start = f"{MONTHS[t.start.month - 1]} {t.start.year}" if t.start else ""
        end = f"{MONTHS[t.end.month - 1]} {t.end.year}" if t.end else ""
        if t.start and t.end and t.start.year == t.end.year:
            start = MONTHS[t.start.month - 1]
        parts.append(f"{t.holder} ({start} - {end})")
    return ", ".join(parts)

