"""Benchmark: what signing adds to each log entry (Ed25519 through PyNaCl), and what checking
it costs `log verify`; also opening a web session's sealed key, paid once per request.

    .venv/bin/python benchmarks/bench_signing.py [--entries N]

Prints the median of N timings of each step on a realistic entry (a two-clerk tally sheet's
canonical bytes, as `services.commands.append_audit` signs them). Target (issue 11): signing
adds at most 1 ms per entry.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from machine import describe  # noqa: E402

from hustings.domain.audit import GENESIS, canonical_json, entry_bytes  # noqa: E402
from hustings.domain.users import Role  # noqa: E402
from hustings.services import identity  # noqa: E402
from hustings.services.identity import Signer  # noqa: E402


def median_us(step: object, n: int) -> float:
    timings = []
    for _ in range(n):
        start = time.perf_counter_ns()
        step()  # type: ignore[operator]
        timings.append(time.perf_counter_ns() - start)
    return statistics.median(timings) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=5000)
    n = parser.parse_args().entries
    signer = Signer("clerk-dana", Role.CLERK, identity.new_key())
    payload = canonical_json({"election": "labor-2002", "reason": None, "sheet": {
        "poll": "initial", "precinct": "TLV-012", "registered": 9412, "ballots_cast": 5611,
        "votes": {"mitzna": 3012, "ben-eliezer": 2144, "ramon": 402}, "blank": 31,
        "invalid": 22}})
    data = entry_bytes(1234, datetime(2026, 12, 2, 9, 0), signer.username, "tally.enter",
                       payload, GENESIS, 1, signer.key_id)
    signature = signer.sign(data)
    public = signer.public_key

    from nacl.secret import SecretBox
    from nacl.signing import SigningKey
    from nacl.utils import random as random_bytes

    session_key = random_bytes(SecretBox.KEY_SIZE)
    sealed = SecretBox(session_key).encrypt(signer.key.encode())

    sign = median_us(lambda: signer.sign(data), n)
    verify = median_us(lambda: identity.valid_signature(public, data, signature), n)
    session = median_us(lambda: SigningKey(SecretBox(session_key).decrypt(sealed)), n)
    print(describe())
    print(f"entry of {len(data)} bytes, median of {n:,} runs each:")
    print(f"  sign an entry (Ed25519):            {sign:8.1f} µs  (target ≤ 1,000 µs)")
    print(f"  verify an entry's signature:        {verify:8.1f} µs")
    print(f"  open a web session's sealed key:    {session:8.1f} µs")
    credential = identity.seal(signer.key, "Vivid-Otter-Marble-42").encode()
    unseal = median_us(lambda: identity.unseal(credential, "Vivid-Otter-Marble-42"), 5) / 1000
    print(f"  sign in: open the password-sealed key (argon2id, {identity.kdf_limits()[1] >> 20} "
          f"MiB), median of 5: {unseal:6.0f} ms")


if __name__ == "__main__":
    main()
