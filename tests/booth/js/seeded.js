// Test-only (never shipped): the deterministic randomness of hustings.crypto.group.SeededRng,
// so the browser reproduces the known-answer transcripts of tests/crypto/test_known_answers.py.
import { concat, scalarReduce } from "/static/js/booth/group.js";
import { sha512 } from "/static/js/booth/hashing.js";

const utf8 = new TextEncoder();

export class SeededRng {
  constructor(seed) {
    this.seed = utf8.encode(seed);
    this.counter = 0n;
  }

  scalar() {
    const counter = new Uint8Array(8);
    new DataView(counter.buffer).setBigUint64(0, this.counter, false);
    this.counter += 1n;
    return scalarReduce(sha512(concat(utf8.encode("hustings-test-rng"), this.seed, counter)));
  }
}
