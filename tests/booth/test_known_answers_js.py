"""The browser booth's JavaScript reproduces the specification's known answers byte for byte
(tests/crypto/test_known_answers.py, the same SeededRng streams), run in headless Chromium
under the site's Content-Security-Policy."""

from __future__ import annotations

import hashlib

from hustings.crypto import board as bb
from hustings.crypto import credentials as cr
from hustings.crypto.ballot import Ballot, encrypt_ballot_with_randomness, verify_ballot
from hustings.crypto.election import Election, Question
from hustings.crypto.group import GENERATOR, Point, SeededRng
from hustings.crypto.hashing import canonical_json, encode

CREDENTIAL = "aaaqeayeaudaocajbifqydiob4"

KAT_JS = """async () => {
  const g = await import('/static/js/booth/group.js');
  const h = await import('/static/js/booth/hashing.js');
  const cr = await import('/static/js/booth/credentials.js');
  const el = await import('/static/js/booth/election.js');
  const pr = await import('/static/js/booth/proofs.js');
  const b = await import('/static/js/booth/ballot.js');
  const { SeededRng } = await import('/test/seeded.js');
  const hex = g.toHex;
  const out = {};
  const parts = [g.GENERATOR, g.scalarFromInt(7), new Uint8Array([1, 2]), 'hé', 42];
  out.encode = hex(h.encode('example', ...parts));
  out.hash = hex(h.hashToScalar('example', ...parts));
  out.rng0 = hex(new SeededRng('kat').scalar());
  out.credential = cr.formatCredential(Uint8Array.from({length: 16}, (_, i) => i));
  out.secret = hex(cr.credentialSecret('kat-election', 'aaaqeayeaudaocajbifqydiob4'));
  out.secretDashed = hex(cr.credentialSecret('kat-election', 'AAAQ-EAYE-AUDA-OCAJ-BIFQ-YDIO-B4'));
  out.publicCredential = hex(cr.publicCredential('kat-election', 'aaaqeayeaudaocajbifqydiob4'));
  let rng = new SeededRng('kat');
  const sk = rng.scalar();
  const election = el.parseElection({protocol: 'hustings-online-v1', group: 'ristretto255',
    election_id: 'kat-election', public_key: hex(g.base(sk)),
    questions: [{key: 'chair', choices: ['ada', 'ben', 'cleo'], min: 1, max: 1}]});
  out.canonical = h.canonicalJson(election.json);
  out.fingerprint = hex(election.fingerprint);
  out.genesis = hex(h.digest('board-genesis', election.fingerprint));
  const x = rng.scalar();
  const X = g.base(x);
  const ctx = [new TextEncoder().encode('ctx')];
  const schnorr = pr.proveSchnorr('example', ctx, x, X, rng);
  out.schnorr = [hex(schnorr.c), hex(schnorr.s), pr.verifySchnorr('example', ctx, X, schnorr)];
  const alpha = g.base(rng.scalar());
  const D = g.mul(alpha, x);
  const dleq = pr.proveDleq('example', ctx, x, X, alpha, D, rng);
  out.dleq = [hex(D), hex(dleq.c), hex(dleq.s), pr.verifyDleq('example', ctx, X, alpha, D, dleq)];
  const r = rng.scalar();
  const ct = b.encrypt(election.publicKey, 1, r);
  out.ct = [hex(ct.alpha), hex(ct.beta)];
  const p01 = pr.proveRange('example', ctx, election.publicKey, ct, 0, 1, 1, r, rng);
  out.range = p01.map((p) => [hex(p.c), hex(p.s)]);
  out.rangeOk = pr.verifyRange('example', ctx, election.publicKey, ct, 0, 1, p01);
  const secret = cr.credentialSecret('kat-election', 'aaaqeayeaudaocajbifqydiob4');
  const made = b.encryptWithRandomness(election, secret, [[0, 0, 1]], new SeededRng('kat-ballot'));
  out.ballot = made.ballot;
  out.randomness = made.randomness;
  out.tracker = b.tracker(made.ballot);
  const genesis = h.digest('board-genesis', election.fingerprint);
  out.link = hex(h.digest('board', genesis, 1, out.tracker));
  out.audit = b.checkAudit(election, made.ballot, [[0, 0, 1]], made.randomness);
  out.auditOther = b.checkAudit(election, made.ballot, [[0, 1, 0]], made.randomness);
  b.verifyBallot(election, made.ballot);
  out.electionJson = election.json;
  return out;
}"""


def _kat_election() -> Election:
    sk = SeededRng(b"kat").scalar()
    return Election("kat-election", Point.base(sk), (Question("chair", ("ada", "ben", "cleo"),
                                                               1, 1),))


def test_the_browser_reproduces_every_known_answer(js) -> None:
    out = js.evaluate(KAT_JS)
    assert out["encode"] == encode("example", GENERATOR, *_parts()).hex() == (
        "0000001a" + b"hustings-online-v1/example".hex() + "00000020" + GENERATOR.hex()
        + "00000020" + "07" + "00" * 31 + "00000002" + "0102" + "00000003" + "68c3a9"
        + "00000008" + "000000000000002a")
    assert out["hash"] == "96a267fc226622334c83a81830ae1757865b64b15d3ec727a023688975c0640c"
    assert out["rng0"] == "83e03b9a55c5fe4c0b5d0b238b9281151055852af05e65dfe23d24f51df59a02"
    assert out["credential"] == CREDENTIAL
    assert out["secret"] == out["secretDashed"] == \
        "af206bf62b9d8ed7c19f605c99eefe331621209e0ce8a0f9e3381062d9458604"
    assert out["publicCredential"] == \
        "9e390600af001d3e1aff14956b5f001ed92e9e8316b23c993ebebf7963282373"
    election = _kat_election()
    assert out["electionJson"] == election.to_json()
    assert out["canonical"].encode() == canonical_json(election.to_json())
    assert out["fingerprint"] == election.fingerprint.hex() == \
        "dd2af67085c660c6d8db919b58c1622486576b703742b74bf50692ab37d8bbce"
    assert out["genesis"] == "8a9ba55586c4b483defa7d0e6fd43621be19af29f13ea4b37c0160b537ac60cf"
    assert out["schnorr"] == ["f7015f6e595a4b7f3c939f22fc0ee225d086cd3698dca5da3aef99687c10f200",
                              "42be90fd98e528c3ab7e7c118aebdf22662b254efcadac3c69d356fc4313ee0c",
                              True]
    assert out["dleq"] == ["123f092292f3fc0bd07183a52c31eaabf349edd082ef238384ef99900a63f06e",
                           "d39792f22c7efe5aeae90198e2b9b500c6373c6406ff37cfa5240cc2ca5a5509",
                           "9ccb5f6d926cbfa0ec0a5ebeaebf2809d2c6a4866e9fcab8465853d169afae00",
                           True]
    assert out["ct"] == ["206b82f6cdc0520a9cc06180613a5d5cac8455c5c271010aa9b2a0a08eb7a110",
                         "26bd61d44306ca764961b2f7c0a15f5f30dc2704a92e8b1f8bb85b4b8eeb1624"]
    assert out["range"] == [
        ["a896671daa427ca5b2b499e1d1e5e2ce840e9ebbbd0b21d5dd5ad315555ed101",
         "1817a7b4fea5901bb3519d66c3c8e8b13cbef78de9262fb1b448bbd0f90d8000"],
        ["e8bbee1071614e52e9072825ee637d3a8b7469dc3340d8aa1412f65be8ba6b02",
         "5db20618151c1cc171a0ba17eb0cbf38e01f60a35533b1c36ebcc57c3244b10f"]]
    assert out["rangeOk"] is True
    # the whole ballot: the same bytes as hustings.crypto's, its tracker, the board link
    expected, randomness = encrypt_ballot_with_randomness(
        election, cr.credential_secret("kat-election", CREDENTIAL), [[0, 0, 1]],
        SeededRng(b"kat-ballot"))
    assert out["ballot"] == expected.to_json()
    assert out["tracker"] == expected.tracker == \
        "31aa98a99925d0dcb9c96179f325546a70669151e5d3bc0446a109a58abad3e0"
    assert out["tracker"] == hashlib.sha256(canonical_json(out["ballot"])).hexdigest()
    assert out["randomness"] == [[r.hex() for r in row] for row in randomness]
    assert out["link"] == "fdd512ea33d89b11092b9f78a0a2e13dbb4fb1333646fb750b6229caa5489177"
    assert out["audit"] is True and out["auditOther"] is False
    verify_ballot(election, Ballot.from_json(out["ballot"]))
    assert bb.genesis(election).hex() == out["genesis"]


def _parts():
    from hustings.crypto.group import Scalar
    return (Scalar.from_int(7), b"\x01\x02", "hé", 42)


def test_canonical_json_matches_python_for_awkward_strings(js) -> None:
    value = {"é": 1, "z": "a\"b\\c\n\t\b\f\r\x01\x7f/é€😀", "a": [True, False, None, 0, -3],
             "\ue000": "bmp", "😀": "astral", "B": {"y": [], "x": {}}}
    got = js.evaluate("async (v) => (await import('/static/js/booth/hashing.js')).canonicalJson(v)",
                      value)
    assert got.encode() == canonical_json(value)
