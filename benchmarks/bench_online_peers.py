"""Benchmark: a 3-candidate ballot's encryption and verification, hustings beside
ElectionGuard 1.4 (the reference Python SDK), in the same run, CPU time per ballot (median).

    .venv/bin/python benchmarks/bench_online_peers.py --electionguard-python PY [--ballots 20]

PY is the interpreter of a separate venv holding electionguard==1.4.0 (see
benchmarks/peers_online/electionguard_ballot.py: it needs Python 3.9 or 3.10 and pydantic 1).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from machine import describe  # noqa: E402

from hustings.crypto import credentials as cr  # noqa: E402
from hustings.crypto.ballot import Ballot, encrypt_ballot, verify_ballot  # noqa: E402
from hustings.crypto.election import Question  # noqa: E402
from tests.crypto.builders import election_for, run_ceremony  # noqa: E402


def ours(n: int) -> tuple[float, float]:
    election = election_for(run_ceremony("bench-peers", 3, 2),
                            Question("chair", ("ada", "ben", "cleo"), 1, 1))
    private, _ = cr.generate(election.election_id, [1] * n)
    enc, ver, ballots = [], [], []
    for i, credential in enumerate(private):
        secret = cr.credential_secret(election.election_id, credential)
        start = time.process_time()
        ballots.append(encrypt_ballot(election, secret, [[int(j == i % 3) for j in range(3)]])
                       .to_json())
        enc.append(time.process_time() - start)
    for data in ballots:
        start = time.process_time()
        verify_ballot(election, Ballot.from_json(data))
        ver.append(time.process_time() - start)
    return statistics.median(enc) * 1000, statistics.median(ver) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ballots", type=int, default=20)
    parser.add_argument("--electionguard-python", required=True)
    args = parser.parse_args()
    machine = describe()
    enc, ver = ours(args.ballots)
    peer = subprocess.run([args.electionguard_python,
                           str(HERE / "peers_online" / "electionguard_ballot.py"),
                           str(args.ballots)], capture_output=True, text=True, check=True)
    eg = json.loads(peer.stdout.strip().splitlines()[-1])
    enc2, ver2 = ours(args.ballots)  # ours again after the peer: the machine's drift
    print(machine)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}\n")
    print("| per 3-candidate ballot, one core, CPU (median) | encrypt with proofs (ms) | "
          "verify (ms) |")
    print("|---|---:|---:|")
    print(f"| hustings (ristretto255, libsodium), before | {enc:.2f} | {ver:.2f} |")
    print(f"| ElectionGuard {eg['version']} (4096-bit group, gmpy2) | {eg['encrypt_ms']:.2f} | "
          f"{eg['verify_ms']:.2f} |")
    print(f"| hustings, after | {enc2:.2f} | {ver2:.2f} |")


if __name__ == "__main__":
    main()
