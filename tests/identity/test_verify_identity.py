"""`log verify` checks who signed what: signatures, registered keys, credentials, time order."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

import tests.identities as ids
from hustings.bootstrap import ScratchSqlite
from hustings.domain.audit import naive_utc
from hustings.domain.errors import PermissionDenied, RuleViolation
from hustings.domain.users import Role, User
from hustings.services import audit_log, identity, tallies, users
from hustings.services.commands import (
    HANDLERS,
    VERSIONS,
    append_audit,
    as_user,
    command,
    handler_for,
    run,
)
from hustings.storage import tables as t
from tests.identity.tamper import edit, entries, rehash
from tests.integrity.builders import SLUG, build, cli, sheet

TALLY = b"precinct,registered,ballots_cast,ann,bob,blank,invalid\nN,10,9,8,1,0,0\n"


@pytest.fixture
def story(container: Any) -> Any:
    """An election with one sheet entered by both clerks."""
    build(container.uow_factory)
    clerks = [ids.ctx(container.uow_factory, clerk) for clerk in ("clerk-a", "clerk-b")]
    for clerk in clerks:
        tallies.import_tallies(container.uow_factory, SLUG, TALLY, "t.csv", clerk)
    return container


def verify(capsys: pytest.CaptureFixture[str], container: Any) -> tuple[int, str]:
    container.engine.dispose()
    code, out, err = cli(capsys, "--db", container.settings.database_url, "log", "verify")
    return code, out + err


def test_every_entry_is_signed_by_its_actor(story: Any,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with story.uow_factory() as uow:
        keys = {u.username: u.public_key for u in uow.users.all()}
    logged = entries(story)
    assert {e.actor for e in logged} == {ids.ADMIN, "committee", "clerk-a", "clerk-b"}
    for e in logged:
        assert e.key_id == identity.key_id(keys[e.actor])
        assert identity.valid_signature(keys[e.actor], e.signed_bytes(), e.signature)
        assert not identity.valid_signature(keys[ids.ADMIN if e.actor != ids.ADMIN
                                                 else "committee"],
                                            e.signed_bytes(), e.signature)
    code, out = verify(capsys, story)
    assert code == 0, out


def test_one_bad_signature_is_named(story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    target = next(e for e in entries(story) if e.command == "tally.import")
    forged = target.signature[:-2] + ("00" if not target.signature.endswith("00") else "11")
    edit(story, update(t.audit_log).where(t.audit_log.c.seq == target.seq)
         .values(signature=forged))
    code, out = verify(capsys, story)
    assert code == 7
    assert f"log entry {target.seq} (tally.import by clerk-a): the signature does not " \
           "verify with the key registered for clerk-a" in out


def test_an_actor_changed_and_the_chain_rehashed_is_caught(
        story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """The insider makes clerk-a's entry look like clerk-b's, in the log and in the sheets."""
    first = next(e for e in entries(story) if e.command == "tally.import")
    edit(story, update(t.audit_log).where(t.audit_log.c.seq == first.seq)
         .values(actor="clerk-b"),
         update(t.tally_sheets).where(t.tally_sheets.c.entered_by == "clerk-a")
         .values(entered_by="clerk-b"))
    rehash(story)
    code, out = verify(capsys, story)
    assert code == 7
    assert f"log entry {first.seq} (tally.import by clerk-b): the signature does not " \
           "verify with the key registered for clerk-b" in out


def test_a_replaced_password_hash_is_caught(story: Any,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The insider seals a key of their own under a password they know, in clerk-a's row."""
    mine = identity.new_key()
    credential = identity.seal(mine, "Insider-Knows-This-1").encode()
    signature = bytes(mine.sign(identity.credential_bytes("clerk-a", credential))
                      .signature).hex()
    edit(story, update(t.users).where(t.users.c.username == "clerk-a")
         .values(password_hash=credential, credential_sig=signature))
    code, out = verify(capsys, story)
    assert code == 7
    assert "user 'clerk-a': the stored password credential is not signed by the user's key " \
           "(password hash replaced)" in out
    with pytest.raises(PermissionDenied, match="not the key registered"):
        users.authenticate(story.uow_factory, "clerk-a", "Insider-Knows-This-1")


def test_a_replaced_public_key_is_caught(story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    mine = identity.new_key()
    edit(story, update(t.users).where(t.users.c.username == "clerk-b")
         .values(public_key=identity.public_hex(mine)))
    code, out = verify(capsys, story)
    assert code == 7
    assert "user 'clerk-b': the stored public key is not the one the log registered " \
           "(replaced)" in out


def test_a_back_dated_entry_is_refused_and_caught(story: Any,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    logged = entries(story)
    past = naive_utc(logged[-1].at) - timedelta(days=1)
    with pytest.raises(RuleViolation, match="a back-dated entry is refused"):
        tallies.enter_tally(story.uow_factory, SLUG, sheet("S", {"ann": 5, "bob": 4}),
                            ids.ctx(story.uow_factory, "clerk-a", now=past))
    assert len(entries(story)) == len(logged)
    last = logged[-1]
    edit(story, update(t.audit_log).where(t.audit_log.c.seq == last.seq)
         .values(at=datetime(2001, 1, 1)))
    rehash(story)
    code, out = verify(capsys, story)
    assert code == 7
    assert f"log entry {last.seq} (tally.import by clerk-b): dated 2001-01-01T00:00:00, " \
           "before the entry preceding it" in out and "back-dated" in out


def test_two_users_with_one_key_are_refused_and_caught(
        story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """An administrator gives a second account their own key, to enter both sides alone."""
    factory = story.uow_factory
    admin = ids.signer(factory)
    proof = admin.sign(identity.registration_bytes("clerk-z", "clerk", admin.public_key))
    payload = {"username": "clerk-z", "role": "clerk", "public_key": admin.public_key,
               "proof": proof}
    with pytest.raises(RuleViolation, match="two users never share a key"):
        run(factory, "user.add", payload, as_user(admin))
    # Done behind the service's back, with the database: the log shows it.
    with factory() as uow:
        uow.begin_write()
        uow.users.add(User("clerk-z", Role.CLERK, "!", admin.public_key), datetime.now())
        append_audit(uow, "user.add", payload, as_user(admin).stamped())
        uow.commit()
    code, out = verify(capsys, story)
    assert code == 7
    assert "the key registered for clerk-z is also test-admin's: one person could enter " \
           "both sides of a tally sheet" in out


def test_command_versions_replay_with_the_handler_that_wrote_them() -> None:
    calls: list[int] = []

    @command("test.versioned")
    def _v1(uow: Any, payload: dict[str, Any], ctx: Any) -> None:
        calls.append(1)

    @command("test.versioned", version=2)
    def _v2(uow: Any, payload: dict[str, Any], ctx: Any) -> None:
        calls.append(2)

    assert VERSIONS["test.versioned"] == 2 and HANDLERS["test.versioned"] is _v2
    assert handler_for("test.versioned", 1) is _v1 and handler_for("test.versioned", 3) is None


def test_an_unknown_command_version_fails_verification(
        story: Any, capsys: pytest.CaptureFixture[str]) -> None:
    target = next(e for e in entries(story) if e.command == "election.create")
    edit(story, update(t.audit_log).where(t.audit_log.c.seq == target.seq).values(version=9))
    report = audit_log.verify(story.uow_factory, ScratchSqlite)
    assert not report.ok
    assert any(f"log entry {target.seq}" in p for p in report.problems)
