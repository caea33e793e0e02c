"""The tamper-evident log: `log verify` finds edits that bypass it; `log export` and `log head`."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select, text, update

import tests.identities as ids
from hustings.services import disputes
from hustings.storage import tables as t
from tests.integrity.builders import (
    SLUG,
    build,
    cli,
    enter_both,
    report_all,
    sheet,
)

EVIDENCE = b"Photographs of the ballot box of S, taken at 23:10.\n"


@pytest.fixture
def story(uow_factory: Any, container: Any) -> Any:
    """A small election with every kind of entry: sheets, a dispute with evidence, a re-vote."""
    build(uow_factory)
    report_all(uow_factory)
    number = disputes.file_dispute(uow_factory, SLUG, "initial", ["S"], "box opened",
                                   ids.ctx(uow_factory, "committee"), [("photos.txt", EVIDENCE)])
    disputes.rule(uow_factory, SLUG, number, "void-and-revote", "proven",
                  ids.ctx(uow_factory, "tribunal"), revote_day=date(2024, 4, 1))
    enter_both(uow_factory, SLUG, sheet("S", {"ann": 2, "bob": 7}, poll="revote-1"))
    return container


def verify(capsys: pytest.CaptureFixture[str], container: Any) -> tuple[int, str, str]:
    container.engine.dispose()  # the CLI opens its own connections
    return cli(capsys, "--db", container.settings.database_url, "log", "verify")


def tamper(container: Any, *statements: Any) -> None:
    with container.engine.begin() as conn:
        for statement in statements:
            conn.execute(statement)


def seq_of(container: Any, command: str) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(select(t.audit_log.c.seq).where(
            t.audit_log.c.command == command).order_by(t.audit_log.c.seq)).scalars().first())


def test_an_intact_log_verifies(story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = verify(capsys, story)
    assert code == 0, err
    # 15 changes and 5 users (the test administrator and 4 actors)
    assert "log intact: 20 entries" in out and "matches the database" in out


def test_a_vote_changed_by_plain_sql_is_found(story: Any,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with story.engine.connect() as conn:
        target = conn.execute(select(t.tally_sheets.c.id).order_by(t.tally_sheets.c.id)
                              .limit(1)).scalar_one()
    tamper(story, update(t.tally_sheets).where(t.tally_sheets.c.id == target)
           .values(votes={"ann": 9, "bob": 0}))
    code, _, err = verify(capsys, story)
    assert code == 7
    assert "table tally_sheets: row not produced by the log" in err
    assert "votes={\"ann\":9,\"bob\":0}" in err and "entered_by=clerk-a" in err
    assert "table tally_sheets: row the log produces is missing or altered" in err
    assert "votes={\"ann\":8,\"bob\":1}" in err


def test_a_deleted_entry_is_found(story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    seq = seq_of(story, "dispute.file")
    tamper(story, t.audit_log.delete().where(t.audit_log.c.seq == seq))
    code, _, err = verify(capsys, story)
    assert code == 7
    assert f"log entry {seq + 1}: expected entry {seq} here (an entry is missing or out of " \
        "order)" in err


def test_a_deleted_last_entry_is_found_by_the_rebuild(story: Any,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with story.engine.connect() as conn:
        last = conn.execute(select(t.audit_log.c.seq).order_by(t.audit_log.c.seq.desc())
                            .limit(1)).scalar_one()
    tamper(story, t.audit_log.delete().where(t.audit_log.c.seq == last))
    code, _, err = verify(capsys, story)
    assert code == 7
    assert "table tally_sheets: row not produced by the log" in err and "clerk-b" in err


def test_reordered_entries_are_found(story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    a = seq_of(story, "dispute.file")
    b = a + 1
    seq = t.audit_log.c.seq
    tamper(story, update(t.audit_log).where(seq == a).values(seq=-1),
           update(t.audit_log).where(seq == b).values(seq=a),
           update(t.audit_log).where(seq == -1).values(seq=b))
    code, _, err = verify(capsys, story)
    assert code == 7
    assert f"log entry {a}: its previous-hash does not match entry {a - 1} (entries removed " \
        "or reordered)" in err


def test_an_edited_payload_is_found(story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    seq = seq_of(story, "dispute.file")
    with story.engine.connect() as conn:
        payload = conn.execute(select(t.audit_log.c.payload).where(
            t.audit_log.c.seq == seq)).scalar_one()
    edited = payload.replace("box opened", "box sealed")
    assert edited != payload
    tamper(story, update(t.audit_log).where(t.audit_log.c.seq == seq).values(payload=edited))
    code, _, err = verify(capsys, story)
    assert code == 7
    assert f"log entry {seq} (dispute.file): content does not match its hash (edited)" in err


def test_an_edited_blob_is_found(story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    digest = hashlib.sha256(EVIDENCE).hexdigest()
    tamper(story, update(t.blobs).where(t.blobs.c.sha256 == digest)
           .values(content=EVIDENCE.replace(b"23:10", b"21:10")))
    code, _, err = verify(capsys, story)
    assert code == 7
    assert f"stored file {digest[:12]}… (log entry {seq_of(story, 'dispute.file')}) does not " \
        "match its SHA-256 (edited)" in err


def test_an_added_tenure_is_found(story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with story.engine.connect() as conn:
        office = conn.execute(select(t.offices.c.id)).scalar_one()
    tamper(story, t.tenures.insert().values(office_id=office, holder="Mallory", kind="elected",
                                            start=date(2024, 3, 2)))
    code, _, err = verify(capsys, story)
    assert code == 7 and "table tenures: row not produced by the log: " in err
    assert "holder=Mallory" in err


def test_export_and_head(story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Any) -> None:
    db = story.settings.database_url
    code, out, err = cli(capsys, "--db", db, "log", "export")
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert [e["seq"] for e in lines] == list(range(1, 21))
    assert all(len(e["signature"]) == 128 and e["key_id"] and e["version"] == 1 for e in lines)
    assert lines[0]["prev_hash"] == "0" * 64
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(lines, lines[1:], strict=False))
    filed = next(e for e in lines if e["command"] == "dispute.file")
    assert filed["actor"] == "committee" and filed["payload"]["evidence"] == [
        {"name": "photos.txt", "sha256": hashlib.sha256(EVIDENCE).hexdigest()}]
    code, out, _ = cli(capsys, "--db", db, "log", "head")
    assert code == 0 and out.split() == ["20", lines[-1]["hash"]]
    target = tmp_path / "log.jsonl"
    code, _, _ = cli(capsys, "--db", db, "log", "export", "--output", str(target))
    assert code == 0
    assert [json.loads(x) for x in target.read_text().splitlines()] == lines


def test_the_demo_database_verifies_clean(demo: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = cli(capsys, "--db", demo.settings.database_url, "log", "verify")
    assert code == 0, err
    assert "log intact: 46 entries" in out  # 43 changes (Mitzna resigns) and its 3 users


def test_a_demo_vote_changed_by_plain_sql_is_found(demo: Any,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    with demo.engine.begin() as conn:
        conn.execute(text("UPDATE tally_sheets SET ballots_cast = ballots_cast + 1 "
                          "WHERE id = (SELECT MIN(id) FROM tally_sheets)"))
    demo.engine.dispose()
    code, _, err = cli(capsys, "--db", demo.settings.database_url, "log", "verify")
    assert code == 7 and "table tally_sheets: row not produced by the log" in err
