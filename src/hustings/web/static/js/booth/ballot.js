// Ballots (specification sections 6 and 8): per-choice ElGamal encryptions with 0/1 proofs,
// a proof of the number of marks, the credential's Schnorr signature; the tracker.
import { add, base, equal, fromHex32, IDENTITY, mul, pointDecode, scalarAdd, scalarDecode,
  scalarFromInt, smallMultiple, SYSTEM_RNG, toHex, VerificationError } from "./group.js";
import { jsonHash } from "./hashing.js";
import { array, mapping } from "./election.js";
import { proveRange, proveSchnorr, verifyRange, verifySchnorr } from "./proofs.js";

export const TAG_CHOICE = "choice";
export const TAG_SUM = "sum";
export const TAG_SIGNATURE = "signature";

/** Enc(m; r) = (r*G, m*G + r*H). */
export function encrypt(h, m, r) {
  return { alpha: base(r), beta: add(smallMultiple(m), mul(h, r)) };
}

function total(cts) {
  return cts.reduce((acc, ct) => ({ alpha: add(acc.alpha, ct.alpha), beta: add(acc.beta, ct.beta) }),
    { alpha: IDENTITY, beta: IDENTITY });
}

const proofJson = (p) => ({ c: toHex(p.c), s: toHex(p.s) });

function signatureContext(election, body) {
  return [election.fingerprint, jsonHash(body)];
}

function checkMarks(election, marks) {
  if (!Array.isArray(marks) || marks.length !== election.questions.length) {
    throw new VerificationError(`expected marks for ${election.questions.length} question(s)`, "marks");
  }
  election.questions.forEach((q, i) => {
    const row = marks[i];
    if (!Array.isArray(row) || row.length !== q.choices.length || row.some((m) => m !== 0 && m !== 1)) {
      throw new VerificationError(`question "${q.key}" needs one 0 or 1 per choice`, `marks[${i}]`);
    }
    const n = row.reduce((a, b) => a + b, 0);
    if (n < q.min || n > q.max) {
      throw new VerificationError(`question "${q.key}" takes ${q.min} to ${q.max} marks, not ${n}`, `marks[${i}]`);
    }
  });
}

/** The signed ballot (as its JSON object) and the encryption randomness, as hex per choice.
 * The randomness is revealed only to audit the ballot, which must then never be cast. */
export function encryptWithRandomness(election, secret, marks, rng = SYSTEM_RNG) {
  checkMarks(election, marks);
  const credential = base(secret);
  const h = election.publicKey;
  const answers = [];
  const randomness = [];
  election.questions.forEach((q, qi) => {
    const row = marks[qi];
    const rs = row.map(() => rng.scalar());
    const cts = row.map((m, i) => encrypt(h, m, rs[i]));
    const choices = cts.map((ct, i) => ({
      alpha: toHex(ct.alpha), beta: toHex(ct.beta),
      proof: proveRange(TAG_CHOICE, [election.fingerprint, credential, qi, i], h, ct, 0, 1,
        row[i], rs[i], rng).map(proofJson),
    }));
    const rSum = rs.reduce((a, r) => scalarAdd(a, r), scalarFromInt(0));
    const n = row.reduce((a, b) => a + b, 0);
    const sumProof = proveRange(TAG_SUM, [election.fingerprint, credential, qi], h, total(cts),
      q.min, q.max, n, rSum, rng).map(proofJson);
    answers.push({ choices, sum_proof: sumProof });
    randomness.push(rs.map(toHex));
  });
  const body = { election: toHex(election.fingerprint), credential: toHex(credential), answers };
  const signature = proveSchnorr(TAG_SIGNATURE, signatureContext(election, body), secret,
    credential, rng);
  return { ballot: { ...body, signature: proofJson(signature) }, randomness };
}

/** A fresh signed ballot with `marks[q][i]` (0 or 1) for choice i of question q. */
export function encryptBallot(election, secret, marks, rng = SYSTEM_RNG) {
  return encryptWithRandomness(election, secret, marks, rng).ballot;
}

/** SHA-256 of the ballot's canonical JSON, 64 hex digits: what the voter finds on the board. */
export function tracker(ballot) {
  return toHex(jsonHash(ballot));
}

function decodeProof(value, at) {
  const obj = mapping(value, at, ["c", "s"]);
  return { c: scalarDecode(fromHex32(obj.c, `${at}.c`), `${at}.c`),
    s: scalarDecode(fromHex32(obj.s, `${at}.s`), `${at}.s`) };
}

const decodeRange = (value, at) => array(value, at).map((p, i) => decodeProof(p, `${at}[${i}]`));
const point = (value, at) => pointDecode(fromHex32(value, at), at);

/** Every check a ballot must pass on its own, in the specification's order; throws a
 * VerificationError naming the first failure (as hustings.crypto.ballot.verify_ballot). */
export function verifyBallot(election, ballot, where = "ballot") {
  const obj = mapping(ballot, where, ["election", "credential", "answers", "signature"]);
  const fingerprint = fromHex32(obj.election, `${where}.election`);
  const answers = array(obj.answers, `${where}.answers`).map((a, q) => {
    const at = `${where}.answers[${q}]`;
    const ao = mapping(a, at, ["choices", "sum_proof"]);
    return {
      choices: array(ao.choices, `${at}.choices`).map((c, i) => {
        const ci = `${at}.choices[${i}]`;
        const co = mapping(c, ci, ["alpha", "beta", "proof"]);
        return { ct: { alpha: point(co.alpha, `${ci}.alpha`), beta: point(co.beta, `${ci}.beta`) },
          proof: decodeRange(co.proof, `${ci}.proof`) };
      }),
      sumProof: decodeRange(ao.sum_proof, `${at}.sum_proof`),
    };
  });
  const credential = point(obj.credential, `${where}.credential`);
  const signature = decodeProof(obj.signature, `${where}.signature`);
  if (!equal(fingerprint, election.fingerprint)) {
    throw new VerificationError("the ballot is for another election (fingerprint differs)", `${where}.election`);
  }
  if (answers.length !== election.questions.length) {
    throw new VerificationError(`expected ${election.questions.length} answer(s)`, `${where}.answers`);
  }
  const h = election.publicKey;
  election.questions.forEach((q, qi) => {
    const at = `${where}.answers[${qi}]`;
    const answer = answers[qi];
    if (answer.choices.length !== q.choices.length) {
      throw new VerificationError(`expected ${q.choices.length} choices`, `${at}.choices`);
    }
    answer.choices.forEach((c, i) => {
      if (!verifyRange(TAG_CHOICE, [election.fingerprint, credential, qi, i], h, c.ct, 0, 1, c.proof)) {
        throw new VerificationError("the proof that this choice is 0 or 1 fails", `${at}.choices[${i}].proof`);
      }
    });
    if (!verifyRange(TAG_SUM, [election.fingerprint, credential, qi], h,
      total(answer.choices.map((c) => c.ct)), q.min, q.max, answer.sumProof)) {
      throw new VerificationError(`the proof that ${q.min} to ${q.max} choices are marked fails`, `${at}.sum_proof`);
    }
  });
  const { signature: _, ...body } = obj;
  if (!verifySchnorr(TAG_SIGNATURE, signatureContext(election, body), credential, signature)) {
    throw new VerificationError("the credential's signature fails", `${where}.signature`);
  }
}

/** Benaloh challenge: does `ballot` encrypt `marks` with `randomness` (hex scalars)? */
export function checkAudit(election, ballot, marks, randomness) {
  if (marks.length !== ballot.answers.length || randomness.length !== ballot.answers.length) return false;
  return ballot.answers.every((answer, q) => {
    if (marks[q].length !== answer.choices.length || randomness[q].length !== answer.choices.length) return false;
    return answer.choices.every((c, i) => {
      const r = scalarDecode(fromHex32(randomness[q][i], `randomness[${q}][${i}]`));
      const ct = encrypt(election.publicKey, marks[q][i], r);
      return toHex(ct.alpha) === c.alpha && toHex(ct.beta) === c.beta;
    });
  });
}
