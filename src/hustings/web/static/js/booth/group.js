// ristretto255 (RFC 9496) points and scalars as 32-byte Uint8Arrays: a thin layer over
// libsodium's crypto_core_ristretto255_* and crypto_scalarmult_ristretto255* (no group or field
// arithmetic is written here). Specification: docs/formats/online-voting.md, section 2.
import sodium from "./sodium.js";

export const ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;
export const IDENTITY = new Uint8Array(32);

/** A problem with an input, naming where it is (a JSON path), like hustings.crypto's. */
export class VerificationError extends Error {
  constructor(message, field) {
    super(field ? `${field}: ${message}` : message);
    this.name = "VerificationError";
    this.field = field || null;
  }
}

export function isZero(bytes) {
  return bytes.every((b) => b === 0);
}

export function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function concat(...arrays) {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** 32 bytes from exactly 64 lowercase hexadecimal digits (anything else is refused). */
export function fromHex32(value, field) {
  if (typeof value !== "string" || !/^[0-9a-f]{64}$/.test(value)) {
    throw new VerificationError("expected 64 lowercase hexadecimal digits", field);
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(value.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function scalarReduce(wide) {
  return sodium.crypto_core_ristretto255_scalar_reduce(wide);
}

/** A scalar from 32 bytes; non-canonical encodings (not below the order) are refused. */
export function scalarDecode(bytes, field) {
  if (bytes.length !== 32) throw new VerificationError("a scalar is 32 bytes", field);
  if (!equal(scalarReduce(concat(bytes, IDENTITY)), bytes)) {
    throw new VerificationError("scalar is not canonical (not below the group order)", field);
  }
  return bytes;
}

/** The scalar n mod the order, for an integer (Number or BigInt) with |n| below the order. */
export function scalarFromInt(n) {
  let v = BigInt(n);
  if (v < 0n) return scalarNeg(scalarFromInt(-v));
  if (v >= ORDER) throw new RangeError("integer not below the group order");
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

export function scalarToBigInt(s) {
  let v = 0n;
  for (let i = s.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(s[i]);
  return v;
}

export const scalarAdd = (a, b) => sodium.crypto_core_ristretto255_scalar_add(a, b);
export const scalarSub = (a, b) => sodium.crypto_core_ristretto255_scalar_sub(a, b);
export const scalarMul = (a, b) => sodium.crypto_core_ristretto255_scalar_mul(a, b);
export const scalarNeg = (a) => sodium.crypto_core_ristretto255_scalar_negate(a);
export const randomScalar = () => sodium.crypto_core_ristretto255_scalar_random();

/** A point from 32 bytes: canonical (RFC 9496 section 4.3.1), and not the identity unless
 * allowed (tallies and decryption factors only). */
export function pointDecode(bytes, field, allowIdentity = false) {
  if (bytes.length !== 32) throw new VerificationError("a point is 32 bytes", field);
  if (!sodium.crypto_core_ristretto255_is_valid_point(bytes)) {
    throw new VerificationError("not a canonical ristretto255 encoding", field);
  }
  if (!allowIdentity && isZero(bytes)) {
    throw new VerificationError("the identity element is not allowed here", field);
  }
  return bytes;
}

/** s*G; the identity for s = 0 (libsodium refuses to return the identity). */
export function base(s) {
  return isZero(s) ? IDENTITY.slice() : sodium.crypto_scalarmult_ristretto255_base(s);
}

/** s*P; the identity when s = 0 or P is the identity. */
export function mul(point, s) {
  if (isZero(s) || isZero(point)) return IDENTITY.slice();
  return sodium.crypto_scalarmult_ristretto255(s, point);
}

export const add = (p, q) => sodium.crypto_core_ristretto255_add(p, q);
export const sub = (p, q) => sodium.crypto_core_ristretto255_sub(p, q);

export const GENERATOR = base(scalarFromInt(1));

const small = new Map();
/** m*G for a small non-negative m (cached). */
export function smallMultiple(m) {
  let p = small.get(m);
  if (p === undefined) {
    p = base(scalarFromInt(m));
    if (m < 4096) small.set(m, p);
  }
  return p;
}

/** The only randomness for real use: libsodium's CSPRNG (crypto.getRandomValues). */
export const SYSTEM_RNG = { scalar: randomScalar };
