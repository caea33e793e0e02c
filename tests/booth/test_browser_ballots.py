"""Ballots encrypted in Chromium with real randomness verify with hustings.crypto (and are
admitted to a board): plurality, vote-for-N, approval with several marks, two questions; a
ballot the browser tampers with is refused with the field named; a copied ballot under another
credential fails."""

from __future__ import annotations

import random

import pytest

from hustings.crypto import board as bb
from hustings.crypto import credentials as cr
from hustings.crypto.ballot import Ballot, check_audit, verify_ballot
from hustings.crypto.election import Election, Question
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import Point, Scalar

ENCRYPT_JS = """async ([electionJson, credentials, marksList]) => {
  const el = await import('/static/js/booth/election.js');
  const cr = await import('/static/js/booth/credentials.js');
  const b = await import('/static/js/booth/ballot.js');
  const election = el.parseElection(electionJson);
  return marksList.map((marks, k) => {
    const made = b.encryptWithRandomness(
      election, cr.credentialSecret(election.electionId, credentials[k]), marks);
    b.verifyBallot(election, made.ballot);
    return {ballot: made.ballot, randomness: made.randomness, tracker: b.tracker(made.ballot)};
  });
}"""


def _election() -> Election:
    return Election("booth-test/online-1", Point.base(Scalar.random()), (
        Question("chair", ("ada", "ben", "cleo"), 1, 1),
        Question("committee", ("dora", "eli", "fay", "gus", "hal"), 0, 5),
        Question("treasurer", ("ike", "jo", "kim", "lou"), 1, 2),
    ))


def _marks(rnd: random.Random, election: Election) -> list[list[int]]:
    out = []
    for q in election.questions:
        n = rnd.randint(q.min, q.max)
        chosen = set(rnd.sample(range(len(q.choices)), n))
        out.append([int(i in chosen) for i in range(len(q.choices))])
    return out


def test_browser_ballots_verify_with_the_python_verifier(js) -> None:
    election = _election()
    rnd = random.Random(12)
    count = 12
    private, credentials = cr.generate(election.election_id, [1] * count)
    marks = [_marks(rnd, election) for _ in range(count)]
    marks[0] = [[1, 0, 0], [1, 1, 1, 1, 1], [0, 1, 1, 0]]  # approval: every choice marked
    marks[1] = [[0, 0, 1], [0, 0, 0, 0, 0], [0, 0, 0, 1]]  # a blank approval question
    made = js.evaluate(ENCRYPT_JS, [election.to_json(), private, marks])
    board: bb.Board = ()
    for k, item in enumerate(made):
        ballot = Ballot.from_json(item["ballot"])
        verify_ballot(election, ballot)
        assert ballot.tracker == item["tracker"]
        assert ballot.credential == Point.base(
            cr.credential_secret(election.election_id, private[k]))
        randomness = [[Scalar.decode(bytes.fromhex(r)) for r in row]
                      for row in item["randomness"]]
        assert check_audit(election, ballot, marks[k], randomness)
        board = bb.append(election, credentials, board, ballot)
    assert len({item["tracker"] for item in made}) == count  # fresh randomness each time
    bb.verify_board(election, credentials, board)


def test_a_ballot_changed_after_signing_or_copied_is_refused(js) -> None:
    election = _election()
    private, _ = cr.generate(election.election_id, [1, 1])
    made = js.evaluate(ENCRYPT_JS, [election.to_json(), private,
                                    [[[0, 1, 0], [1, 0, 0, 0, 0], [1, 0, 0, 0]]]])[0]["ballot"]
    flipped = {**made, "answers": [made["answers"][1], made["answers"][0], made["answers"][2]]}
    with pytest.raises(VerificationError) as caught:
        verify_ballot(election, Ballot.from_json(flipped))
    assert caught.value.field == "ballot.answers[0].choices"
    other = Point.base(cr.credential_secret(election.election_id, private[1])).hex()
    with pytest.raises(VerificationError) as caught:
        verify_ballot(election, Ballot.from_json({**made, "credential": other}))
    assert caught.value.field == "ballot.answers[0].choices[0].proof"


def test_the_browser_refuses_bad_marks_and_credentials(js) -> None:
    election = _election()
    problems = js.evaluate("""async ([electionJson]) => {
      const el = await import('/static/js/booth/election.js');
      const cr = await import('/static/js/booth/credentials.js');
      const b = await import('/static/js/booth/ballot.js');
      const election = el.parseElection(electionJson);
      const secret = cr.credentialSecret(election.electionId, 'aaaqeayeaudaocajbifqydiob4');
      const out = [];
      const attempt = (f) => { try { f(); out.push(null); } catch (e) { out.push(e.field); } };
      const zero = [0, 0, 0, 0, 0];
      attempt(() => b.encryptBallot(election, secret, [[1, 1, 0], zero, [1, 0, 0, 0]]));
      attempt(() => b.encryptBallot(election, secret, [[1, 0, 0], zero, [0, 0, 0, 0]]));
      attempt(() => b.encryptBallot(election, secret, [[2, 0, 0], zero, [1, 0, 0, 0]]));
      attempt(() => cr.parseCredential('aaaqeayeaudaocajbifqydiob5'));  // spare bits set
      attempt(() => cr.parseCredential('aaaqeayeaudaocajbifqydiob'));
      attempt(() => cr.parseCredential('aaaqeayeaudaocajbifqydio01'));
      attempt(() => el.parseElection({...electionJson, extra: 1}));
      attempt(() => el.parseElection({...electionJson, public_key: '00'.repeat(32)}));
      attempt(() => el.parseElection(
        {...electionJson, public_key: electionJson.public_key.toUpperCase()}));
      return out;
    }""", [election.to_json()])
    assert problems == ["marks[0]", "marks[2]", "marks[0]", "credential", "credential",
                        "credential", "election", "election.public_key", "election.public_key"]


def test_browser_ballots_make_a_record_the_independent_verifier_accepts(js, tmp_path) -> None:
    """Ballots cast from the browser (with revotes, weights), tallied and decrypted by 2 of 3
    trustees with hustings.crypto: hustings_verify.online accepts the record, and the result is
    the plaintext count of each credential's last ballot."""
    import hashlib
    import json

    from hustings.crypto.decryption import decrypt, decryption_share
    from hustings.crypto.record import ElectionRecord
    from hustings.crypto.tally import tally
    from hustings_verify.online import verify_online
    from tests.crypto.builders import election_for, run_ceremony

    trustees = run_ceremony("booth-record/online-1", 3, 2)
    election = election_for(trustees, Question("chair", ("ada", "ben", "cleo"), 1, 1),
                            Question("committee", ("dora", "eli", "fay"), 0, 3))
    weights = [1, 2, 1, 3, 1, 1]
    private, credentials = cr.generate(election.election_id, weights)
    rnd = random.Random(7)
    order = [0, 1, 2, 3, 4, 5, 1, 3]  # voters 1 and 3 vote again
    marks = [_marks(rnd, election) for _ in order]
    made = js.evaluate(ENCRYPT_JS, [election.to_json(), [private[v] for v in order], marks])
    board: bb.Board = ()
    for item in made:
        board = bb.append(election, credentials, board, Ballot.from_json(item["ballot"]))
    last = {voter: m for voter, m in zip(order, marks, strict=True)}
    expected = [[sum(weights[v] * m[q][i] for v, m in last.items())
                 for i in range(len(question.choices))]
                for q, question in enumerate(election.questions)]
    encrypted = tally(election, credentials, board)
    shares = tuple(decryption_share(election, j, trustees.secrets[j], encrypted) for j in (2, 3))
    result = decrypt(election, encrypted, shares, trustees.keys, 2)
    assert [list(row) for row in result.counts] == expected
    record = ElectionRecord(election, credentials, trustees.ceremony, trustees.dealings, board,
                            bb.head(election, board), encrypted, shares, result)
    body = json.dumps(record.to_json()).encode()
    (tmp_path / "record.json").write_bytes(body)
    (tmp_path / "manifest.json").write_text(json.dumps({
        "kind": "hustings-online-record", "version": 1,
        "files": {"record.json": hashlib.sha256(body).hexdigest()}}))
    assert verify_online(tmp_path) == []
