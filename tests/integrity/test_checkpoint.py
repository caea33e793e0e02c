"""Checkpoints: signed (size, Merkle root) statements kept outside the database, and
`log verify --checkpoint FILE` proving that today's log still extends each one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

import tests.identities as ids
from hustings.domain import merkle
from hustings.domain.checkpoint import Checkpoint, parse
from hustings.services import identity, results
from hustings.storage import tables as t
from tests.identity.tamper import edit, entries, rehash
from tests.integrity.builders import SLUG, build, cli, enter_both, sheet
from tests.integrity.rebuild import rebuild


@pytest.fixture(autouse=True)
def _verified_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replicas kept by `log checkpoint` for PostgreSQL databases go under the test's folder."""
    monkeypatch.setenv("HUSTINGS_VERIFIED_DIR", str(tmp_path / "verified"))


@pytest.fixture
def story(container: Any) -> Any:
    """An election with two precincts reported by both clerks."""
    build(container.uow_factory)
    enter_both(container.uow_factory, SLUG, sheet("N", {"ann": 8, "bob": 1}),
               sheet("S", {"ann": 5, "bob": 4}))
    container.engine.dispose()
    return container


def checkpoint(capsys: pytest.CaptureFixture[str], container: Any, out: Path,
               user: str = ids.ADMIN) -> tuple[int, str, str]:
    container.engine.dispose()
    return cli(capsys, "--db", container.settings.database_url, "log", "checkpoint", "--out",
               str(out), user=user)


def verify(capsys: pytest.CaptureFixture[str], container: Any,
           *files: Path) -> tuple[int, str, str]:
    container.engine.dispose()
    args = [a for f in files for a in ("--checkpoint", str(f))]
    return cli(capsys, "--db", container.settings.database_url, "log", "verify", *args)


def test_a_checkpoint_is_signed_recorded_and_extended(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    before = entries(story)
    code, out, err = checkpoint(capsys, story, tmp_path / "a.cp")
    assert code == 0, err
    cp = parse((tmp_path / "a.cp").read_text())
    assert cp.size == len(before)
    assert cp.root == merkle.root([e.leaf_hash() for e in before]).hex()
    assert cp.signer == ids.ADMIN
    with story.uow_factory() as uow:
        admin = uow.users.get(ids.ADMIN)
    assert admin is not None and cp.public_key == admin.public_key
    assert identity.valid_signature(cp.public_key, cp.signed_bytes(), cp.signature)
    after = entries(story)
    assert after[-1].command == "log.checkpoint" and after[-1].actor == ids.ADMIN
    assert json.loads(after[-1].payload)["root"] == cp.root
    enter_both(story.uow_factory, SLUG, sheet("E", {"ann": 5, "bob": 4}))
    code, out, err = verify(capsys, story, tmp_path / "a.cp")
    assert code == 0, err
    assert f"extends checkpoint {tmp_path / 'a.cp'} (size {cp.size})" in out


def test_a_checkpoint_names_the_log_it_belongs_to(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The origin line (as in C2SP tlog-checkpoint) is this log's: a checkpoint of another log
    is refused, naming the file (exit 2); a version 1 checkpoint, without an origin, is read."""
    first = entries(story)[0]
    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    text = (tmp_path / "a.cp").read_text()
    assert text.splitlines()[:2] == ["hustings checkpoint v2", f"origin hustings/{first.hash[:32]}"]
    other = text.replace(first.hash[:32], "0" * 32)
    (tmp_path / "other.cp").write_text(other)
    code, _, err = verify(capsys, story, tmp_path / "other.cp")
    assert code == 2 and "other.cp" in err and "a checkpoint of another log" in err
    admin = ids.ctx(story.uow_factory).stamped()
    cp = parse(text)
    old = Checkpoint(cp.size, cp.root, cp.at, cp.signer, cp.public_key)  # version 1
    old = Checkpoint(old.size, old.root, old.at, old.signer, old.public_key,
                     admin.signer.sign(old.signed_bytes()))
    assert old.text().startswith("hustings checkpoint v1\nsize ")
    (tmp_path / "v1.cp").write_text(old.text())
    code, out, err = verify(capsys, story, tmp_path / "v1.cp")
    assert code == 0, err
    assert "extends checkpoint" in out


def test_result_versions_record_the_log_they_were_made_at(story: Any) -> None:
    versions = results.versions(story.uow_factory, SLUG)
    logged = entries(story)
    assert versions
    for v in versions:
        size = v["log"]["size"]
        assert v["log"]["root"] == merkle.root([e.leaf_hash() for e in logged[:size]]).hex()
        assert logged[size].command == "tally.enter"  # the entry that made the version


def test_a_clerk_may_not_sign_a_checkpoint(story: Any, capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    before = entries(story)
    code, _, err = checkpoint(capsys, story, tmp_path / "c.cp", user="clerk-a")
    assert code == 6 and "may not run log.checkpoint" in err
    assert not (tmp_path / "c.cp").exists() and entries(story) == before


def test_a_checkpoint_that_does_not_parse_is_bad_input(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.cp"
    bad.write_text("hustings checkpoint v1\nsize ten\n")
    code, _, err = verify(capsys, story, bad)
    assert code == 2 and str(bad) in err and "not a checkpoint" in err
    code, _, err = verify(capsys, story, tmp_path / "absent.cp")
    assert code == 2 and "absent.cp" in err


def test_a_checkpoint_signed_by_an_unknown_key_is_bad_input(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = checkpoint(capsys, story, tmp_path / "a.cp")
    assert code == 0, err
    cp = parse((tmp_path / "a.cp").read_text())
    stranger = identity.new_key()
    forged = cp.__class__(cp.size, cp.root, cp.at, cp.signer, identity.public_hex(stranger))
    forged = forged.__class__(forged.size, forged.root, forged.at, forged.signer,
                              forged.public_key,
                              bytes(stranger.sign(forged.signed_bytes()).signature).hex())
    (tmp_path / "forged.cp").write_text(forged.text())
    code, _, err = verify(capsys, story, tmp_path / "forged.cp")
    assert code == 2 and "forged.cp" in err and "signed by an unknown key" in err
    altered = (tmp_path / "a.cp").read_text().replace(f"size {cp.size}", f"size {cp.size - 1}")
    (tmp_path / "altered.cp").write_text(altered)
    code, _, err = verify(capsys, story, tmp_path / "altered.cp")
    assert code == 2 and "altered.cp" in err and "signature does not verify" in err


def test_a_rollback_is_caught_by_the_checkpoint(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The database is put back as it was before clerk-b's entries: consistent, but the
    published checkpoint covers entries it no longer has."""
    code, _, err = checkpoint(capsys, story, tmp_path / "a.cp")
    assert code == 0, err
    first_b = next(e.seq for e in entries(story) if e.actor == "clerk-b")
    rebuild(story, first_b - 1)
    code, _, err = verify(capsys, story)
    assert code == 0, err  # the rolled-back database is consistent in itself
    code, _, err = verify(capsys, story, tmp_path / "a.cp")
    assert code == 7
    assert f"the log does not extend checkpoint {tmp_path / 'a.cp'}" in err
    assert f"it has only {first_b - 1} entries (rolled back" in err


def test_a_rebuild_from_an_old_log_is_caught_by_the_checkpoint(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Rebuilt from the log before clerk-b's entries, then clerk-b (really) enters other
    figures: a consistent database with as many entries, signed, but a different history."""
    early = tmp_path / "early.cp"
    assert checkpoint(capsys, story, early)[0] == 0
    size = len(entries(story))
    first_b = next(e.seq for e in entries(story) if e.actor == "clerk-b")
    rebuild(story, first_b - 1)
    for precinct, votes in (("N", {"ann": 1, "bob": 8}), ("S", {"ann": 4, "bob": 5})):
        from hustings.services import tallies
        tallies.enter_tally(story.uow_factory, SLUG, sheet(precinct, votes),
                            ids.ctx(story.uow_factory, "clerk-b"))
    while len(entries(story)) < size:
        ids.ensure(story.uow_factory, f"observer-{len(entries(story))}")
    assert len(entries(story)) >= size
    assert verify(capsys, story)[0] == 0
    code, _, err = verify(capsys, story, early)
    assert code == 7
    assert f"the log does not extend checkpoint {early}" in err
    assert "are not the ones the checkpoint signed" in err


def test_a_rehashed_chain_fails_the_signatures_and_the_checkpoint(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    target = next(e for e in entries(story) if e.command == "tally.enter"
                  and e.actor == "clerk-b")
    payload = json.loads(target.payload)
    payload["sheet"]["votes"]["bob"] += 3
    edit(story, update(t.audit_log).where(t.audit_log.c.seq == target.seq)
         .values(payload=json.dumps(payload, sort_keys=True, separators=(",", ":"))))
    rehash(story)
    code, _, err = verify(capsys, story, tmp_path / "a.cp")
    assert code == 7
    assert "the log does not extend checkpoint" in err
    assert f"log entry {target.seq} (tally.enter by clerk-b): the signature does not verify" \
        in err


def test_several_checkpoints_name_the_first_not_extended(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert checkpoint(capsys, story, tmp_path / "one.cp")[0] == 0
    enter_both(story.uow_factory, SLUG, sheet("E", {"ann": 5, "bob": 4}))
    assert checkpoint(capsys, story, tmp_path / "two.cp")[0] == 0
    one = parse((tmp_path / "one.cp").read_text())
    rebuild(story, one.size + 1)  # back to just after the first checkpoint's entry
    code, _, err = verify(capsys, story, tmp_path / "one.cp", tmp_path / "two.cp")
    assert code == 7
    assert f"checkpoint {tmp_path / 'two.cp'}" in err and "one.cp" not in err


def test_the_latest_checkpoint_is_served_and_shown(story: Any,
                                                   capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path) -> None:
    from tests.web.conftest import make_client

    with make_client(story) as client:
        r = client.get("/api/log/checkpoint")
        assert r.status_code == 404
        page = client.get("/log")
        assert page.status_code == 200 and "No checkpoint has been made yet." in page.text
    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    text = (tmp_path / "a.cp").read_text()
    with make_client(story) as client:
        r = client.get("/api/log/checkpoint")
        assert r.status_code == 200
        body = r.json()
        assert body["text"] == text and parse(body["text"]).size == body["size"]
        page = client.get("/log").text
        with story.engine.connect() as conn:
            size = conn.execute(select(t.log_tree.c.size)).scalar_one()
        assert f'<dd id="log-size">{size}</dd>' in page and body["root"] in page


def test_routine_verify_after_a_checkpoint_compares_digests_not_a_replay(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    code, out, err = verify(capsys, story)
    assert code == 0, err
    seq = entries(story)[-1].seq
    assert f"its digests match those signed at checkpoint entry {seq}" in out
    code, out, err = cli(capsys, "--db", story.settings.database_url, "log", "verify", "--full")
    assert code == 0, err and "the state rebuilt from the log matches the database" in out


def test_a_vote_changed_after_a_checkpoint_is_found_and_named(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    with story.engine.connect() as conn:
        row = conn.execute(select(t.tally_sheets.c.id, t.tally_sheets.c.votes)
                           .order_by(t.tally_sheets.c.id)).first()
    edit(story, update(t.tally_sheets).where(t.tally_sheets.c.id == row.id)
         .values(votes={**row.votes, "bob": row.votes["bob"] + 5}))
    code, _, err = verify(capsys, story)
    assert code == 7
    assert "table tally_sheets: row not produced by the log" in err


def test_a_checkpoint_is_refused_over_a_log_that_does_not_verify(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with story.engine.connect() as conn:
        row = conn.execute(select(t.tally_sheets.c.id, t.tally_sheets.c.votes)
                           .order_by(t.tally_sheets.c.id)).first()
    edit(story, update(t.tally_sheets).where(t.tally_sheets.c.id == row.id)
         .values(votes={**row.votes, "ann": row.votes["ann"] + 1}))
    before = entries(story)
    code, _, err = checkpoint(capsys, story, tmp_path / "a.cp")
    assert code == 7 and "no checkpoint made: the log does not verify" in err
    assert "table tally_sheets" in err
    assert entries(story) == before and not (tmp_path / "a.cp").exists()


def test_a_stored_checkpoint_row_edited_is_found(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    edit(story, update(t.log_checkpoints).values(state={"tally_sheets": "0:0"}))
    code, _, err = verify(capsys, story)
    assert code == 7 and "table log_checkpoints" in err


def test_the_state_digests_of_the_live_and_the_rebuilt_database_agree(story: Any) -> None:
    from hustings.bootstrap import ScratchSqlite

    with story.uow_factory() as uow:
        live = uow.state_digests()
        logged = list(uow.audit.entries())
    assert live["tally_sheets"].startswith("4:") and live["members"].startswith("30:")
    first_b = next(e.seq for e in logged if e.actor == "clerk-b")
    rebuild(story, first_b - 1)  # replayed into the same database: ids differ, rows do not
    with story.uow_factory() as uow:
        earlier = uow.state_digests()
    assert earlier["members"] == live["members"]
    assert earlier["tally_sheets"] != live["tally_sheets"]
    assert ScratchSqlite  # the replay in `log verify` uses the same digests


def test_the_tree_is_kept_per_entry_and_recomputed_when_missing(story: Any) -> None:
    """The frontier row is updated with each entry; a database without it (one migrated
    from before it was kept) gets the same tree from its entries, stored at the next entry."""
    def stored() -> tuple[int, list[str]] | None:
        with story.engine.connect() as conn:
            row = conn.execute(select(t.log_tree.c.size, t.log_tree.c.frontier)).first()
        return None if row is None else (row.size, list(row.frontier))

    logged = entries(story)
    expected = merkle.Frontier()
    for e in logged:
        expected.append(e.leaf_hash())
    assert stored() == (len(logged), expected.to_hex())
    edit(story, t.log_tree.delete())
    with story.uow_factory() as uow:
        assert uow.audit.tree().root() == expected.root()
    assert stored() is None  # reading never writes
    enter_both(story.uow_factory, SLUG, sheet("E", {"ann": 5, "bob": 4}))
    now = merkle.Frontier()
    for e in entries(story):
        now.append(e.leaf_hash())
    assert stored() == (now.size, now.to_hex())


def test_routine_verify_replays_only_the_entries_since_the_checkpoint(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    seq = entries(story)[-1].seq
    enter_both(story.uow_factory, SLUG, sheet("E", {"ann": 5, "bob": 4}))
    code, out, err = verify(capsys, story)
    assert code == 0, err
    assert f"the entries from checkpoint entry {seq} on, replayed on the state verified at " \
           "that checkpoint, give the database's state" in out
    with story.engine.connect() as conn:
        row = conn.execute(select(t.tally_sheets.c.id, t.tally_sheets.c.votes)
                           .order_by(t.tally_sheets.c.id)).first()
    edit(story, update(t.tally_sheets).where(t.tally_sheets.c.id == row.id)
         .values(votes={**row.votes, "bob": row.votes["bob"] + 5}))
    code, _, err = verify(capsys, story)
    assert code == 7 and "table tally_sheets: row not produced by the log" in err


def test_a_replaced_replica_is_not_trusted(story: Any, capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    """The kept state is checked against the digests the checkpoint signed; one that does
    not match (here: a vote changed in it) is set aside for a full replay."""
    from sqlalchemy import create_engine

    from hustings.bootstrap import verified_replica

    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    enter_both(story.uow_factory, SLUG, sheet("E", {"ann": 5, "bob": 4}))
    replica = create_engine(f"sqlite:///{verified_replica(story.settings.database_url)}")
    with replica.begin() as conn:
        conn.execute(update(t.tally_sheets).values(blank=3))
    replica.dispose()
    code, out, err = verify(capsys, story)
    assert code == 0, err
    assert "the state rebuilt from the log matches the database" in out


def test_digests_of_another_scheme_are_not_compared(story: Any,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """A checkpoint written when digests were computed differently still replays."""
    from hustings.services import checkpoints as service
    from hustings.services.commands import run

    admin = ids.ctx(story.uow_factory).stamped()
    with story.uow_factory() as uow:
        tree = uow.audit.tree()
    body = Checkpoint(tree.size, tree.root().hex(), admin.time,
                                          ids.ADMIN, admin.signer.public_key)
    signed = body.__class__(body.size, body.root, body.at, body.signer, body.public_key,
                            admin.signer.sign(body.signed_bytes()))
    run(story.uow_factory, "log.checkpoint",
        {**signed.to_dict(), "state": {"members": "0:0"},
         "state_scheme": service.STATE_SCHEME + 100}, admin)
    code, out, err = cli(capsys, "--db", story.settings.database_url, "log", "verify", "--full")
    assert code == 0, err
    code, out, err = verify(capsys, story)  # nothing signed to compare with: a replay
    assert code == 0 and "the state rebuilt from the log matches the database" in out


def test_routine_verify_with_new_entries_finds_a_vote_changed_in_sql(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A direct SQL edit bypasses the running digests: the routine check reads the vote
    tables again and compares them with their running digests."""
    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    enter_both(story.uow_factory, SLUG, sheet("E", {"ann": 5, "bob": 4}))
    code, out, err = verify(capsys, story)
    assert code == 0 and "replayed on the state verified at that checkpoint" in out, err
    with story.engine.connect() as conn:
        row = conn.execute(select(t.tally_sheets.c.id, t.tally_sheets.c.votes)
                           .order_by(t.tally_sheets.c.id)).first()
    edit(story, update(t.tally_sheets).where(t.tally_sheets.c.id == row.id)
         .values(votes={**row.votes, "bob": row.votes["bob"] + 5}))
    code, _, err = verify(capsys, story)
    assert code == 7 and "table tally_sheets: row not produced by the log" in err


def test_a_member_changed_in_sql_after_a_checkpoint_is_found_by_full_verify(
        story: Any, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The documented limit of the routine check: the roll-sized tables (members, roll
    entries) are not read again when their running digests are the ones signed; `--full` (and
    the next checkpoint, which verifies in full first) reads them."""
    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    enter_both(story.uow_factory, SLUG, sheet("E", {"ann": 5, "bob": 4}))
    edit(story, update(t.members).where(t.members.c.member_id == "N000001")
         .values(name="Someone Else"))
    assert verify(capsys, story)[0] == 0
    code, _, err = cli(capsys, "--db", story.settings.database_url, "log", "verify", "--full")
    assert code == 7 and "table members" in err and "Someone Else" in err
    code, _, err = checkpoint(capsys, story, tmp_path / "b.cp")
    assert code == 7


def test_a_running_digest_edited_is_found(story: Any, capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    assert checkpoint(capsys, story, tmp_path / "a.cp")[0] == 0
    edit(story, update(t.state_digests).where(t.state_digests.c.table_name == "candidates")
         .values(digest="0" * 64))
    code, _, err = verify(capsys, story)
    assert code == 7
    assert "table candidates: the running digest kept in state_digests" in err


def test_a_checkpoint_entry_for_another_log_is_refused(story: Any) -> None:
    from hustings.domain.errors import RuleViolation
    from hustings.services.commands import run

    admin = ids.ctx(story.uow_factory).stamped()
    with story.uow_factory() as uow:
        tree = uow.audit.tree()
    body = Checkpoint(tree.size, tree.root().hex(), admin.time, ids.ADMIN,
                      admin.signer.public_key, origin="hustings/" + "0" * 32)
    signed = Checkpoint(body.size, body.root, body.at, body.signer, body.public_key,
                        admin.signer.sign(body.signed_bytes()), body.origin)
    with pytest.raises(RuleViolation, match="names the log hustings/0000"):
        run(story.uow_factory, "log.checkpoint", {**signed.to_dict(), "state": {},
                                                  "state_scheme": 2}, admin)
