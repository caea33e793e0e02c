"""Two clerks entering sheets at the same moment: no lost entry, one linear audit chain."""

from __future__ import annotations

import threading
from typing import Any

import tests.identities as ids
from hustings.bootstrap import Container, ScratchSqlite, Settings
from hustings.services import audit_log, tallies
from hustings.services.queries import precinct_statuses
from tests.integrity.builders import SLUG, build, sheet, table_counts

PRECINCTS = [f"P{i:02d}" for i in range(20)]


def test_two_clerks_at_once_lose_nothing(uow_factory: Any, container: Any) -> None:
    build(uow_factory, roll=dict.fromkeys(PRECINCTS, 10))
    signed_in = {name: ids.ctx(uow_factory, name) for name in ("clerk-a", "clerk-b")}
    before = table_counts(container.engine)["audit_log"]
    url = container.settings.database_url
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def clerk(name: str, bob: int) -> None:
        own = Container(Settings(url))  # each clerk has their own engine and connections
        try:
            start.wait()
            for code in PRECINCTS:
                # Clerk B disagrees on the last five precincts: those must not count.
                votes = {"ann": 6, "bob": bob if code in PRECINCTS[-5:] else 3}
                tallies.enter_tally(own.uow_factory, SLUG, sheet(code, votes),
                                    signed_in[name])
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            own.close()

    threads = [threading.Thread(target=clerk, args=("clerk-a", 3)),
               threading.Thread(target=clerk, args=("clerk-b", 4))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    counts = table_counts(container.engine)
    assert counts["tally_sheets"] == 40 and counts["audit_log"] == before + 40
    statuses = {p.code: p.reconciliation for _, p in precinct_statuses(uow_factory, SLUG)}
    assert {c for c, r in statuses.items() if r.status == "accepted"} == set(PRECINCTS[:-5])
    for code in PRECINCTS[-5:]:  # field by field, whichever clerk came second
        assert sorted(statuses[code].mismatches.items()) in (
            [("ballots_cast", (9, 10)), ("votes.bob", (3, 4))],
            [("ballots_cast", (10, 9)), ("votes.bob", (4, 3))])
    with uow_factory() as uow:
        entries = list(uow.audit.entries())
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    report = audit_log.verify(uow_factory, ScratchSqlite)
    assert report.ok, report.problems
