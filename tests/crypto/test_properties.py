"""Properties of the cryptographic core, on random inputs."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hustings.crypto import credentials as cr
from hustings.crypto.ballot import TAG_SUM, Answer, Ballot, encrypt_ballot, verify_ballot
from hustings.crypto.decryption import (
    DiscreteLog,
    combine,
    decrypt,
    decryption_share,
    lagrange_at_zero,
)
from hustings.crypto.election import Election, Question
from hustings.crypto.elgamal import encrypt, total
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import ORDER, Point, Scalar, SeededRng, small_multiple
from hustings.crypto.proofs import prove_range, verify_range
from hustings.crypto.tally import EncryptedTally
from tests.crypto.builders import run_ceremony

SLOW = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

KEY = Scalar.from_int(123456789)
ELECTION = Election("prop-election", Point.base(KEY),
                    (Question("chair", ("ada", "ben", "cleo"), 1, 1),
                     Question("board", ("dee", "eli", "fay", "gus"), 0, 2)))
SECRET = cr.credential_secret("prop-election", cr.format_credential(bytes(16)))


def _ballot(seed: int, chair: int = 0, board: tuple[int, ...] = (1, 3)) -> Ballot:
    marks = [[int(i == chair) for i in range(3)], [int(i in board) for i in range(4)]]
    return encrypt_ballot(ELECTION, SECRET, marks, SeededRng(seed.to_bytes(8, "big")))


BALLOT = _ballot(1)
HEX_FIELDS = [path for path in itertools.chain(
    (("answers", q, "choices", i, part) for q, n in ((0, 3), (1, 4)) for i in range(n)
     for part in ("alpha", "beta")),
    (("answers", q, "choices", i, "proof", b, cs) for q, n in ((0, 3), (1, 4))
     for i in range(n) for b in (0, 1) for cs in ("c", "s")),
    (("answers", 0, "sum_proof", 0, cs) for cs in ("c", "s")),
    (("answers", 1, "sum_proof", b, cs) for b in range(3) for cs in ("c", "s")),
    (("signature", cs) for cs in ("c", "s")),
    (("credential",),))]

scalars = st.integers(min_value=0, max_value=ORDER - 1)


@settings(max_examples=200, deadline=None)
@given(scalars, scalars)
def test_scalar_arithmetic_is_arithmetic_modulo_the_order(a: int, b: int) -> None:
    x, y = Scalar.from_int(a), Scalar.from_int(b)
    assert int(x + y) == (a + b) % ORDER
    assert int(x - y) == (a - b) % ORDER
    assert int(x * y) == (a * b) % ORDER
    assert int(x.neg()) == (-a) % ORDER
    if a:
        assert int(x.inv()) * a % ORDER == 1
    assert Scalar.decode(x.raw) == x


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=ORDER, max_value=2**256 - 1))
def test_non_canonical_scalars_are_refused(n: int) -> None:
    with pytest.raises(VerificationError, match="canonical"):
        Scalar.decode(n.to_bytes(32, "little"))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2), st.sets(st.integers(0, 3), max_size=2), st.integers(0, 2**32))
def test_honest_ballots_verify(chair: int, board: set[int], seed: int) -> None:
    ballot = _ballot(seed, chair, tuple(sorted(board)))
    verify_ballot(ELECTION, Ballot.from_json(ballot.to_json()))


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(HEX_FIELDS), st.integers(0, 63), st.integers(1, 15))
def test_any_changed_hex_digit_is_caught(path: tuple, position: int, delta: int) -> None:
    data = BALLOT.to_json()
    node = data
    for key in path[:-1]:
        node = node[key]
    old = node[path[-1]]
    digit = format((int(old[position], 16) + delta) % 16, "x")
    node[path[-1]] = old[:position] + digit + old[position + 1:]
    with pytest.raises(VerificationError):
        verify_ballot(ELECTION, Ballot.from_json(data))


def test_a_ballot_for_another_election_fails() -> None:
    for other in (dataclasses.replace(ELECTION, election_id="prop-election-2"),
                  dataclasses.replace(ELECTION, questions=(
                      ELECTION.questions[0], Question("board", ("dee", "eli", "fay", "gus"), 0,
                                                      3)))):
        with pytest.raises(VerificationError, match="another election"):
            verify_ballot(other, BALLOT)
        # even with the fingerprint swapped for the other election's, the proofs fail
        relabelled = dataclasses.replace(BALLOT, election=other.fingerprint)
        with pytest.raises(VerificationError) as caught:
            verify_ballot(other, relabelled)
        assert caught.value.field == "ballot.answers[0].choices[0].proof"


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 1), min_size=4, max_size=4).filter(lambda m: sum(m) > 2),
       st.integers(0, 2), st.integers(0, 2**32))
def test_a_sum_out_of_range_cannot_be_proved(marks: list[int], claim: int, seed: int) -> None:
    """A cheating client marks 3 or 4 of a max-2 question and proves the sum is `claim`."""
    rng = SeededRng(seed.to_bytes(8, "big"))
    h = ELECTION.public_key
    honest = _ballot(seed)
    rs = [rng.scalar() for _ in marks]
    choices = []
    for i, (m, r) in enumerate(zip(marks, rs, strict=True)):
        ct = encrypt(h, m, r)
        proof = prove_range("choice", (ELECTION.fingerprint, honest.credential, 1, i), h, ct, 0,
                            1, m, r, rng)
        choices.append(dataclasses.replace(honest.answers[1].choices[i], ciphertext=ct,
                                           proof=proof))
    r_sum = Scalar.from_int(0)
    for r in rs:
        r_sum = r_sum + r
    forged_ct = encrypt(h, claim, r_sum)  # what the proof is made for: not the real sum
    sum_proof = prove_range(TAG_SUM, (ELECTION.fingerprint, honest.credential, 1), h, forged_ct,
                            0, 2, claim, r_sum, rng)
    real_sum = total([c.ciphertext for c in choices])
    assert not verify_range(TAG_SUM, (ELECTION.fingerprint, honest.credential, 1), h, real_sum,
                            0, 2, sum_proof)
    ballot = dataclasses.replace(honest, answers=(honest.answers[0],
                                                  Answer(tuple(choices), sum_proof)))
    with pytest.raises(VerificationError) as caught:
        verify_ballot(ELECTION, ballot)
    assert caught.value.field in ("ballot.answers[1].sum_proof", "ballot.signature")


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 40), st.integers(0, 2**32))
def test_a_choice_other_than_0_or_1_cannot_be_proved(m: int, seed: int) -> None:
    rng = SeededRng(seed.to_bytes(8, "big"))
    r = rng.scalar()
    ct = encrypt(ELECTION.public_key, m, r)
    for claim in (0, 1):
        proof = prove_range("choice", (b"x",), ELECTION.public_key,
                            encrypt(ELECTION.public_key, claim, r), 0, 1, claim, r, rng)
        assert not verify_range("choice", (b"x",), ELECTION.public_key, ct, 0, 1, proof)
    with pytest.raises(ValueError, match="no honest proof"):
        prove_range("choice", (b"x",), ELECTION.public_key, ct, 0, 1, m, r, rng)


@SLOW
@given(st.integers(2, 5).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n))),
       st.lists(st.integers(0, 50), min_size=2, max_size=2), st.randoms(use_true_random=False))
def test_any_t_trustees_decrypt_the_same_tally_and_t_minus_1_cannot(nt, counts, rnd) -> None:
    n, t = nt
    trustees = run_ceremony(f"prop-{n}-{t}", n, t)
    election = Election(f"prop-{n}-{t}", trustees.public_key, (Question("q", ("a", "b"), 0, 2),))
    rng = SeededRng(b"tally")
    cts = tuple(encrypt(election.public_key, m, rng.scalar()) for m in counts)
    encrypted = EncryptedTally((cts,), 1, 100)
    shares = {j: decryption_share(election, j, trustees.secrets[j], encrypted, rng)
              for j in range(1, n + 1)}
    for size in range(t, n + 1):
        subset = rnd.sample(range(1, n + 1), size)
        result = decrypt(election, encrypted, [shares[j] for j in subset], trustees.keys, t)
        assert list(result.counts[0]) == counts
    if t > 1:
        subset = rnd.sample(range(1, n + 1), t - 1)
        with pytest.raises(VerificationError, match="are needed"):
            decrypt(election, encrypted, [shares[j] for j in subset], trustees.keys, t)
        # and combining them anyway does not give the counts
        points = combine(encrypted, [shares[j] for j in subset])[0]
        assert [p != small_multiple(m) for p, m in zip(points, counts, strict=True)] == \
            [True, True]


def test_lagrange_coefficients_interpolate_at_zero() -> None:
    # f(x) = 7 + 3x + 5x^2 from any three points
    f = {j: Scalar.from_int(7 + 3 * j + 5 * j * j) for j in range(1, 6)}
    for subset in itertools.combinations(range(1, 6), 3):
        lam = lagrange_at_zero(list(subset))
        acc = Scalar.from_int(0)
        for j in subset:
            acc = acc + lam[j] * f[j]
        assert int(acc) == 7


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 5000))
def test_discrete_log_recovers_every_value_up_to_the_bound(m: int) -> None:
    assert DiscreteLog(5000).solve(small_multiple(m)) == m
    assert DiscreteLog(max(m - 1, 0)).solve(small_multiple(m)) == (None if m else 0)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 2**32))
def test_a_dealer_at_fault_is_disqualified_and_an_honest_one_is_not(seed: int) -> None:
    from hustings.crypto import dkg
    trustees = run_ceremony("prop-dkg", 3, 2, SeededRng(seed.to_bytes(8, "big")))
    ceremony = trustees.ceremony
    dealing, shares = dkg.deal(ceremony, 2, SeededRng(b"again"))
    assert not dkg.judge_complaint(dealing, 1, shares[1])
    assert dkg.judge_complaint(dealing, 1, shares[1] + Scalar.from_int(1))
    assert dkg.judge_complaint(dealing, 1, shares[3])
    forged = dataclasses.replace(dealing, dealer=3)
    with pytest.raises(VerificationError, match="proof of knowledge"):
        dkg.verify_dealing(ceremony, forged)
