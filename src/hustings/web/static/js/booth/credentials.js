// A voter's private credential and the keys derived from it (specification section 5).
// The credential never leaves the browser: only the signed ballot is sent.
import { base, isZero, VerificationError } from "./group.js";
import { hashToScalar } from "./hashing.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
const BAD = "a credential is 26 letters a-z and digits 2-7";

/** RFC 4648 base32 of the bytes, lower case, without padding. */
export function formatCredential(bytes) {
  let bits = 0, value = 0, out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** The 16 bytes of a credential string (spaces and hyphens ignored, any case); anything that
 * is not exactly such an encoding (including non-zero spare bits) is refused. */
export function parseCredential(text) {
  const cleaned = String(text).replace(/[ \-\t\r\n]/g, "").toLowerCase();
  if (!/^[a-z2-7]{26}$/.test(cleaned)) throw new VerificationError(BAD, "credential");
  const bytes = new Uint8Array(16);
  let bits = 0, value = 0, at = 0;
  for (const ch of cleaned) {
    value = (value << 5) | ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bytes[at++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
      value &= (1 << bits) - 1;
    }
  }
  if (formatCredential(bytes) !== cleaned) throw new VerificationError(BAD, "credential");
  return bytes;
}

/** The signing key x = H("credential", election id, credential bytes). */
export function credentialSecret(electionId, credential) {
  const x = hashToScalar("credential", electionId, parseCredential(credential));
  if (isZero(x)) throw new VerificationError("credential unusable: draw another", "credential");
  return x;
}

/** The public credential S = x*G. */
export function publicCredential(electionId, credential) {
  return base(credentialSecret(electionId, credential));
}
