"""Invariants checked with hypothesis across the two implementations: the browser's canonical
JSON, credential encoding and hashing agree with hustings.crypto's on generated inputs, and the
browser's ballot verifier refuses what hustings.crypto refuses, at the same JSON path."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hustings.crypto import credentials as cr
from hustings.crypto.ballot import Ballot, encrypt_ballot, verify_ballot
from hustings.crypto.election import Election, Question
from hustings.crypto.errors import VerificationError
from hustings.crypto.group import Point, Scalar
from hustings.crypto.hashing import canonical_json, hash_to_scalar

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12)


@SETTINGS
@given(value=json_values)
def test_canonical_json_agrees(js, value) -> None:
    got = js.evaluate(
        "async (v) => (await import('/static/js/booth/hashing.js')).canonicalJson(v)", value)
    assert got.encode("ascii") == canonical_json(value)


@SETTINGS
@given(raw=st.binary(min_size=16, max_size=16), election_id=st.text(min_size=1))
def test_credentials_and_hash_to_scalar_agree(js, raw, election_id) -> None:
    credential = cr.format_credential(raw)
    got = js.evaluate("""async ([raw, id]) => {
      const cr = await import('/static/js/booth/credentials.js');
      const g = await import('/static/js/booth/group.js');
      const h = await import('/static/js/booth/hashing.js');
      const credential = cr.formatCredential(Uint8Array.from(raw));
      return [credential, g.toHex(cr.credentialSecret(id, credential.toUpperCase())),
              g.toHex(h.hashToScalar('example', id, Uint8Array.from(raw), raw.length))];
    }""", [list(raw), election_id])
    assert got[0] == credential
    assert got[1] == cr.credential_secret(election_id, credential).hex()
    assert got[2] == hash_to_scalar("example", election_id, raw, len(raw)).hex()


ELECTION = Election("props/online-1", Point.base(Scalar.random()),
                    (Question("chair", ("ada", "ben", "cleo"), 1, 1),
                     Question("board", ("dora", "eli"), 0, 2)))

VERIFY_JS = """async ([electionJson, ballots]) => {
  const el = await import('/static/js/booth/election.js');
  const b = await import('/static/js/booth/ballot.js');
  const election = el.parseElection(electionJson);
  return ballots.map((ballot) => {
    try { b.verifyBallot(election, ballot); return null; } catch (e) { return e.field; }
  });
}"""


def _python_field(value) -> str | None:
    try:
        verify_ballot(ELECTION, Ballot.from_json(value))
    except VerificationError as exc:
        return exc.field
    return None


@pytest.fixture(scope="module")
def ballot_json() -> dict:
    secret = cr.credential_secret(ELECTION.election_id, cr.new_credential())
    return encrypt_ballot(ELECTION, secret, [[0, 1, 0], [1, 1]]).to_json()


def _hex_leaves(value, path=()):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _hex_leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _hex_leaves(v, (*path, i))
    elif isinstance(value, str):
        yield path


@SETTINGS
@given(data=st.data())
def test_the_browser_refuses_what_python_refuses(js, ballot_json, data) -> None:
    leaves = list(_hex_leaves(ballot_json))
    path = data.draw(st.sampled_from(leaves))
    digit = data.draw(st.integers(0, 63))
    value = copy.deepcopy(ballot_json)
    holder = value
    for key in path[:-1]:
        holder = holder[key]
    old = holder[path[-1]]
    new = "0123456789abcdef"[("0123456789abcdef".index(old[digit]) + 1) % 16]
    holder[path[-1]] = old[:digit] + new + old[digit + 1:]
    fields = js.evaluate(VERIFY_JS, [ELECTION.to_json(), [ballot_json, value]])
    assert fields[0] is None
    assert fields[1] is not None
    assert fields[1] == _python_field(value)
