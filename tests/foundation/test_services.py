"""The foundation's use cases on real databases (SQLite and PostgreSQL), built by migrations."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

import tests.identities as ids
from hustings.domain.errors import AlreadyExists, InvalidInput, NotFound, RuleViolation
from hustings.domain.polling import TallySheet
from hustings.services import elections, lifecycle, members, tallies
from hustings.services.results import election_result
from hustings.storage import tables as t
from tests.conftest import DEMO_DIR

DEFINITION = """
[organisation]
slug = "union"
name = "The Union"
[office]
slug = "president"
name = "President"
[body]
slug = "members"
name = "Members"
[election]
slug = "pres-2024"
title = "Presidential election 2024"
method = "plurality"
[eligibility]
cutoff = 2024-01-01
min_months = 12
[timetable]
polling_day = 2024-03-01
[[candidates]]
key = "ann"
name = "Ann Able"
[[candidates]]
key = "bob"
name = "Bob Baker"
[rules]
seed = 1
"""
MEMBERS = b"""member_id,name,joined,standing,precinct
1,One,2020-01-01,good,N
2,Two,2020-01-01,good,N
3,Three,2020-01-01,good,S
4,Four,2023-06-01,good,S
5,Five,2020-01-01,suspended,S
6,Six,2022-12-31,good,S
"""
PRECINCTS = b"code,name\nN,North\nS,South\n"


def table_counts(container: Any) -> dict[str, int]:
    with container.engine.connect() as conn:
        return {name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in t.metadata.tables.items()}


@pytest.fixture
def ready(uow_factory: Any) -> Any:
    elections.create_election(uow_factory, DEFINITION, "def.toml", ids.ctx(uow_factory))
    members.import_members(uow_factory, "members", MEMBERS, "m.csv", ids.ctx(uow_factory))
    elections.import_precincts(uow_factory, "pres-2024", PRECINCTS, "p.csv", ids.ctx(uow_factory))
    frozen = elections.freeze_roll(uow_factory, "pres-2024", ids.ctx(uow_factory))
    assert frozen.size == 4 and frozen.by_precinct == {"N": 2, "S": 2}
    lifecycle.advance(uow_factory, "pres-2024", "nominations", ids.ctx(uow_factory))
    lifecycle.advance(uow_factory, "pres-2024", "voting", ids.ctx(uow_factory))
    return uow_factory


def twice(call: Any, *args: Any, **kwargs: Any) -> None:
    """Enter the same figures as two clerks: a sheet counts only then."""
    for clerk in ("clerk-a", "clerk-b"):
        call(*args, ids.ctx(args[0], clerk), **kwargs)


def test_whole_flow_gives_the_result(ready: Any) -> None:
    data = b"precinct,registered,ballots_cast,ann,bob,blank,invalid\nN,2,2,1,1,0,0\n"
    tallies.import_tallies(ready, "pres-2024", data, "t.csv", ids.ctx(ready, "clerk-a"))
    assert election_result(ready, "pres-2024").precincts_reporting == 0  # one clerk is not enough
    tallies.import_tallies(ready, "pres-2024", data, "t.csv", ids.ctx(ready, "clerk-b"))
    partial = election_result(ready, "pres-2024").to_dict()
    assert partial["status"] == "counting"
    assert partial["precincts"] == {"reporting": 1, "total": 2}
    twice(tallies.enter_tally, ready, "pres-2024",
          TallySheet("initial", "S", 2, 2, {"ann": 2, "bob": 0}))
    result = election_result(ready, "pres-2024").to_dict()
    assert result["status"] == "provisional"
    assert result["candidates"] == [{"name": "Ann Able", "votes": 3, "percentage": "75.00"},
                                    {"name": "Bob Baker", "votes": 1, "percentage": "25.00"}]
    assert result["turnout"] == "100.0" and result["winner"] == "Ann Able"
    assert result["margin"] == 2


def test_every_change_is_in_the_audit_log(ready: Any, container: Any) -> None:
    with ready() as uow:
        commands = [e.command for e in uow.audit.entries()]
    assert commands == ["user.init", "election.create", "members.import", "precincts.import",
                        "roll.freeze", "election.advance", "election.advance"]


@pytest.mark.parametrize(("csv", "words"), [
    (b"Q,2,2,1,1,0,0\n", "unknown precinct 'Q'"),
    (b"N,3,2,1,1,0,0\n", "frozen roll has 2 voters"),
    (b"N,2,2,1,1,0,0\nS,2,3,1,1,0,0\n", "ballots_cast = 3"),
])
def test_rejected_tally_import_changes_nothing(ready: Any, container: Any, csv: bytes,
                                               words: str) -> None:
    before = table_counts(container)
    data = b"precinct,registered,ballots_cast,ann,bob,blank,invalid\n" + csv
    with pytest.raises(InvalidInput) as info:
        tallies.import_tallies(ready, "pres-2024", data, "t.csv", ids.ctx(ready))
    assert words in str(info.value) and "t.csv:" in str(info.value)
    assert table_counts(container) == before


def test_second_sheet_for_a_precinct_is_refused(ready: Any) -> None:
    sheet = TallySheet("initial", "N", 2, 2, {"ann": 1, "bob": 1})
    tallies.enter_tally(ready, "pres-2024", sheet, ids.ctx(ready))
    with pytest.raises(InvalidInput, match="a correction needs a reason"):
        tallies.enter_tally(ready, "pres-2024", sheet, ids.ctx(ready))


def test_tally_for_unknown_poll_or_candidate(ready: Any) -> None:
    with pytest.raises(NotFound, match="no poll 'runoff'"):
        tallies.enter_tally(ready, "pres-2024",
                            TallySheet("runoff", "N", 2, 2, {"ann": 1, "bob": 1}), ids.ctx(ready))
    with pytest.raises(InvalidInput, match="unknown candidate 'cat'"):
        tallies.enter_tally(ready, "pres-2024",
                            TallySheet("initial", "N", 2, 2, {"ann": 1, "cat": 1}), ids.ctx(ready))


def test_tally_and_voting_need_the_frozen_roll(uow_factory: Any) -> None:
    elections.create_election(uow_factory, DEFINITION, "def.toml", ids.ctx(uow_factory))
    elections.import_precincts(uow_factory, "pres-2024", PRECINCTS, "p.csv", ids.ctx(uow_factory))
    with pytest.raises(RuleViolation, match="draft"):
        tallies.enter_tally(uow_factory, "pres-2024",
                            TallySheet("initial", "N", 2, 2, {"ann": 1,
                                       "bob": 1}), ids.ctx(uow_factory))
    lifecycle.advance(uow_factory, "pres-2024", "nominations", ids.ctx(uow_factory))
    with pytest.raises(RuleViolation, match="not frozen"):
        lifecycle.advance(uow_factory, "pres-2024", "voting", ids.ctx(uow_factory))


def test_roll_rules(ready: Any) -> None:
    with pytest.raises(RuleViolation, match="only be frozen before voting"):
        elections.freeze_roll(ready, "pres-2024", ids.ctx(ready))
    with pytest.raises(RuleViolation, match="frozen"):
        elections.import_precincts(ready, "pres-2024", b"code,name\nE,East\n", "p.csv",
                                   ids.ctx(ready))


def test_unplaced_members_block_the_freeze(uow_factory: Any) -> None:
    elections.create_election(uow_factory, DEFINITION, "def.toml", ids.ctx(uow_factory))
    members.import_members(uow_factory, "members", MEMBERS, "m.csv", ids.ctx(uow_factory))
    elections.import_precincts(uow_factory, "pres-2024", b"code,name\nN,North\n", "p.csv",
                               ids.ctx(uow_factory))
    with pytest.raises(InvalidInput, match="S: 2"):
        elections.freeze_roll(uow_factory, "pres-2024", ids.ctx(uow_factory))


def test_duplicates_and_unknowns(uow_factory: Any, container: Any) -> None:
    elections.create_election(uow_factory, DEFINITION, "def.toml", ids.ctx(uow_factory))
    with pytest.raises(AlreadyExists):
        elections.create_election(uow_factory, DEFINITION, "def.toml", ids.ctx(uow_factory))
    members.import_members(uow_factory, "members", MEMBERS, "m.csv", ids.ctx(uow_factory))
    before = table_counts(container)
    with pytest.raises(InvalidInput, match="already a member"):
        members.import_members(uow_factory, "members", MEMBERS, "again.csv", ids.ctx(uow_factory))
    with pytest.raises(NotFound, match="no body 'nobody'"):
        members.import_members(uow_factory, "nobody", MEMBERS, "m.csv", ids.ctx(uow_factory))
    with pytest.raises(InvalidInput, match="duplicate member id"):
        members.import_members(uow_factory, "members", MEMBERS + b"1,Dup,2020-01-01,good,N\n",
                               "m.csv", ids.ctx(uow_factory))
    assert table_counts(container) == before


def test_demo_definitions_create(uow_factory: Any) -> None:
    for name in ("labor-2001.toml", "labor-2002.toml", "labor-2003.toml"):
        elections.create_election(uow_factory, (DEMO_DIR / name).read_text(), name,
                                  ids.ctx(uow_factory))
    with uow_factory() as uow:
        assert [e.slug for e in uow.elections.all()] == ["labor-2001", "labor-2002", "labor-2003"]
        assert uow.elections.get("labor-2003").body == "central-committee"
