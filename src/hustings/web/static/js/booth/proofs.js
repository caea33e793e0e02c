// Sigma protocols with strong Fiat-Shamir (specification section 7), in challenge-response
// form {c, s}: the verifier recomputes the commitments.
import { add, base, mul, scalarAdd, scalarFromInt, scalarMul, scalarSub, smallMultiple, sub,
  equal } from "./group.js";
import { hashToScalar } from "./hashing.js";

/** Proof of knowledge of `secret` with pub = secret*G, bound to `context`. */
export function proveSchnorr(tag, context, secret, pub, rng) {
  const k = rng.scalar();
  const c = hashToScalar(tag, ...context, pub, base(k));
  return { c, s: scalarAdd(k, scalarMul(c, secret)) };
}

export function verifySchnorr(tag, context, pub, proof) {
  const a = sub(base(proof.s), mul(pub, proof.c));
  return equal(hashToScalar(tag, ...context, pub, a), proof.c);
}

/** Proof that log_G(pub) = log_B(result) = secret. */
export function proveDleq(tag, context, secret, pub, b, result, rng) {
  const k = rng.scalar();
  const c = hashToScalar(tag, ...context, pub, b, result, base(k), mul(b, k));
  return { c, s: scalarAdd(k, scalarMul(c, secret)) };
}

export function verifyDleq(tag, context, pub, b, result, proof) {
  const a = sub(base(proof.s), mul(pub, proof.c));
  const bb = sub(mul(b, proof.s), mul(result, proof.c));
  return equal(hashToScalar(tag, ...context, pub, b, result, a, bb), proof.c);
}

/** A_v = s*G - c*alpha and B_v = s*H - c*(beta - v*G). */
function commitments(h, ct, v, c, s) {
  const shifted = v ? sub(ct.beta, smallMultiple(v)) : ct.beta;
  return [sub(base(s), mul(ct.alpha, c)), sub(mul(h, s), mul(shifted, c))];
}

/** Disjunctive Chaum-Pedersen proof that ct = Enc(m; r) under h with lo <= m <= hi: one
 * {c, s} per value lo..hi. Randomness is drawn in the order of the specification (and of
 * hustings.crypto), so seeded known-answer tests match byte for byte. */
export function proveRange(tag, context, h, ct, lo, hi, m, r, rng) {
  if (m < lo || m > hi) throw new RangeError(`${m} is not within ${lo}..${hi}`);
  const points = [];
  const simulated = new Map();
  let w = null;
  for (let v = lo; v <= hi; v++) {
    if (v === m) {
      w = rng.scalar();
      points.push(base(w), mul(h, w));
    } else {
      const c = rng.scalar(), s = rng.scalar();
      simulated.set(v, { c, s });
      points.push(...commitments(h, ct, v, c, s));
    }
  }
  let cm = hashToScalar(tag, ...context, h, ct.alpha, ct.beta, lo, hi, ...points);
  for (const p of simulated.values()) cm = scalarSub(cm, p.c);
  const real = { c: cm, s: scalarAdd(w, scalarMul(cm, r)) };
  const out = [];
  for (let v = lo; v <= hi; v++) out.push(v === m ? real : simulated.get(v));
  return out;
}

export function verifyRange(tag, context, h, ct, lo, hi, proof) {
  if (proof.length !== hi - lo + 1) return false;
  const points = [];
  let total = scalarFromInt(0);
  proof.forEach((p, k) => {
    points.push(...commitments(h, ct, lo + k, p.c, p.s));
    total = scalarAdd(total, p.c);
  });
  return equal(hashToScalar(tag, ...context, h, ct.alpha, ct.beta, lo, hi, ...points), total);
}
