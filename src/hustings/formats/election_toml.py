"""Election definition files (TOML): parse and validate into domain objects, naming the bad key."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from fractions import Fraction
from typing import Any

from hustings.domain.election import (
    Candidate,
    CandidateStatus,
    Election,
    ElectionKind,
    PercentageBase,
    Returns,
    Section,
    Timetable,
)
from hustings.domain.eligibility import EligibilityRule
from hustings.domain.errors import InvalidInput, Problem
from hustings.domain.organisation import Body, Office, Organisation
from hustings.domain.polling import Precinct

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
LANGUAGE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")  # a gettext locale code: he, ar, pt_BR
TIMETABLE_ORDER = (  # (earlier, later) pairs that must not be reversed
    ("nominations_open", "nominations_close"),
    ("nominations_close", "polling_day"),
    ("roll_cutoff", "polling_day"),
    ("polling_day", "runoff_day"),
)
KNOWN_SECTIONS = {"organisation", "office", "body", "election", "eligibility", "timetable",
                  "candidates", "precincts", "rules", "sections"}


@dataclass(frozen=True)
class LocalNames:
    """The definition's names in one more language (`translations.LANG` tables): an empty
    string where the file gave none (the page then shows the original)."""

    organisation: str = ""
    office: str = ""
    body: str = ""
    title: str = ""
    candidates: dict[str, tuple[str, str]] = field(default_factory=dict)  # key: (name, bio)
    people: dict[str, str] = field(default_factory=dict)  # a candidate's name: as translated


@dataclass(frozen=True)
class ElectionDefinition:
    """Everything one definition file declares."""

    organisation: Organisation
    office: Office
    body: Body
    election: Election
    precincts: tuple[Precinct, ...]
    returns_given: bool = True  # False: `returns` defaults from the method (services decide)
    section_bodies: tuple[Body, ...] = ()  # bodies [[sections]] name, created on first use
    translations: dict[str, LocalNames] = field(default_factory=dict)  # language -> names

    def with_returns(self, returns: Returns) -> ElectionDefinition:
        return replace(self, election=replace(self.election, returns=returns))


class _Reader:
    """Collects every problem in the file instead of stopping at the first."""

    def __init__(self, source: str):
        self.source = source
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(message, self.source, None, path))

    def table(self, doc: dict[str, Any], key: str, required: bool = True) -> dict[str, Any]:
        value = doc.get(key)
        if value is None:
            if required:
                self.fail(key, "missing table")
            return {}
        if not isinstance(value, dict):
            self.fail(key, "must be a table")
            return {}
        return value

    def text(self, table: dict[str, Any], path: str, key: str, required: bool = True,
             slug: bool = False, default: str = "") -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "missing")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{path}.{key}", "must be a non-empty string")
            return default
        if slug and not SLUG.match(value):
            self.fail(f"{path}.{key}",
                      f"{value!r} is not a slug (lower-case letters, digits, '-' and '_')")
        return value.strip()

    def day(self, table: dict[str, Any], path: str, key: str, required: bool) -> date | None:
        value = table.get(key)
        if value is None:
            if required:
                self.fail(f"{path}.{key}", "missing date")
            return None
        if isinstance(value, date) and not hasattr(value, "hour"):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(f"{path}.{key}", f"{value!r} is not a date (YYYY-MM-DD)")
        return None

    def integer(self, table: dict[str, Any], path: str, key: str, default: int,
                minimum: int = 0) -> int:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(f"{path}.{key}", f"{value!r} is not a whole number")
            return default
        if value < minimum:
            self.fail(f"{path}.{key}", f"must be at least {minimum} (got {value})")
            return default
        return value

    def choice(self, table: dict[str, Any], path: str, key: str, enum: Any, default: Any) -> Any:
        value = table.get(key, default.value)
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self.fail(f"{path}.{key}", f"{value!r} is not one of: {allowed}")
            return default

    def translations(self, table: dict[str, Any], path: str,
                     keys: tuple[str, ...]) -> dict[str, dict[str, str]]:
        """`[PATH.translations.LANG]` tables: language -> {key: text}, each key one of
        `keys`, each text a non-empty string."""
        raw = table.get("translations", {})
        if not isinstance(raw, dict):
            self.fail(f"{path}.translations", "must be a table of languages (e.g. he)")
            return {}
        found: dict[str, dict[str, str]] = {}
        for lang, texts in raw.items():
            where = f"{path}.translations.{lang}"
            if not LANGUAGE.match(lang):
                self.fail(where, f"{lang!r} is not a language code (e.g. he, ar, pt_BR)")
                continue
            if not isinstance(texts, dict):
                self.fail(where, "must be a table (" + ", ".join(keys) + ")")
                continue
            self.unknown_keys(texts, where, set(keys))
            found[lang] = {k: self.text(texts, where, k) for k in keys if k in texts}
        return found

    def unknown_keys(self, table: dict[str, Any], path: str, known: set[str]) -> None:
        for key in table:
            if key not in known:
                self.fail(f"{path}.{key}" if path else key, "unknown key")


def parse_election_toml(text: str, source: str = "<definition>",
                        known_methods: set[str] | None = None) -> ElectionDefinition:
    """Parse and validate a definition; raise InvalidInput listing every problem found."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(Problem(f"not valid TOML: {exc}", source)) from None
    r = _Reader(source)
    r.unknown_keys(doc, "", KNOWN_SECTIONS)

    org_t = r.table(doc, "organisation")
    organisation = Organisation(r.text(org_t, "organisation", "slug", slug=True),
                                r.text(org_t, "organisation", "name"))
    r.unknown_keys(org_t, "organisation", {"slug", "name", "translations"})
    office_t = r.table(doc, "office")
    office = Office(r.text(office_t, "office", "slug", slug=True),
                    r.text(office_t, "office", "name"),
                    r.integer(office_t, "office", "seats", 1, minimum=1))
    r.unknown_keys(office_t, "office", {"slug", "name", "seats", "translations"})
    body_t = r.table(doc, "body")
    body = Body(r.text(body_t, "body", "slug", slug=True), r.text(body_t, "body", "name"))
    r.unknown_keys(body_t, "body", {"slug", "name", "translations"})

    el = r.table(doc, "election")
    r.unknown_keys(el, "election", {"slug", "title", "kind", "method", "seats",
                                    "percentage_base", "sheet_entries", "returns",
                                    "translations"})
    tt_t = r.table(doc, "timetable")
    r.unknown_keys(tt_t, "timetable", {"nominations_open", "nominations_close", "roll_cutoff",
                                       "polling_day", "runoff_day"})
    timetable = Timetable(
        nominations_open=r.day(tt_t, "timetable", "nominations_open", False),
        nominations_close=r.day(tt_t, "timetable", "nominations_close", False),
        roll_cutoff=r.day(tt_t, "timetable", "roll_cutoff", False),
        polling_day=r.day(tt_t, "timetable", "polling_day", True),
        runoff_day=r.day(tt_t, "timetable", "runoff_day", False),
    )
    for first, second in TIMETABLE_ORDER:
        d1, d2 = getattr(timetable, first), getattr(timetable, second)
        if d1 is not None and d2 is not None and d2 < d1:
            r.fail(f"timetable.{second}", f"{d2} is before timetable.{first} ({d1}): "
                   "dates out of order")

    eli_t = r.table(doc, "eligibility")
    r.unknown_keys(eli_t, "eligibility", {"cutoff", "min_months", "require_good_standing"})
    cutoff = r.day(eli_t, "eligibility", "cutoff", True) or date.min
    standing = eli_t.get("require_good_standing", True)
    if not isinstance(standing, bool):
        r.fail("eligibility.require_good_standing", "must be true or false")
        standing = True
    eligibility = EligibilityRule(cutoff, r.integer(eli_t, "eligibility", "min_months", 0),
                                  standing)
    if timetable.polling_day and cutoff != date.min and cutoff > timetable.polling_day:
        r.fail("eligibility.cutoff", f"{cutoff} is after the polling day "
               f"({timetable.polling_day}): dates out of order")

    method = r.text(el, "election", "method", default="plurality")
    if known_methods is not None and method and method not in known_methods:
        r.fail("election.method", f"{method!r} is not a counting method; known: "
               + ", ".join(sorted(known_methods)))
    candidates = _candidates(r, doc.get("candidates"))
    precincts = _precincts(r, doc.get("precincts", []))
    sections, section_bodies = _sections(r, doc.get("sections", []))
    _check_precinct_sections(r, precincts, sections)
    returns_given = "returns" in el
    returns = r.choice(el, "election", "returns", Returns, Returns.SHEETS)
    rules = doc.get("rules", {})
    if not isinstance(rules, dict):
        r.fail("rules", "must be a table of counting-rule options")
        rules = {}

    election = Election(
        slug=r.text(el, "election", "slug", slug=True),
        title=r.text(el, "election", "title"),
        organisation=organisation.slug,
        office=office.slug,
        kind=r.choice(el, "election", "kind", ElectionKind, ElectionKind.REGULAR),
        body=body.slug,
        eligibility=eligibility,
        method=method,
        timetable=timetable,
        candidates=candidates,
        seats=r.integer(el, "election", "seats", 1, minimum=1),
        sheet_entries=r.integer(el, "election", "sheet_entries", 2, minimum=1),
        percentage_base=r.choice(el, "election", "percentage_base", PercentageBase,
                                 PercentageBase.VALID),
        rules=rules,
        returns=returns,
        sections=sections,
    )
    if candidates and election.seats > len(candidates):
        r.fail("election.seats", f"{election.seats} seats for {len(candidates)} candidates")
    if election.seats > office.seats:
        r.fail("election.seats", f"{election.seats} seats, but the office {office.slug!r} has "
               f"{office.seats} (set office.seats)")
    translations = _translations(r, doc, org_t, office_t, body_t, el)
    if r.problems:
        raise InvalidInput(r.problems)
    return ElectionDefinition(organisation, office, body, election, precincts, returns_given,
                              section_bodies, translations)


def _translations(r: _Reader, doc: dict[str, Any], org_t: dict[str, Any],
                  office_t: dict[str, Any], body_t: dict[str, Any],
                  el: dict[str, Any]) -> dict[str, LocalNames]:
    """Every `translations.LANG` table of the file, gathered per language."""
    parts = {"organisation": r.translations(org_t, "organisation", ("name",)),
             "office": r.translations(office_t, "office", ("name",)),
             "body": r.translations(body_t, "body", ("name",)),
             "election": r.translations(el, "election", ("title",))}
    people: dict[str, dict[str, tuple[str, str]]] = {}
    named: dict[str, dict[str, str]] = {}
    raw = doc.get("candidates")
    for i, item in enumerate(raw if isinstance(raw, list) else []):
        if not isinstance(item, dict):
            continue
        for lang, texts in r.translations(item, f"candidates[{i}]",
                                          ("name", "biography")).items():
            key = str(item.get("key", ""))
            people.setdefault(lang, {})[key] = (texts.get("name", ""),
                                                texts.get("biography", ""))
            if texts.get("name") and isinstance(item.get("name"), str):
                named.setdefault(lang, {})[item["name"].strip()] = texts["name"]
    languages = set(people).union(*(set(p) for p in parts.values()))
    return {lang: LocalNames(
        organisation=parts["organisation"].get(lang, {}).get("name", ""),
        office=parts["office"].get(lang, {}).get("name", ""),
        body=parts["body"].get(lang, {}).get("name", ""),
        title=parts["election"].get(lang, {}).get("title", ""),
        candidates=people.get(lang, {}), people=named.get(lang, {}))
        for lang in sorted(languages)}


def parse_weight(value: Any) -> Fraction | None:
    """A section weight: a decimal or fraction string such as "1/3" or "0.5" (or a number)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(str(value))
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?(\s*/\s*\d+)?\s*", value):
        try:
            return Fraction(value.replace(" ", ""))
        except (ValueError, ZeroDivisionError):
            return None
    return None


def _sections(r: _Reader, raw: Any) -> tuple[tuple[Section, ...], tuple[Body, ...]]:
    if not isinstance(raw, list):
        r.fail("sections", "must be an array of [[sections]] tables")
        return (), ()
    out: list[Section] = []
    bodies: dict[str, Body] = {}
    for i, item in enumerate(raw):
        path = f"sections[{i}]"
        if not isinstance(item, dict):
            r.fail(path, "must be a table")
            continue
        r.unknown_keys(item, path, {"key", "name", "body", "body_name", "weight"})
        key = r.text(item, path, "key", slug=True)
        name = r.text(item, path, "name")
        body = r.text(item, path, "body", slug=True)
        weight = parse_weight(item.get("weight"))
        if weight is None or weight <= 0:
            r.fail(f"{path}.weight", f"{item.get('weight')!r} is not a positive weight (a "
                   'decimal or fraction string such as "1/3")')
            weight = Fraction(0)
        if any(s.key == key for s in out):
            r.fail(f"{path}.key", f"duplicate section {key!r}")
        if body:
            bodies.setdefault(body, Body(body, r.text(item, path, "body_name", required=False,
                                                      default=name)))
        out.append(Section(key, name, body, weight))
    if out and all(s.weight > 0 for s in out) and sum(s.weight for s in out) != 1:
        total = sum(s.weight for s in out)
        r.fail("sections", f"the sections' weights add up to {total} "
               f"({float(total):.6g}), not 1")
    return tuple(out), tuple(bodies.values())


def _check_precinct_sections(r: _Reader, precincts: tuple[Precinct, ...],
                             sections: tuple[Section, ...]) -> None:
    keys = {s.key for s in sections}
    for i, p in enumerate(precincts):
        if p.section is not None and p.section not in keys:
            r.fail(f"precincts[{i}].section", f"no section {p.section!r} (sections: "
                   + (", ".join(sorted(keys)) or "none") + ")")
        elif sections and p.section is None:
            r.fail(f"precincts[{i}].section", "an electoral college's precincts each belong "
                   "to a section")


def _candidates(r: _Reader, raw: Any) -> tuple[Candidate, ...]:
    if not isinstance(raw, list) or not raw:
        r.fail("candidates", "at least one [[candidates]] entry is required")
        return ()
    out: list[Candidate] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"candidates[{i}]"
        if not isinstance(item, dict):
            r.fail(path, "must be a table")
            continue
        r.unknown_keys(item, path, {"key", "name", "ballot_name", "biography", "portrait",
                                    "status", "translations"})
        key = r.text(item, path, "key", slug=True)
        name = r.text(item, path, "name")
        for ident in (key, name):
            if ident and ident in seen:
                r.fail(path, f"duplicate candidate {ident!r}")
            seen.add(ident)
        out.append(Candidate(
            key=key, name=name,
            ballot_name=r.text(item, path, "ballot_name", required=False, default=name),
            biography=r.text(item, path, "biography", required=False),
            portrait=r.text(item, path, "portrait", required=False),
            status=r.choice(item, path, "status", CandidateStatus, CandidateStatus.NOMINATED),
        ))
    return tuple(out)


def _precincts(r: _Reader, raw: Any) -> tuple[Precinct, ...]:
    if not isinstance(raw, list):
        r.fail("precincts", "must be an array of [[precincts]] tables")
        return ()
    out: list[Precinct] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        path = f"precincts[{i}]"
        if not isinstance(item, dict):
            r.fail(path, "must be a table")
            continue
        r.unknown_keys(item, path, {"code", "name", "section", "points"})
        code = r.text(item, path, "code")
        if code in seen:
            r.fail(f"{path}.code", f"duplicate precinct {code!r}")
        seen.add(code)
        section = r.text(item, path, "section", required=False) or None
        points = None
        if "points" in item:
            points = r.integer(item, path, "points", 1, minimum=1)
        out.append(Precinct(code, r.text(item, path, "name"), section, points))
    return tuple(out)
