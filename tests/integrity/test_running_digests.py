"""The running state digests (storage/digests.py) stay equal to a count from scratch after any
sequence of service operations, refused ones included, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, update

import tests.identities as ids
from hustings.domain.errors import HustingsError
from hustings.services import disputes, elections, lifecycle, members, tallies
from hustings.storage import tables as t
from hustings.storage.digests import DIGESTED, empty
from tests.integrity.builders import SLUG, build, definition, members_csv, sheet

PRECINCTS = ("N", "S", "E")
CLERKS = ("clerk-a", "clerk-b")


def assert_running_equals_scan(uow_factory: Any) -> dict[str, str]:
    with uow_factory() as uow:
        running, scanned = uow.running_digests(), uow.state_digests()
    assert set(running) == set(DIGESTED)
    assert running == scanned
    return running


def _sheet(uow_factory: Any, precinct: str, clerk: int, ann: int, correction: bool,
           poll: str) -> None:
    figures = sheet(precinct, {"ann": ann, "bob": 10 - ann}, poll=poll)
    tallies.enter_tally(uow_factory, SLUG, figures, ids.ctx(uow_factory, CLERKS[clerk]),
                        reason="recounted" if correction else None)


def _dispute(uow_factory: Any, precinct: str, decision: str) -> None:
    admin = ids.ctx(uow_factory)
    number = disputes.file_dispute(uow_factory, SLUG, "initial", [precinct], "irregular",
                                   admin, evidence=[("e.txt", precinct.encode())])
    disputes.rule(uow_factory, SLUG, number, decision, "found so", admin,
                  revote_day=date(2024, 4, 1) if decision == "void-and-revote" else None)


def _members(uow_factory: Any, n: int) -> None:
    csv = members_csv({"N": n}).replace(b"N0", b"X0")  # new member ids in precinct N
    members.import_members(uow_factory, "members", csv, f"more-{n}.csv", ids.ctx(uow_factory))


def _second_election(uow_factory: Any, seed: int) -> None:
    admin = ids.ctx(uow_factory)
    slug = f"second-{seed}"
    elections.create_election(uow_factory, definition(slug=slug, precincts=PRECINCTS),
                              "second.toml", admin)
    elections.freeze_roll(uow_factory, slug, admin)


def _certify(uow_factory: Any) -> None:
    lifecycle.certify(uow_factory, SLUG, ids.ctx(uow_factory))


def _tenure_end(uow_factory: Any) -> None:
    lifecycle.end_tenure(uow_factory, "union", "president", "Ann ANN", date(2024, 6, 1),
                         "resigned", ids.ctx(uow_factory))


def _user(uow_factory: Any, n: int, disable: bool) -> None:
    from hustings.services import users

    name = f"clerk-x{n}"
    ids.ensure(uow_factory, name)
    if disable:
        users.disable_user(uow_factory, name, ids.ctx(uow_factory))


operations = st.one_of(
    st.tuples(st.just("sheet"), st.sampled_from(PRECINCTS), st.integers(0, 1),
              st.integers(0, 10), st.booleans(), st.sampled_from(["initial", "revote-1"])),
    st.tuples(st.just("dispute"), st.sampled_from(PRECINCTS),
              st.sampled_from(["dismiss", "recount", "void-and-revote"])),
    st.tuples(st.just("members"), st.integers(1, 30)),
    st.tuples(st.just("election"), st.integers(0, 3)),
    st.tuples(st.just("certify")),
    st.tuples(st.just("tenure")),
    st.tuples(st.just("user"), st.integers(0, 3), st.booleans()),
)


def _run(uow_factory: Any, op: tuple[Any, ...]) -> None:
    kind, *args = op
    action = {"sheet": _sheet, "dispute": _dispute, "members": _members,
              "election": _second_election, "certify": _certify, "tenure": _tenure_end,
              "user": _user}[kind]
    try:
        action(uow_factory, *args)
    except HustingsError:
        pass  # refused: it changed nothing, digests included


def test_running_digests_follow_every_service_operation(uow_factory: Any) -> None:
    before = assert_running_equals_scan(uow_factory)
    assert all(value == empty() for value in before.values())
    build(uow_factory)
    for clerk in CLERKS:
        ids.ensure(uow_factory, clerk)
    assert_running_equals_scan(uow_factory)

    @settings(max_examples=12, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(st.lists(operations, min_size=1, max_size=5))
    def check(sequence: list[tuple[Any, ...]]) -> None:
        for op in sequence:  # the database grows from one example to the next
            _run(uow_factory, op)
        assert_running_equals_scan(uow_factory)

    check()


def test_a_changed_key_counts_the_rows_that_point_at_it_again(uow_factory: Any) -> None:
    """A precinct's code is part of every roll entry's and sheet's canonical form: changing it
    (never done by a command, but a write like any other) counts the referring tables afresh;
    deleting and inserting rows whose keys are given is followed row by row."""
    build(uow_factory)
    with uow_factory() as uow:
        uow.begin_write()
        conn = uow._conn  # type: ignore[attr-defined]
        conn.execute(update(t.precincts).where(t.precincts.c.code == "N").values(code="NN"))
        conn.execute(delete(t.poll_precincts).where(t.poll_precincts.c.precinct_id == 1))
        conn.execute(insert(t.poll_precincts), [{"poll_id": 1, "precinct_id": 1}])
        conn.execute(delete(t.candidates).where(t.candidates.c.key == "bob"))
        uow.commit()
    running = assert_running_equals_scan(uow_factory)
    assert running["candidates"].startswith("1:")


def test_a_rolled_back_write_leaves_the_digests(uow_factory: Any) -> None:
    build(uow_factory)
    before = assert_running_equals_scan(uow_factory)
    with uow_factory() as uow:
        uow.begin_write()
        uow._conn.execute(delete(t.candidates))  # type: ignore[attr-defined]
    assert assert_running_equals_scan(uow_factory) == before


def test_the_demo_keeps_its_running_digests(demo_url: str) -> None:
    """The whole 2001 story (disputes, re-votes, tenures, the record, online voting if the
    demo runs it): every write kept the digests."""
    from hustings.bootstrap import Container, Settings

    container = Container(Settings(demo_url))
    try:
        assert_running_equals_scan(container.uow_factory)
    finally:
        container.close()
