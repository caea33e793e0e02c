"""No silent lot: a tie broken by lot is in the result, the version and the log entry of the
command that made the version, with its seed; `log verify` recomputes it on replay."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import update

import tests.identities as ids
from hustings.bootstrap import ScratchSqlite
from hustings.domain.audit import canonical_json, entry_bytes, sha256_hex
from hustings.services import audit_log, results
from hustings.storage import tables as t
from tests.elections.builders import cvr, import_twice, open_election, toml
from tests.identity.tamper import edit

CANDIDATES = (("alice", "Alice Able"), ("bob", "Bob Baker"), ("cy", "Cy Cole"))
# Bob and Cy tie for last with 2 each and no earlier round: the seed decides who goes.
BALLOTS = [("N", ["Alice Able"], 4), ("N", ["Bob Baker"], 2), ("N", ["Cy Cole"], 2)]


def tied(factory: Any, seed: int = 7) -> str:
    slug = open_election(factory, toml("tied", "irv", CANDIDATES, [("N", "North")],
                                       rules=f"seed = {seed}"), {"N": 10})
    import_twice(factory, slug, cvr(BALLOTS))
    return slug


def test_the_lot_and_its_seed_are_in_the_log_entry_that_made_the_version(
        uow_factory: Any) -> None:
    slug = tied(uow_factory)
    result = results.published_result(uow_factory, slug)
    [tie] = [t for t in result["ties"] if "lot" in t["broken_by"]]
    assert "seed 7" in tie["broken_by"] and set(tie["between"]) == {"Bob Baker", "Cy Cole"}
    last = entries_of(uow_factory)[-1]
    payload = json.loads(last.payload)
    assert last.command == "ballots.import"
    [effect] = payload["effects"]
    assert effect["election"] == slug and effect["lots"] == [tie]
    with uow_factory() as uow:
        versions = uow.versions.all(slug)
    assert effect["result_version"] == versions[-1][0]
    assert "broken by lot drawn with seed 7" in versions[-1][2]
    assert audit_log.verify(uow_factory, ScratchSqlite).ok


def test_a_logged_lot_that_replay_does_not_draw_is_caught(container: Any) -> None:
    """The clerk whose import made the version re-signs its entry claiming the other lot: the
    signature and the chain are good, the replay decides otherwise."""
    factory = container.uow_factory
    slug = tied(factory)
    last = entries_of(factory)[-1]
    payload = json.loads(last.payload)
    lot = payload["effects"][0]["lots"][0]
    other = next(c for c in lot["between"] if c != lot["chosen"])
    payload["effects"][0]["lots"][0]["chosen"] = other
    body = canonical_json(payload)
    data = entry_bytes(last.seq, last.at, last.actor, last.command, body, last.prev_hash,
                       last.version, last.key_id)
    signature = ids.signer(factory, last.actor).sign(data)
    edit(container, update(t.audit_log).where(t.audit_log.c.seq == last.seq)
         .values(payload=body, hash=sha256_hex(data), signature=signature))
    report = audit_log.verify(factory, ScratchSqlite)
    assert not report.ok
    assert f"log entry {last.seq} (ballots.import): what it logs as decided" in \
        report.problems[0] and slug in report.problems[0]


def entries_of(factory: Any) -> list[Any]:
    with factory() as uow:
        return list(uow.audit.entries())

