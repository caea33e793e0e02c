"""The independent verifier (hustings_verify.online, written from the specification) accepts
an intact online-poll record built with hustings.crypto exactly as tests/crypto/test_end_to_end
does, and names what fails in each tampered copy."""

from __future__ import annotations

import ast
import copy
import hashlib
import json
import random
from pathlib import Path
from typing import Any

import pytest

from hustings.crypto import board as bb
from hustings.crypto import credentials as cr
from hustings.crypto.ballot import encrypt_ballot
from hustings.crypto.decryption import decrypt, decryption_share
from hustings.crypto.hashing import canonical_json, digest
from hustings.crypto.record import ElectionRecord
from hustings.crypto.tally import tally
from hustings_verify.online import L, verify_online
from tests.crypto.builders import CHAIR, election_for, run_ceremony

VOTERS = 40
BALLOTS = 30


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    """3 trustees (threshold 2, trustee 2 absent), weighted voters, revotes; as JSON."""
    rnd = random.Random(2026)
    trustees = run_ceremony("verify-online-test", 3, 2)
    election = election_for(trustees)
    weights = [rnd.choice((1, 1, 1, 2, 3)) for _ in range(VOTERS)]
    private, credentials = cr.generate(election.election_id, weights)
    board: bb.Board = ()
    voters = rnd.sample(range(VOTERS), 24)
    for voter in voters + rnd.sample(voters, BALLOTS - len(voters)):
        secret = cr.credential_secret(election.election_id, private[voter])
        marks = [CHAIR.marks([CHAIR.choices[rnd.randrange(3)]])]
        board = bb.append(election, credentials, board, encrypt_ballot(election, secret, marks))
    encrypted = tally(election, credentials, board)
    shares = tuple(decryption_share(election, j, trustees.secrets[j], encrypted) for j in (1, 3))
    result = decrypt(election, encrypted, shares, trustees.keys, 2)
    rec = ElectionRecord(election, credentials, trustees.ceremony, trustees.dealings, board,
                         bb.head(election, board), encrypted, shares, result)
    return rec.to_json()


def write(directory: Path, data: dict[str, Any], manifest: dict[str, Any] | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    body = json.dumps(data, indent=1).encode()
    (directory / "record.json").write_bytes(body)
    manifest = manifest or {"kind": "hustings-online-record", "version": 1,
                            "files": {"record.json": hashlib.sha256(body).hexdigest()}}
    (directory / "manifest.json").write_text(json.dumps(manifest))
    return directory


def rechain(data: dict[str, Any]) -> dict[str, Any]:
    """What a server hiding a change does: every tracker, link and the head recomputed."""
    from hustings.crypto.election import Election

    link = bb.genesis(Election.from_json(data["election"]))
    for position, entry in enumerate(data["board"], start=1):
        entry["position"] = position
        entry["tracker"] = hashlib.sha256(canonical_json(entry["ballot"])).hexdigest()
        link = digest("board", link, position, entry["tracker"])
        entry["link"] = link.hex()
    data["board_head"] = link.hex()
    return data


def problems_of(tmp_path: Path, data: dict[str, Any]) -> list[str]:
    return verify_online(write(tmp_path / "rec", data))


def test_an_intact_record_verifies(record, tmp_path) -> None:
    assert verify_online(write(tmp_path / "rec", record)) == []


def test_a_changed_ciphertext_is_named(record, tmp_path) -> None:
    data = copy.deepcopy(record)
    choices = data["board"][5]["ballot"]["answers"][0]["choices"]
    choices[0]["beta"] = data["board"][6]["ballot"]["answers"][0]["choices"][0]["beta"]
    assert problems_of(tmp_path, data) == [
        "record.json: board[5].tracker: the tracker is not the hash of the ballot"]
    assert problems_of(tmp_path, rechain(data)) == [
        "record.json: board[5].ballot.answers[0].choices[0].proof: the proof that this choice "
        "is 0 or 1 fails"]


def test_a_changed_proof_is_named(record, tmp_path) -> None:
    data = copy.deepcopy(record)
    pair = data["board"][7]["ballot"]["answers"][0]["sum_proof"][0]
    pair["s"] = ((int.from_bytes(bytes.fromhex(pair["s"]), "little") + 1) % L).to_bytes(
        32, "little").hex()
    assert problems_of(tmp_path, rechain(data)) == [
        "record.json: board[7].ballot.answers[0].sum_proof: the proof that 1 to 1 choices are "
        "marked fails"]


def test_a_removed_ballot_is_named(record, tmp_path) -> None:
    data = copy.deepcopy(record)
    del data["board"][10]
    for position, entry in enumerate(data["board"], start=1):
        entry["position"] = position
    assert problems_of(tmp_path, data) == [
        "record.json: board[10].link: the chain is broken: an entry before this one was "
        "removed, changed or reordered"]
    # rechained, the head no longer matches the one recorded in the signed log
    data = rechain(data)
    assert data["board_head"] != record["board_head"]
    assert problems_of(tmp_path, {**data, "board_head": record["board_head"]}) == [
        "record.json: board_head: the board's last link is not the recorded head: entries were "
        "removed, added or changed"]
    # with the head replaced too, the tally no longer recomputes (the removed voter's ballot)
    problems = problems_of(tmp_path, data)
    assert len(problems) == 1 and problems[0].startswith("record.json: tally.")


def test_a_ballot_added_without_a_credential_is_named(record, tmp_path) -> None:
    from hustings.crypto.election import Election

    election = Election.from_json(record["election"])
    intruder = cr.credential_secret(election.election_id, cr.new_credential())
    data = copy.deepcopy(record)
    ballot = encrypt_ballot(election, intruder, [CHAIR.marks(["ada"])])
    data["board"].append({"position": 0, "tracker": "", "link": "", "ballot": ballot.to_json()})
    assert problems_of(tmp_path, rechain(data)) == [
        f"record.json: board[{BALLOTS}].ballot.credential: this credential is not on the list"]


def test_a_changed_decryption_share_is_named(record, tmp_path) -> None:
    data = copy.deepcopy(record)
    factors = data["shares"][0]["factors"][0]
    factors[0]["factor"], factors[1]["factor"] = factors[1]["factor"], factors[0]["factor"]
    assert problems_of(tmp_path, data) == [
        "record.json: shares[0].factors[0][0]: trustee 1's decryption proof fails"]
    data = copy.deepcopy(record)
    data["shares"][1]["trustee"] = 2  # trustee 3's factors passed off as trustee 2's
    assert problems_of(tmp_path, data) == [
        "record.json: shares[1].factors[0][0]: trustee 2's decryption proof fails"]
    data = copy.deepcopy(record)
    data["shares"] = data["shares"][:1]
    assert problems_of(tmp_path, data) == [
        "record.json: shares: 1 decryption share(s); 2 are needed"]


def test_a_changed_result_is_named(record, tmp_path) -> None:
    data = copy.deepcopy(record)
    counts = data["result"]["counts"][0]
    true = counts[0]
    counts[0] += 1
    assert problems_of(tmp_path, data) == [
        f"record.json: result.counts[0][0]: the tally decrypts to {true}, the result says "
        f"{true + 1}"]


def test_other_parts_of_the_record_are_checked(record, tmp_path) -> None:
    data = copy.deepcopy(record)
    data["dealings"] = data["dealings"][:2]
    assert problems_of(tmp_path, data) == [
        "record.json: election.public_key: not the key the trustees' dealings give"]
    data = copy.deepcopy(record)
    data["credentials"]["election_id"] = "another"
    assert problems_of(tmp_path, data) == [
        "record.json: credentials.election_id: the credential list is for another election"]
    data = copy.deepcopy(record)
    data["tally"]["weight"] += 1
    assert problems_of(tmp_path, data)[0].startswith("record.json: tally.weight:")
    data = copy.deepcopy(record)
    data["board"][0]["ballot"]["extra"] = 1
    assert problems_of(tmp_path, rechain(data)) == [
        "record.json: board[0].ballot: unexpected extra"]
    data = copy.deepcopy(record)
    data["board"][0]["ballot"]["credential"] = data["board"][0]["ballot"]["credential"].upper()
    assert problems_of(tmp_path, rechain(data)) == [
        "record.json: board[0].ballot.credential: expected 64 lowercase hexadecimal digits"]


def test_manifest_problems_are_named(record, tmp_path) -> None:
    directory = write(tmp_path / "rec", record)
    (directory / "extra.txt").write_text("x")
    assert verify_online(directory) == ["extra.txt: in the directory but not in the manifest"]
    (directory / "extra.txt").unlink()
    (directory / "record.json").write_text((directory / "record.json").read_text() + " ")
    assert verify_online(directory) == [
        "record.json: its SHA-256 is not the one in the manifest"]
    (directory / "record.json").unlink()
    assert verify_online(directory) == ["record.json: listed in the manifest but missing"]
    write(directory, record, {"kind": "hustings-online-record", "version": 1,
                              "files": {"record.json": "0" * 64, "other.json": "0" * 64}})
    assert verify_online(directory) == [
        "other.json: listed in the manifest but missing",
        "record.json: its SHA-256 is not the one in the manifest"]
    (directory / "manifest.json").unlink()
    assert verify_online(directory) == ["manifest.json: missing"]
    (directory / "manifest.json").write_text('{"kind": "something-else", "version": 1, '
                                             '"files": {}}')
    assert verify_online(directory) == [
        "manifest.json: not a hustings-online-record version 1 manifest"]
    (directory / "manifest.json").write_text("{not json")
    assert verify_online(directory)[0].startswith("manifest.json: not JSON")


def test_the_verifier_imports_nothing_of_hustings() -> None:
    import hustings_verify.online as module

    tree = ast.parse(Path(module.__file__).read_text("utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert "hustings" not in imported
    assert imported <= {"__future__", "hashlib", "json", "re", "collections", "math", "pathlib",
                        "typing", "pysodium", "os", "concurrent", "multiprocessing"}


def test_the_documented_snippet_prints_the_problems(record, tmp_path, capsys) -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "online-booth.md").read_text("utf-8")
    snippet = text.split("```python\n", 1)[1].split("```", 1)[0]
    data = copy.deepcopy(record)
    data["result"]["counts"][0][1] += 2
    exec(snippet, {"directory": write(tmp_path / "rec", data)})  # noqa: S102
    printed = capsys.readouterr().out
    assert printed.startswith("record.json: result.counts[0][1]: the tally decrypts to ")


def test_a_record_that_is_not_strict_json_is_named(record, tmp_path) -> None:
    directory = write(tmp_path / "rec", record)

    def rewrite(body: bytes) -> list[str]:
        (directory / "record.json").write_bytes(body)
        manifest = {"kind": "hustings-online-record", "version": 1,
                    "files": {"record.json": hashlib.sha256(body).hexdigest()}}
        (directory / "manifest.json").write_text(json.dumps(manifest))
        return verify_online(directory)

    assert rewrite(b"{not json")[0].startswith("record.json: not JSON")
    assert rewrite(b'{"a": 1, "a": 2}') == ["record.json: key 'a' twice in one object"]
    assert rewrite(b'{"a": 1.5}') == ["record.json: 1.5 is not allowed (integers only)"]
    assert rewrite(b"[]") == ["record.json: record: expected an object"]


def test_ballots_checked_in_worker_processes_name_the_first_failure(record, monkeypatch
                                                                     ) -> None:
    """The same checks over 2 processes (in chunks of 4 ballots here): an intact record
    passes, and the problem named is the first in board order, as in one process."""
    from hustings_verify import online as verifier

    monkeypatch.setattr(verifier, "CHUNK", 4)
    seen: list[int] = []
    verifier.verify_record(copy.deepcopy(record), seen.append, workers=2, parallel_min=1)
    assert seen == list(range(len(record["board"])))
    data = copy.deepcopy(record)
    for k in (9, 6):  # two bad ballots in different chunks: board[6] is named
        pair = data["board"][k]["ballot"]["answers"][0]["sum_proof"][0]
        pair["s"] = ((int.from_bytes(bytes.fromhex(pair["s"]), "little") + 1) % L).to_bytes(
            32, "little").hex()
    data = rechain(data)
    data["board"][8]["link"] = "00" * 32  # and a broken link after it
    with pytest.raises(verifier.Problem) as first:
        verifier.verify_record(data, workers=2, parallel_min=1)
    assert str(first.value) == ("board[6].ballot.answers[0].sum_proof: the proof that 1 to 1 "
                                "choices are marked fails")
    data = rechain(copy.deepcopy(record))
    data["board"][3]["link"] = "00" * 32  # a structural problem before any bad ballot
    with pytest.raises(verifier.Problem, match=r"^board\[3\]\.link: the chain is broken"):
        verifier.verify_record(data, workers=2, parallel_min=1)
