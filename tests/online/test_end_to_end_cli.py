"""Issue 12's Done-when through the real console script: 3 trustees with threshold 2 (one
absent at decryption), 200 members with credentials, 150 ballots including revotes, one voter
auditing an encryption, the tally decrypted, the result certified, the record exported and
verified; and the same record with each kind of tampering rejected."""

from __future__ import annotations

import copy
import csv
import json
import random
from pathlib import Path

import pytest

from hustings.bootstrap import Container, Settings
from hustings.crypto import credentials as cr
from hustings.crypto.ballot import encrypt_ballot
from hustings.crypto.errors import VerificationError
from hustings.crypto.hashing import digest
from hustings.crypto.record import ElectionRecord, verify_record
from hustings.services import online
from tests.cli_runner import run_cli
from tests.identities import ensure_url
from tests.online.flow import TRUSTEES, election

MEMBERS = 200
VOTERS = 120
BALLOTS = 150
SLUG = "branch-e2e"


def _container(url: str) -> Container:
    return Container(Settings(url))


def run_poll(capsys, url: str, tmp: Path, members: int = MEMBERS, voters: int = VOTERS,
             ballots: int = BALLOTS) -> dict:
    box = _container(url)
    try:
        election(box.uow_factory, SLUG, members=members)
    finally:
        box.close()
    for name in TRUSTEES:
        ensure_url(url, name)
    db = ("--db", url)
    code, out, err = run_cli(capsys, *db, "online", "setup", SLUG, "--trustee", TRUSTEES[0],
                             "--trustee", TRUSTEES[1], "--trustee", TRUSTEES[2],
                             "--threshold", "2")
    assert code == 0, err
    for _ in range(3):
        for j, name in enumerate(TRUSTEES, start=1):
            code, out, err = run_cli(capsys, *db, "trustee", "keygen", SLUG, "--key",
                                     str(tmp / f"t{j}.key"), user=name)
            assert code == 0, err
    assert "ready" in out
    code, out, err = run_cli(capsys, *db, "credentials", "generate", SLUG, "--out",
                             str(tmp / "ca"))
    assert code == 0, err
    with (tmp / "ca" / f"{SLUG}-credentials.csv").open(encoding="utf-8") as f:
        private = {row["member_id"]: row["credential"] for row in csv.DictReader(f)}
    assert len(private) == members
    code, out, err = run_cli(capsys, *db, "online", "open", SLUG)
    assert code == 0, err

    rnd = random.Random(12)
    chosen = rnd.sample(sorted(private), voters)
    order = chosen + rnd.sample(chosen, ballots - voters)  # revotes
    last: dict[str, str] = {}
    trackers: dict[str, str] = {}
    for i, member in enumerate(order):
        if i == 3:  # one voter audits an encryption first (Benaloh challenge), then votes
            cred = tmp / "audit.txt"
            cred.write_text(private[member])
            code, out, err = run_cli(capsys, *db, "vote", SLUG, "--credential", str(cred),
                                     "--choice", "ben", "--audit", str(tmp / "audit.json"),
                                     user=None)
            assert code == 0, err
            assert "audited" in out
        choice = rnd.choice(["ada", "ada", "ben", "cleo"])
        cred = tmp / "cred.txt"
        cred.write_text(private[member] + "\n")
        code, out, err = run_cli(capsys, *db, "vote", SLUG, "--credential", str(cred),
                                 "--choice", choice, user=None)
        assert code == 0, err
        trackers[member] = out.strip()
        last[member] = choice
    expected = {k: sum(1 for c in last.values() if c == k) for k in ("ada", "ben", "cleo")}

    code, out, err = run_cli(capsys, *db, "online", "close", SLUG)
    assert code == 0, err
    for j in (1, 3):  # trustee 2 is absent
        code, out, err = run_cli(capsys, *db, "trustee", "decrypt", SLUG, "--key",
                                 str(tmp / f"t{j}.key"), user=TRUSTEES[j - 1])
        assert code == 0, err
    code, out, err = run_cli(capsys, *db, "online", "tally", SLUG)
    assert code == 0, err
    assert out.strip() == "; ".join(f"{k} {v}" for k, v in expected.items())
    code, out, err = run_cli(capsys, *db, "online", "publish", SLUG)
    assert code == 0, err
    code, out, err = run_cli(capsys, *db, "election", "certify", SLUG, "--on", "2024-03-02")
    assert code == 0, err
    return {"expected": expected, "trackers": trackers, "private": private}


def _export(capsys, url: str, folder: Path) -> dict:
    code, out, err = run_cli(capsys, "--db", url, "online", "export", SLUG, str(folder))
    assert code == 0, err
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["kind"] == "hustings-online-record"
    return manifest


def test_the_whole_flow_on_sqlite(capsys, tmp_path: Path, sqlite_template: Path) -> None:
    import shutil

    shutil.copy(sqlite_template, tmp_path / "e2e.db")
    url = f"sqlite:///{tmp_path / 'e2e.db'}"
    story = run_poll(capsys, url, tmp_path)
    audit = json.loads((tmp_path / "audit.json").read_text())
    assert audit["marks"] == [[0, 1, 0]]
    folder = tmp_path / "record"
    manifest = _export(capsys, url, folder)
    assert set(manifest) == {"kind", "version", "files"}
    assert set(manifest["files"]) == {"record.json", "ceremony.json", "board-log.json"}
    record = ElectionRecord.from_json(json.loads((folder / "record.json").read_text()))
    verify_record(record)
    assert len(record.board) == BALLOTS
    assert record.tally.ballots == VOTERS
    assert audit["tracker"] not in {e.tracker for e in record.board}  # never cast
    assert list(record.result.counts[0]) == list(story["expected"].values())
    for tracker in story["trackers"].values():
        code, out, _ = run_cli(capsys, "--db", url, "online", "board", SLUG, "--tracker",
                               tracker)
        assert code == 0 and "position" in out
    code, out, err = run_cli(capsys, "online", "verify", str(folder))
    assert code == 0, out + err
    code, out, err = run_cli(capsys, "--db", url, "results", SLUG)
    assert code == 0 and "Ada Lovelace" in out
    code, out, err = run_cli(capsys, "--db", url, "log", "verify")
    assert code == 0, out + err
    # the board's head in the signed log is the record's
    log = json.loads((folder / "board-log.json").read_text())["casts"]
    assert len(log) == BALLOTS and log[-1]["head"] == record.board_head.hex()
    _tampering_is_rejected(capsys, folder, record, tmp_path)


def _write(folder: Path, data: dict, fix_manifest: bool = True) -> None:
    import hashlib

    raw = (json.dumps(data, indent=1, sort_keys=True) + "\n").encode()
    (folder / "record.json").write_bytes(raw)
    if fix_manifest:
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["files"]["record.json"] = hashlib.sha256(raw).hexdigest()
        (folder / "manifest.json").write_text(json.dumps(manifest))


def _rechain(data: dict) -> None:
    """What a server hiding a change does: recompute trackers, links and head."""
    from hustings.crypto.ballot import Ballot
    from hustings.crypto.election import Election

    election = Election.from_json(data["election"])
    link = digest("board-genesis", election.fingerprint)
    for position, entry in enumerate(data["board"], start=1):
        tracker = Ballot.from_json(entry["ballot"]).tracker
        link = digest("board", link, position, tracker)
        entry.update(position=position, tracker=tracker, link=link.hex())
    data["board_head"] = link.hex()


def _tampering_is_rejected(capsys, folder: Path, record: ElectionRecord, tmp: Path) -> None:
    intact = record.to_json()
    stranger = encrypt_ballot(record.election, cr.credential_secret(
        record.election.election_id, cr.new_credential()), [record.election.questions[0]
                                                            .marks(["ada"])])

    def ciphertext(d):
        c = d["board"][5]["ballot"]["answers"][0]["choices"][0]
        c["beta"] = d["board"][6]["ballot"]["answers"][0]["choices"][0]["beta"]
        _rechain(d)

    def proof(d):
        p = d["board"][7]["ballot"]["answers"][0]["sum_proof"][0]
        p["s"] = d["board"][8]["ballot"]["answers"][0]["sum_proof"][0]["s"]
        _rechain(d)

    def removed(d):
        del d["board"][10]

    def added(d):
        d["board"].append({"position": 0, "tracker": "", "link": "00" * 32,
                           "ballot": stranger.to_json()})
        _rechain(d)

    def share(d):
        f = d["shares"][0]["factors"][0]
        f[0]["factor"], f[1]["factor"] = f[1]["factor"], f[0]["factor"]

    def result(d):
        d["result"]["counts"][0][0] += 1

    cases = {"ciphertext": (ciphertext, "board[5].ballot.answers[0].choices[0]"),
             "proof": (proof, "board[7].ballot.answers[0].sum_proof"),
             "removed": (removed, "board[10]"),
             "added": (added, f"board[{BALLOTS}].ballot.credential"),
             "share": (share, "shares[0].factors[0][0]"),
             "result": (result, "result.counts[0][0]")}
    for name, (change, where) in cases.items():
        data = copy.deepcopy(intact)
        change(data)
        with pytest.raises(VerificationError) as caught:
            verify_record(ElectionRecord.from_json(data))
        assert (caught.value.field or "").startswith(where), (name, caught.value.field)
        bad = tmp / f"tampered-{name}"
        bad.mkdir()
        for item in folder.iterdir():
            (bad / item.name).write_bytes(item.read_bytes())
        _write(bad, data)
        code, out, _ = run_cli(capsys, "online", "verify", str(bad))
        assert code == 7 and "TAMPERED" in out, name
    # without fixing the manifest, the file's hash names it
    data = copy.deepcopy(intact)
    result(data)
    bad = tmp / "tampered-unlisted"
    bad.mkdir()
    for item in folder.iterdir():
        (bad / item.name).write_bytes(item.read_bytes())
    _write(bad, data, fix_manifest=False)
    code, out, _ = run_cli(capsys, "online", "verify", str(bad))
    assert code == 7 and "record.json does not match its SHA-256" in out
    # a file missing, or one the manifest does not list
    (bad / "record.json").unlink()
    code, out, _ = run_cli(capsys, "online", "verify", str(bad))
    assert code == 7 and "record.json is missing" in out
    (folder / "extra.json").write_text("{}")
    code, out, _ = run_cli(capsys, "online", "verify", str(folder))
    assert code == 7 and "extra.json is not in the manifest" in out
    (folder / "extra.json").unlink()


def test_the_flow_on_postgresql(capsys, tmp_path: Path, request) -> None:
    import os

    from sqlalchemy import text

    admin, base, template = request.getfixturevalue("postgres_template")
    name = f"hustings_online_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        story = run_poll(capsys, url, tmp_path, members=30, voters=20, ballots=26)
        folder = tmp_path / "record"
        _export(capsys, url, folder)
        code, out, err = run_cli(capsys, "online", "verify", str(folder))
        assert code == 0, out + err
        record = ElectionRecord.from_json(json.loads((folder / "record.json").read_text()))
        assert list(record.result.counts[0]) == list(story["expected"].values())
        code, out, err = run_cli(capsys, "--db", url, "log", "verify")
        assert code == 0, out + err
        box = _container(url)
        try:
            assert online.status(box.uow_factory, SLUG)["status"] == "published"
        finally:
            box.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
