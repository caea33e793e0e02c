"""The election page's downloads of the published result: NIST, article format, wikitext.

Built from `services.results.published_result` and the writers in `formats`/`reports`, the
same figures the page shows (not through the CLI).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from hustings.domain.polling import PollKind
from hustings.domain.record import PollDate, RecordedElection
from hustings.formats import article as article_format
from hustings.formats import certificate as certificate_format
from hustings.formats import wikitext as wikitext_format
from hustings.reports.published_nist import write_nist_report
from hustings.services import certificates
from hustings.services.ports import UnitOfWorkFactory
from hustings.services.results import published_result
from hustings.services.web_queries import DefinitionNames, ElectionFacts, election_facts


def N_(message: str) -> str:  # noqa: N802 - marks a msgid for extraction (pybabel -k N_)
    return message


# (path under /elections/SLUG/, label msgid) in the order the page lists them
FORMATS = (
    ("results.json", N_("Result (JSON)")),
    ("results.csv", N_("Result (CSV)")),
    ("precincts.csv", N_("Results by precinct (CSV)")),
    ("results.nist.json", N_("Result (NIST SP 1500-100, JSON)")),
    ("article.txt", N_("Article format")),
    ("wikitext.txt", N_("Wikitext (MediaWiki)")),
)
CERTIFIED_ONLY = (("certificate.txt", N_("Certificate of result")),)
POLL_NOTES = {PollKind.INITIAL: "Initial vote", PollKind.RUNOFF: "Runoff",
              PollKind.REVOTE: "Re-vote"}


def _read(uow_factory: UnitOfWorkFactory, slug: str) -> tuple[ElectionFacts, dict[str, Any]]:
    return election_facts(uow_factory, slug), published_result(uow_factory, slug)


def nist(uow_factory: UnitOfWorkFactory, slug: str, names: DefinitionNames | None) -> str:
    facts, result = _read(uow_factory, slug)
    e = facts.election
    return write_nist_report(result, title=e.title, contest=names.office if names else e.office,
                             day=e.timetable.polling_day, generated=datetime.now(UTC))


def record(uow_factory: UnitOfWorkFactory, slug: str,
           names: DefinitionNames | None) -> RecordedElection:
    """The published result as the record formats know it (one Results section)."""
    facts, result = _read(uow_factory, slug)
    e = facts.election
    dates = [PollDate(p.day, POLL_NOTES.get(p.kind, "")) for p in facts.polls]
    found = article_format.from_result(result, title=e.title, dates=dates,
                                       office=names.office if names else e.office)
    return replace(found, electorate=names.body) if names else found


def article(uow_factory: UnitOfWorkFactory, slug: str, names: DefinitionNames | None) -> str:
    return article_format.write(record(uow_factory, slug, names))


def wikitext(uow_factory: UnitOfWorkFactory, slug: str, names: DefinitionNames | None) -> str:
    return wikitext_format.write(record(uow_factory, slug, names))


def certificate(uow_factory: UnitOfWorkFactory, slug: str) -> str:
    return certificate_format.write(certificates.certificate(uow_factory, slug))
