"""A large roll freeze (PostgreSQL loads it with its foreign keys checked in bulk): the same
roll as a small one, and the keys still there, validated and enforced afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

import tests.identities as ids
from hustings.services import elections, members
from hustings.storage import tables as t
from hustings.storage.repo_roll import SqlRollRepo
from tests.foundation.test_services import DEFINITION, PRECINCTS


def _members(count: int) -> bytes:
    """`count` members, all eligible but the last two (joined too late; suspended)."""
    rows = [f"{i},Member {i},2020-01-01,good,{'NS'[i % 2]}" for i in range(count - 2)]
    rows += [f"{count - 2},Late,2023-06-01,good,N", f"{count - 1},Out,2020-01-01,suspended,S"]
    return ("member_id,name,joined,standing,precinct\n" + "\n".join(rows) + "\n").encode()


def _foreign_keys(conn: Any) -> dict[str, tuple[int, bool]]:
    """roll_entries' foreign keys on PostgreSQL: name -> (its oid, whether validated)."""
    return {name: (int(oid), valid) for name, oid, valid in conn.execute(text(
        "SELECT conname, oid, convalidated FROM pg_constraint "
        "WHERE conrelid = 'roll_entries'::regclass AND contype = 'f'"))}


def _keys_before(container: Any) -> dict[str, tuple[int, bool]]:
    with container.engine.connect() as conn:
        return _foreign_keys(conn) if conn.dialect.name == "postgresql" else {}


@pytest.mark.parametrize("size", [SqlRollRepo.BULK_FROM + 2, 6])
def test_a_large_freeze_copies_the_roll_and_keeps_its_keys(
    uow_factory: Any, container: Any, size: int
) -> None:
    elections.create_election(uow_factory, DEFINITION, "def.toml", ids.ctx(uow_factory))
    members.import_members(uow_factory, "members", _members(size), "m.csv",
                           ids.ctx(uow_factory))
    elections.import_precincts(uow_factory, "pres-2024", PRECINCTS, "p.csv",
                               ids.ctx(uow_factory))
    before = _keys_before(container)
    frozen = elections.freeze_roll(uow_factory, "pres-2024", ids.ctx(uow_factory))
    eligible = size - 2
    assert frozen.size == eligible
    assert frozen.by_precinct == {"N": (eligible + 1) // 2, "S": eligible // 2}
    with container.engine.connect() as conn:
        on_roll = set(conn.execute(select(t.members.c.member_id).join(
            t.roll_entries, t.roll_entries.c.member_row_id == t.members.c.id)).scalars())
        assert on_roll == {str(i) for i in range(eligible)}
        if conn.dialect.name != "postgresql":
            return
        after = _foreign_keys(conn)
        assert set(after) == {str(k.name) for k in t.roll_entries.foreign_key_constraints}
        assert all(valid for _, valid in after.values())
        # the large roll dropped and re-made its keys (new oids); the small one kept them
        bulk = size >= SqlRollRepo.BULK_FROM
        assert all((after[k][0] != before[k][0]) == bulk for k in after)
        election, precinct = conn.execute(select(
            t.roll_entries.c.election_id, t.roll_entries.c.precinct_id).limit(1)).one()
        missing = conn.execute(select(func.max(t.members.c.id))).scalar_one() + 1
        with pytest.raises(IntegrityError, match="fk_roll_entries_member_row_id_members"):
            conn.execute(insert(t.roll_entries).values(
                election_id=election, member_row_id=missing, precinct_id=precinct))
