// Domain-separated hashing and canonical JSON (docs/formats/online-voting.md, sections 2-3).
import sodium from "./sodium.js";
import { concat, scalarReduce } from "./group.js";

export const PROTOCOL = "hustings-online-v1";
const utf8 = new TextEncoder();

function partBytes(part) {
  if (part instanceof Uint8Array) return part; // points, scalars, digests, byte strings
  if (typeof part === "string") return utf8.encode(part);
  if (typeof part === "number" || typeof part === "bigint") {
    if (typeof part === "number" && !Number.isSafeInteger(part)) {
      throw new RangeError(`cannot hash ${part}`);
    }
    let v = BigInt(part);
    if (v < 0n || v >= 2n ** 64n) throw new RangeError(`cannot hash ${part}`);
    const out = new Uint8Array(8);
    for (let i = 7; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
    return out;
  }
  throw new TypeError(`cannot hash ${part}`);
}

function lp(bytes) {
  const out = new Uint8Array(4 + bytes.length);
  new DataView(out.buffer).setUint32(0, bytes.length, false);
  out.set(bytes, 4);
  return out;
}

/** The exact bytes hashed for `tag` and `parts`. */
export function encode(tag, ...parts) {
  return concat(lp(utf8.encode(`${PROTOCOL}/${tag}`)), ...parts.map((p) => lp(partBytes(p))));
}

export const sha256 = (bytes) => sodium.crypto_hash_sha256(bytes);
export const sha512 = (bytes) => sodium.crypto_hash_sha512(bytes);

/** H: SHA-512 of the encoded input reduced modulo the group order (every challenge). */
export function hashToScalar(tag, ...parts) {
  return scalarReduce(sha512(encode(tag, ...parts)));
}

/** D: SHA-256 of the encoded input (board links, ceremony contexts). */
export function digest(tag, ...parts) {
  return sha256(encode(tag, ...parts));
}

function compareCodePoints(a, b) {
  const x = Array.from(a), y = Array.from(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

const SHORT = { 0x22: '\\"', 0x5c: "\\\\", 0x08: "\\b", 0x0c: "\\f", 0x0a: "\\n", 0x0d: "\\r",
  0x09: "\\t" };

function quote(s) {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i); // UTF-16 code units: characters beyond the BMP as pairs
    if (SHORT[c]) out += SHORT[c];
    else if (c < 0x20 || c > 0x7e) out += "\\u" + c.toString(16).padStart(4, "0");
    else out += s[i];
  }
  return out + '"';
}

/** Python's json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=True). */
export function canonicalJson(value) {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new TypeError("canonical JSON has only integers");
    return String(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return quote(value);
  if (Array.isArray(value)) return "[" + value.map(canonicalJson).join(",") + "]";
  if (typeof value === "object") {
    const keys = Object.keys(value).sort(compareCodePoints);
    return "{" + keys.map((k) => quote(k) + ":" + canonicalJson(value[k])).join(",") + "}";
  }
  throw new TypeError(`not JSON: ${typeof value}`);
}

/** SHA-256 of a value's canonical JSON (fingerprints, trackers, signed ballot bodies). */
export function jsonHash(value) {
  return sha256(utf8.encode(canonicalJson(value)));
}
