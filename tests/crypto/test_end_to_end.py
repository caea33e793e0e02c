"""A whole online poll in memory: 3 trustees (threshold 2, one absent), 200 voters with
credentials, 150 ballots including revotes, the tally decrypted and the record verified; then
each kind of tampering caught by the verification functions."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter

import pytest

from hustings.crypto import board as bb
from hustings.crypto import credentials as cr
from hustings.crypto.ballot import Ballot, encrypt_ballot
from hustings.crypto.decryption import DecryptionShare, Result, decrypt, decryption_share
from hustings.crypto.elgamal import Ciphertext
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import GENERATOR, Scalar
from hustings.crypto.hashing import digest
from hustings.crypto.proofs import Proof
from hustings.crypto.record import ElectionRecord, verify_record
from hustings.crypto.tally import tally
from tests.crypto.builders import CHAIR, election_for, run_ceremony

VOTERS = 200
BALLOTS = 150


@pytest.fixture(scope="module")
def poll():
    rnd = random.Random(2026)
    trustees = run_ceremony("branch-online-test", 3, 2)
    election = election_for(trustees)
    weights = [rnd.choice((1, 1, 1, 2, 3)) for _ in range(VOTERS)]
    private, credentials = cr.generate(election.election_id, weights)
    board: bb.Board = ()
    last: dict[int, int] = {}  # voter -> choice index of their last ballot
    trackers: dict[int, str] = {}
    voters = rnd.sample(range(VOTERS), 120)  # 120 voters, 30 of whom vote again: 150 ballots
    order = voters + rnd.sample(voters, BALLOTS - len(voters))
    for voter in order:
        choice = rnd.randrange(3)
        secret = cr.credential_secret(election.election_id, private[voter])
        ballot = encrypt_ballot(election, secret, [CHAIR.marks([CHAIR.choices[choice]])])
        board = bb.append(election, credentials, board, ballot)
        last[voter], trackers[voter] = choice, ballot.tracker
    expected = [0, 0, 0]
    for voter, choice in last.items():
        expected[choice] += weights[voter]
    encrypted = tally(election, credentials, board)
    present = (1, 3)  # trustee 2 is absent
    shares = tuple(decryption_share(election, j, trustees.secrets[j], encrypted)
                   for j in present)
    result = decrypt(election, encrypted, shares, trustees.keys, 2)
    record = ElectionRecord(election, credentials, trustees.ceremony, trustees.dealings, board,
                            bb.head(election, board), encrypted, shares, result)
    return dict(record=record, expected=expected, trackers=trackers, private=private,
                weights=weights, trustees=trustees, last=last)


def test_the_decrypted_tally_is_the_plaintext_count(poll) -> None:
    record = poll["record"]
    assert len(record.board) == BALLOTS
    assert record.tally.ballots == 120
    assert list(record.result.counts[0]) == poll["expected"]
    assert sum(record.result.counts[0]) == record.tally.weight


def test_the_intact_record_verifies_and_every_tracker_is_on_the_board(poll) -> None:
    verify_record(poll["record"])
    verify_record(ElectionRecord.from_json(poll["record"].to_json()))
    for tracker in poll["trackers"].values():
        assert bb.find(poll["record"].board, tracker) is not None


def test_any_two_trustees_decrypt_the_same_tally_and_one_cannot(poll) -> None:
    record, trustees = poll["record"], poll["trustees"]
    shares = {j: decryption_share(record.election, j, trustees.secrets[j], record.tally)
              for j in (1, 2, 3)}
    for pair in ((1, 2), (2, 3), (1, 3), (1, 2, 3)):
        result = decrypt(record.election, record.tally, [shares[j] for j in pair],
                         trustees.keys, 2)
        assert result == record.result
    with pytest.raises(VerificationError, match="2 are needed"):
        decrypt(record.election, record.tally, [shares[1]], trustees.keys, 2)


def _tampered(record: ElectionRecord, **changes) -> ElectionRecord:
    return dataclasses.replace(record, **changes)


def _replace_ballot(record: ElectionRecord, index: int, ballot: Ballot) -> ElectionRecord:
    entries = list(record.board)
    entries[index] = dataclasses.replace(entries[index], ballot=ballot)
    return _tampered(record, board=tuple(entries))


def _rechained(election, entries) -> bb.Board:
    """What a server hiding a change would do: recompute every tracker and link."""
    link, out = bb.genesis(election), []
    for position, entry in enumerate(entries, start=1):
        tracker = entry.ballot.tracker
        link = digest("board", link, position, tracker)
        out.append(bb.BoardEntry(position, tracker, link, entry.ballot))
    return tuple(out)


def test_a_changed_ciphertext_is_caught(poll) -> None:
    record = poll["record"]
    ballot = record.board[5].ballot
    answer = ballot.answers[0]
    ct = answer.choices[0].ciphertext
    changed = dataclasses.replace(answer.choices[0],
                                  ciphertext=Ciphertext(ct.alpha, ct.beta + GENERATOR))
    bad = dataclasses.replace(ballot, answers=(dataclasses.replace(
        answer, choices=(changed, *answer.choices[1:])),))
    with pytest.raises(VerificationError) as caught:
        verify_record(_replace_ballot(record, 5, bad))
    assert caught.value.field == "board[5].tracker"
    rechained = _tampered(record, board=_rechained(record.election,
                                                   _replace_ballot(record, 5, bad).board))
    with pytest.raises(VerificationError) as caught:
        verify_record(dataclasses.replace(rechained, board_head=rechained.board[-1].link))
    assert caught.value.field == "board[5].ballot.answers[0].choices[0].proof"


def test_a_changed_proof_is_caught(poll) -> None:
    record = poll["record"]
    ballot = record.board[7].ballot
    answer = ballot.answers[0]
    proof = answer.sum_proof
    bumped = Proof(proof[0].challenge, proof[0].response + Scalar.from_int(1))
    bad = dataclasses.replace(ballot, answers=(dataclasses.replace(answer, sum_proof=(bumped,)),))
    rechained = _rechained(record.election, _replace_ballot(record, 7, bad).board)
    with pytest.raises(VerificationError) as caught:
        verify_record(_tampered(record, board=rechained, board_head=rechained[-1].link))
    assert caught.value.field == "board[7].ballot.answers[0].sum_proof"


def test_a_removed_ballot_is_caught_by_the_head_and_by_its_voter(poll) -> None:
    record = poll["record"]
    victim = record.board[10]
    remaining = [e for e in record.board if e is not victim]
    rechained = _rechained(record.election, remaining)
    retallied = tally(record.election, record.credentials, rechained)
    # a server hiding the removal recomputes links, tally, shares and result...
    trustees = poll["trustees"]
    shares = tuple(decryption_share(record.election, j, trustees.secrets[j], retallied)
                   for j in (1, 3))
    result = decrypt(record.election, retallied, shares, trustees.keys, 2)
    forged = _tampered(record, board=rechained, tally=retallied, shares=shares, result=result)
    # ...but the head recorded in the signed log no longer matches
    with pytest.raises(VerificationError, match="head"):
        verify_record(forged)
    # ...and the voter who kept the tracker does not find it
    assert bb.find(forged.board, victim.tracker) is None
    # removing without rechaining breaks the chain at the gap
    with pytest.raises(VerificationError) as caught:
        verify_record(_tampered(record, board=tuple(
            dataclasses.replace(e, position=i + 1) for i, e in enumerate(remaining))))
    assert caught.value.field == "board[10].link"


def test_a_ballot_without_a_valid_credential_is_caught(poll) -> None:
    record = poll["record"]
    intruder = cr.new_credential()
    ballot = encrypt_ballot(record.election,
                            cr.credential_secret(record.election.election_id, intruder),
                            [CHAIR.marks(["ada"])])
    with pytest.raises(bb.UnknownCredential):
        bb.append(record.election, record.credentials, record.board, ballot)
    # the server stuffing it in anyway, links recomputed
    forged_board = _rechained(record.election, [*record.board, bb.BoardEntry(0, "", b"", ballot)])
    with pytest.raises(VerificationError) as caught:
        verify_record(_tampered(record, board=forged_board, board_head=forged_board[-1].link))
    assert caught.value.field == f"board[{BALLOTS}].ballot.credential"
    # a ballot signed by someone who copied a voter's public credential but not the secret
    victim = record.board[3].ballot
    forged = encrypt_ballot(record.election, Scalar.random(), [CHAIR.marks(["ada"])])
    forged = dataclasses.replace(forged, credential=victim.credential)
    with pytest.raises(VerificationError) as caught:
        bb.append(record.election, record.credentials, record.board, forged)
    assert caught.value.field == "ballot.answers[0].choices[0].proof"


def test_a_replayed_ballot_is_refused(poll) -> None:
    record = poll["record"]
    with pytest.raises(VerificationError, match="replay"):
        bb.append(record.election, record.credentials, record.board, record.board[0].ballot)


def test_a_changed_decryption_share_is_caught(poll) -> None:
    record = poll["record"]
    share = record.shares[0]
    factors = ((share.factors[0][0] + GENERATOR, *share.factors[0][1:]),)
    bad = DecryptionShare(share.trustee, factors, share.proofs)
    with pytest.raises(VerificationError) as caught:
        verify_record(_tampered(record, shares=(bad, record.shares[1])))
    assert caught.value.field == "shares[0].factors[0][0]"


def test_a_changed_result_is_caught(poll) -> None:
    record = poll["record"]
    counts = list(record.result.counts[0])
    counts[0], counts[1] = counts[1] + 0, counts[0]  # swap two candidates' counts
    if counts == list(record.result.counts[0]):
        counts[0] += 1
    with pytest.raises(VerificationError) as caught:
        verify_record(_tampered(record, result=Result((tuple(counts),))))
    assert caught.value.field.startswith("result.counts[0]")


def test_the_last_ballot_of_each_credential_is_counted(poll) -> None:
    record = poll["record"]
    counted = bb.counted(record.board)
    assert len(counted) == len(poll["last"]) == 120
    per_credential = Counter(e.ballot.credential for e in record.board)
    assert sorted(per_credential.values()).count(2) == BALLOTS - 120


def test_the_record_read_back_from_json_is_checked_too(poll) -> None:
    data = poll["record"].to_json()
    data["result"]["counts"][0][0] += 1
    with pytest.raises(VerificationError) as caught:
        verify_record(ElectionRecord.from_json(data))
    assert caught.value.field == "result.counts[0][0]"
    data = poll["record"].to_json()
    choices = [data["board"][i]["ballot"]["answers"][0]["choices"] for i in (3, 4)]
    choices[0][1]["beta"] = choices[1][1]["beta"]
    with pytest.raises(VerificationError) as caught:
        verify_record(ElectionRecord.from_json(data))
    assert caught.value.field == "board[3].tracker"
    data = poll["record"].to_json()
    data["dealings"] = data["dealings"][:2]
    with pytest.raises(VerificationError, match="not the one the trustees generated"):
        verify_record(ElectionRecord.from_json(data))
    data = poll["record"].to_json()
    data["shares"][1]["trustee"] = 2  # trustee 3's factors passed off as trustee 2's
    with pytest.raises(VerificationError) as caught:
        verify_record(ElectionRecord.from_json(data))
    assert caught.value.field == "shares[1].factors[0][0]"
