"""Issue 12's bad input: each refused with a clear error naming what is wrong, nothing stored,
the board unchanged. Plus who may do what (trustees, the board account), rankings refused,
and a key ceremony in which a dealer cheats and is disqualified."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hustings.crypto import credentials as cr
from hustings.crypto import dkg
from hustings.crypto.board import UnknownCredential
from hustings.crypto.decryption import DecryptionShare
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import GENERATOR, Scalar
from hustings.domain.errors import InvalidInput, PermissionDenied, RuleViolation
from hustings.services import online
from hustings.services import online_clients as oc
from tests.cli_runner import run_cli
from tests.elections.builders import committee
from tests.online.flow import TRUSTEES, Poll, ceremony, election, opened, trustee_ctx


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path, sqlite_template):
    import shutil

    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def _state(factory, slug: str) -> tuple[int, list, int]:
    with factory() as uow:
        poll = online.current_poll(uow, slug)
        entries = sum(1 for _ in uow.audit.entries())
        return entries, uow.online.board(poll.crypto_id), poll.ballots


@pytest.fixture
def poll(uow_factory) -> Poll:
    slug = election(uow_factory, members=8)
    return opened(uow_factory, slug)


def _refused(factory, slug: str, kind: type[Exception], body, field: str | None = None,
             match: str | None = None):
    before = _state(factory, slug)
    with pytest.raises(kind, match=match) as caught:
        online.cast(factory, slug, body)
    if field is not None:
        assert caught.value.field == field  # type: ignore[attr-defined]
    assert _state(factory, slug) == before
    return caught.value


def test_refused_ballots_change_nothing(uow_factory, poll: Poll) -> None:
    slug, creds = poll.slug, sorted(poll.credentials.values())
    good = oc.encrypt_vote(uow_factory, slug, creds[0], ["ada"])
    online.cast(uow_factory, slug, good)
    _refused(uow_factory, slug, VerificationError, good, "ballot", "replay")
    _refused(uow_factory, slug, VerificationError, {"election": 1}, "ballot")
    _refused(uow_factory, slug, VerificationError, [], "ballot")
    other = dict(oc.encrypt_vote(uow_factory, slug, creds[1], ["ben"]))
    other["answers"] = other["answers"] + other["answers"]
    _refused(uow_factory, slug, VerificationError, other, "ballot.answers")
    # a ballot for another election: another online poll of the same organisation
    second = election(uow_factory, "branch-other", members=0, with_members=False)
    opened_other = ceremony(uow_factory, second)
    with uow_factory() as uow:
        other_id = online.current_poll(uow, second).crypto_id
    online.register_credentials(uow_factory, second, [
        (cr.public_credential(other_id, creds[2]).hex(), 1, None)], committee(uow_factory))
    online.open_poll(uow_factory, second, committee(uow_factory))
    foreign = oc.encrypt_vote(uow_factory, second, creds[2], ["cleo"])
    assert opened_other.slug == second
    error = _refused(uow_factory, slug, Exception, foreign)
    assert isinstance(error, (UnknownCredential, VerificationError))
    # the same credential's signing key differs per election: under this election's list,
    # a ballot made for the other election with a credential of this one is foreign
    forged = oc.encrypt_vote(uow_factory, second, creds[2], ["cleo"])
    forged["credential"] = cr.public_credential(poll_id(uow_factory, slug), creds[2]).hex()
    _refused(uow_factory, slug, VerificationError, forged, "ballot.election", "another election")
    # after the poll closed
    late = oc.encrypt_vote(uow_factory, slug, creds[3], ["ada"])
    online.close(uow_factory, slug, committee(uow_factory))
    _refused(uow_factory, slug, RuleViolation, late, None, "closed")


def poll_id(factory, slug: str) -> str:
    with factory() as uow:
        return online.current_poll(uow, slug).crypto_id


def test_an_invalid_decryption_share_is_refused(uow_factory, poll: Poll) -> None:
    slug = poll.slug
    for credential in list(poll.credentials.values())[:3]:
        oc.vote(uow_factory, slug, credential, ["ben"])
    online.close(uow_factory, slug, committee(uow_factory))
    view = online.trustee_view(uow_factory, slug)
    election_ = online.crypto_election_of(uow_factory, slug)
    from hustings.crypto.decryption import decryption_share
    from hustings.crypto.tally import EncryptedTally

    tally = EncryptedTally.from_json(view["tally"])
    share = decryption_share(election_, 1, oc.my_secret(view, poll.keys[1]), tally)
    bad = DecryptionShare(1, ((share.factors[0][0] + GENERATOR, *share.factors[0][1:]),),
                          share.proofs)
    with pytest.raises(VerificationError) as caught:
        online.submit_share(uow_factory, slug, 1, bad.to_json(), trustee_ctx(uow_factory, 1))
    assert caught.value.field == "share.factors[0][0]"
    wrong_key = decryption_share(election_, 1, Scalar.from_int(7), tally)
    with pytest.raises(VerificationError, match="decryption proof fails"):
        online.submit_share(uow_factory, slug, 1, wrong_key.to_json(),
                            trustee_ctx(uow_factory, 1))
    # someone else's share passed off as trustee 1's, by trustee 1
    share2 = decryption_share(election_, 2, oc.my_secret(view, poll.keys[2]), tally)
    with pytest.raises(VerificationError, match="not 1's"):
        online.submit_share(uow_factory, slug, 1, share2.to_json(), trustee_ctx(uow_factory, 1))
    assert all(not t["decrypted"] for t in online.status(uow_factory, slug)["trustees"])
    with pytest.raises(RuleViolation, match="0 decryption share"):
        online.decrypt_tally(uow_factory, slug, committee(uow_factory))
    # trustee 2 may not upload as trustee 1
    with pytest.raises(PermissionDenied, match="not trustee 1"):
        online.submit_share(uow_factory, slug, 1, share.to_json(), trustee_ctx(uow_factory, 2))
    online.submit_share(uow_factory, slug, 1, share.to_json(), trustee_ctx(uow_factory, 1))
    with pytest.raises(RuleViolation, match="decrypted already"):
        online.submit_share(uow_factory, slug, 1, share.to_json(), trustee_ctx(uow_factory, 1))


def test_a_trustee_file_for_another_election_is_refused(uow_factory, poll: Poll) -> None:
    second = election(uow_factory, "branch-other", members=0, with_members=False)
    other = ceremony(uow_factory, second)
    with pytest.raises(InvalidInput, match="for online poll 'branch-other/initial/online-1'"):
        oc.keygen(uow_factory, poll.slug, other.keys[1], trustee_ctx(uow_factory, 1))
    with pytest.raises(InvalidInput, match="is trustee 2's; you are trustee 1"):
        oc.keygen(uow_factory, poll.slug, poll.keys[2], trustee_ctx(uow_factory, 1))
    online.close(uow_factory, poll.slug, committee(uow_factory))
    with pytest.raises(InvalidInput, match="online_poll"):
        oc.decrypt(uow_factory, poll.slug, other.keys[1], trustee_ctx(uow_factory, 1))
    with pytest.raises(InvalidInput, match="not a hustings trustee key file"):
        oc.KeyFile.read(b'{"kind": "something"}', "t1.key")


def test_the_board_account_casts_and_nothing_else(uow_factory, poll: Poll) -> None:
    board = online.board_signer(uow_factory)
    from hustings.services.commands import Context

    with pytest.raises(PermissionDenied, match="board account may not"):
        online.close(uow_factory, poll.slug, Context(signer=board))
    body = oc.encrypt_vote(uow_factory, poll.slug, next(iter(poll.credentials.values())),
                           ["ada"])
    from hustings.services.commands import run

    with pytest.raises(PermissionDenied, match="only the server's board account"):
        run(uow_factory, "online.cast", {"election": poll.slug, "online": poll_id(
            uow_factory, poll.slug), "ballot": body}, committee(uow_factory))


def test_rankings_are_refused_for_online_polls(uow_factory) -> None:
    slug = election(uow_factory, "ranked", members=3, method="irv")
    with pytest.raises(RuleViolation, match="full ranking"):
        ceremony(uow_factory, slug)


def test_rules_become_questions(uow_factory) -> None:
    cases = {("plurality", 1): (1, 1), ("plurality", 2): (1, 2), ("approval", 1): (0, 3),
             ("two-round", 1): (1, 1), ("exhaustive", 1): (1, 1)}
    for i, ((method, seats), (lo, hi)) in enumerate(cases.items()):
        slug = election(uow_factory, f"rule-{i}", members=2, method=method, seats=seats,
                        with_members=i == 0)
        ceremony(uow_factory, slug)
        q = online.status(uow_factory, slug)["question"]
        assert (q["min"], q["max"], len(q["choices"])) == (lo, hi, 3), method
    slug = election(uow_factory, "confirm", members=2, method="confirm", with_members=False)
    ceremony(uow_factory, slug)
    assert online.status(uow_factory, slug)["question"] == {
        "key": "confirm", "choices": ["ada"], "min": 0, "max": 1}


def test_a_cheating_dealer_is_disqualified(uow_factory) -> None:
    slug = election(uow_factory, members=4)
    for name in TRUSTEES:
        from tests import identities as ids

        ids.ensure(uow_factory, name, "observer")
    online.setup(uow_factory, slug, list(TRUSTEES), 2, committee(uow_factory))
    poll = Poll(uow_factory, slug)
    for j in (1, 2, 3):
        poll.keys[j], _ = oc.keygen(uow_factory, slug, None, trustee_ctx(uow_factory, j))
    view = online.trustee_view(uow_factory, slug)
    frame = dkg.Ceremony(view["online_poll"], 2, tuple(bytes.fromhex(t["box_key"])
                                                        for t in view["trustees"]))
    # trustee 3 deals, but seals a wrong share to trustee 1
    dealing, shares = dkg.deal(frame, 3)
    sealed = {str(j): dkg.seal_share(frame, 3, j, s + Scalar.from_int(j == 1)).hex()
              for j, s in shares.items()}
    online.publish_dealing(uow_factory, slug, 3, dealing.to_json(), sealed,
                           trustee_ctx(uow_factory, 3))
    for j in (1, 2):
        poll.keys[j], _ = oc.keygen(uow_factory, slug, poll.keys[j], trustee_ctx(uow_factory, j))
    key, message = oc.keygen(uow_factory, slug, poll.keys[1], trustee_ctx(uow_factory, 1))
    assert "complained about the share(s) of trustee(s) 3" in message
    # the dealer answers with the share it sealed, which fails in public too
    wrong = (shares[1] + Scalar.from_int(1)).hex()
    assert online.answer(uow_factory, slug, 3, 1, wrong, trustee_ctx(uow_factory, 3))
    credentials = oc.generate_credentials(uow_factory, slug, committee(uow_factory))
    online.open_poll(uow_factory, slug, committee(uow_factory))
    state = online.status(uow_factory, slug)
    assert state["qualified"] == [1, 2]
    assert state["complaints"][0]["upheld"] is True
    for _, _, private in credentials:
        oc.vote(uow_factory, slug, private, ["cleo"])
    online.close(uow_factory, slug, committee(uow_factory))
    for j in (1, 2):
        oc.decrypt(uow_factory, slug, poll.keys[j], trustee_ctx(uow_factory, j))
    assert online.decrypt_tally(uow_factory, slug, committee(uow_factory)) == {
        "ada": 0, "ben": 0, "cleo": 4}
    files = online.export_files(uow_factory, slug)
    ceremony_file = json.loads(files["ceremony.json"])
    assert ceremony_file["complaints"][0]["upheld"] is True
    assert ceremony_file["qualified"] == [1, 2]


def test_the_voters_command_line_refusals(capsys, uow_factory, database_url, poll: Poll,
                                          tmp_path: Path) -> None:
    slug, db = poll.slug, ("--db", database_url)
    stranger = tmp_path / "stranger.txt"
    stranger.write_text(cr.new_credential())
    code, _, err = run_cli(capsys, *db, "vote", slug, "--credential", str(stranger),
                           "--choice", "ada", user=None)
    assert code == 6 and "not on the election's list" in err
    garbled = tmp_path / "garbled.txt"
    garbled.write_text("not-a-credential-1")
    code, _, err = run_cli(capsys, *db, "vote", slug, "--credential", str(garbled),
                           "--choice", "ada", user=None)
    assert code == 2 and "credential" in err
    mine = tmp_path / "mine.txt"
    mine.write_text(next(iter(poll.credentials.values())))
    code, _, err = run_cli(capsys, *db, "vote", slug, "--credential", str(mine),
                           "--choice", "ada", "--choice", "ben", user=None)
    assert code == 2 and "takes 1 to 1 marks" in err
    code, _, err = run_cli(capsys, *db, "vote", slug, "--credential", str(mine),
                           "--choice", "zed", user=None)
    assert code == 2 and "no choice 'zed'" in err
    body = oc.encrypt_vote(uow_factory, slug, next(iter(poll.credentials.values())), ["ada"])
    body["answers"][0]["choices"][1]["proof"][0]["c"] = body["signature"]["c"]
    ballot = tmp_path / "ballot.json"
    ballot.write_text(json.dumps(body))
    before = _state(uow_factory, slug)
    code, _, err = run_cli(capsys, *db, "vote", slug, "--ballot", str(ballot), user=None)
    assert code == 2 and "ballot.answers[0].choices[1].proof" in err
    assert _state(uow_factory, slug) == before
    code, out, err = run_cli(capsys, *db, "vote", slug, "--credential", str(mine),
                             "--choice", "ada", user=None)
    assert code == 0 and len(out.strip()) == 64
    code, _, err = run_cli(capsys, *db, "online", "close", slug)
    assert code == 0, err
    code, _, err = run_cli(capsys, *db, "vote", slug, "--credential", str(mine),
                           "--choice", "ben", user=None)
    assert code == 5 and "closed" in err
    code, _, err = run_cli(capsys, *db, "online", "setup", "nope", "--trustee", "x",
                           "--threshold", "1")
    assert code == 3
    code, _, err = run_cli(capsys, *db, "online", "setup", slug, "--trustee", TRUSTEES[0],
                           "--threshold", "2")
    assert code == 2 and "threshold" in err


def test_weights_and_dates_from_the_command_line(capsys, uow_factory, database_url,
                                                 tmp_path: Path) -> None:
    from tests import identities as ids

    slug = election(uow_factory, "dated", members=3)
    for name in TRUSTEES[:1]:
        ids.ensure(uow_factory, name, "observer")
    db = ("--db", database_url)
    code, _, err = run_cli(capsys, *db, "online", "setup", slug, "--trustee", TRUSTEES[0],
                           "--threshold", "1", "--closes", "2000-01-01")
    assert code == 0, err
    code, _, err = run_cli(capsys, *db, "trustee", "keygen", slug, "--key",
                           str(tmp_path / "t.key"), user=TRUSTEES[0])
    assert code == 0, err
    for _ in range(2):
        code, out, err = run_cli(capsys, *db, "trustee", "keygen", slug, "--key",
                                 str(tmp_path / "t.key"), user=TRUSTEES[0])
        assert code == 0, err
    bad = tmp_path / "weights.csv"
    bad.write_text("member_id,weight\nmembers-ONLINE-0,3\nmembers-ONLINE-1,zero\n")
    code, _, err = run_cli(capsys, *db, "credentials", "generate", slug, "--out",
                           str(tmp_path / "ca"), "--weights", str(bad))
    assert code == 2 and "weights.csv:3" in err and "[weight]" in err
    assert online.status(uow_factory, slug)["credentials"] == 0
    good = tmp_path / "weights-ok.csv"
    good.write_text("member_id,weight\nmembers-ONLINE-0,3\n")
    code, out, err = run_cli(capsys, *db, "credentials", "generate", slug, "--out",
                             str(tmp_path / "ca"), "--weights", str(good))
    assert code == 0, err
    assert online.status(uow_factory, slug)["weight"] == 3 + 1 + 1
    code, _, err = run_cli(capsys, *db, "online", "open", slug)
    assert code == 0, err
    lines = (tmp_path / "ca" / f"{slug}-credentials.csv").read_text().splitlines()
    mine = tmp_path / "mine.txt"
    mine.write_text(lines[1].split(",")[2])
    code, _, err = run_cli(capsys, *db, "vote", slug, "--credential", str(mine), "--choice",
                           "ada", user=None)
    assert code == 5 and "closed at 2000-01-01" in err


def test_a_complaint_answered_in_public_keeps_the_dealer(uow_factory) -> None:
    from tests import identities as ids

    slug = election(uow_factory, members=3)
    for name in TRUSTEES:
        ids.ensure(uow_factory, name, "observer")
    online.setup(uow_factory, slug, list(TRUSTEES), 2, committee(uow_factory))
    poll = Poll(uow_factory, slug)
    for j in (1, 2, 3):
        poll.keys[j], _ = oc.keygen(uow_factory, slug, None, trustee_ctx(uow_factory, j))
    view = online.trustee_view(uow_factory, slug)
    frame = dkg.Ceremony(view["online_poll"], 2, tuple(bytes.fromhex(t["box_key"])
                                                        for t in view["trustees"]))
    # trustee 3's share for trustee 1 is garbled in transit (sealed to the wrong key)
    dealing, shares = dkg.deal(frame, 3)
    sealed = {str(j): dkg.seal_share(frame, 3, 2 if j == 1 else j, s).hex()
              for j, s in shares.items()}
    online.publish_dealing(uow_factory, slug, 3, dealing.to_json(), sealed,
                           trustee_ctx(uow_factory, 3))
    for j in (1, 2):
        poll.keys[j], _ = oc.keygen(uow_factory, slug, poll.keys[j], trustee_ctx(uow_factory, j))
    _, message = oc.keygen(uow_factory, slug, poll.keys[1], trustee_ctx(uow_factory, 1))
    assert "complained" in message
    # trustee 3 answers with the true share: the complaint is not upheld
    assert not online.answer(uow_factory, slug, 3, 1, shares[1].hex(),
                             trustee_ctx(uow_factory, 3))
    credentials = oc.generate_credentials(uow_factory, slug, committee(uow_factory))
    online.open_poll(uow_factory, slug, committee(uow_factory))
    assert online.status(uow_factory, slug)["qualified"] == [1, 2, 3]
    for _, _, private in credentials:
        oc.vote(uow_factory, slug, private, ["ada"])
    online.close(uow_factory, slug, committee(uow_factory))
    oc.decrypt(uow_factory, slug, poll.keys[1], trustee_ctx(uow_factory, 1))  # uses the answer
    oc.decrypt(uow_factory, slug, poll.keys[2], trustee_ctx(uow_factory, 2))
    assert online.decrypt_tally(uow_factory, slug, committee(uow_factory))["ada"] == 3
