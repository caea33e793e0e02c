"""Benchmark: the online-voting cryptography per 3-candidate ballot, and a whole tally.

    .venv/bin/python benchmarks/bench_crypto.py [--sample 300] [--ballots 10000] [--out FILE]

One process, one core, CPU time of this process (`time.process_time`, so that other work on
the shared machine does not count; wall-clock time is printed beside it). Times (1) encrypting
a ballot with its proofs and signature and
(2) decoding and verifying it, each per ballot over `--sample` ballots (median and 95th
percentile); then (3) a whole tally of `--ballots` ballots: every ballot verified and chained on
the board, the homomorphic tally, two of three trustees' decryption shares with proofs, the
combination and discrete logarithm, and the verifier's check of the shares and the result.
Writes a Markdown section (default docs/benchmarks-crypto.md).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from machine import describe  # noqa: E402

from hustings.crypto import board as bb  # noqa: E402
from hustings.crypto import credentials as cr  # noqa: E402
from hustings.crypto.ballot import Ballot, encrypt_ballot, verify_ballot  # noqa: E402
from hustings.crypto.decryption import decrypt, decryption_share, verify_result  # noqa: E402
from hustings.crypto.election import Question  # noqa: E402
from hustings.crypto.group import Point, Scalar  # noqa: E402
from hustings.crypto.tally import tally  # noqa: E402
from tests.crypto.builders import election_for, run_ceremony  # noqa: E402

TARGET_MS = 3.0
TARGET_100K_S = 300.0


def _ms(samples: list[float]) -> tuple[float, float]:
    samples = sorted(samples)
    return (statistics.median(samples) * 1e3,
            samples[min(len(samples) - 1, int(len(samples) * 0.95))] * 1e3)


def scalarmult_us() -> float:
    """The machine's speed as we found it: one variable-base scalar multiplication (best of 5)."""
    k, p = Scalar.random(), Point.base(Scalar.random())
    return min(timeit.repeat(lambda: p * k, timer=time.process_time, number=200,
                             repeat=5)) / 200 * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=300)
    parser.add_argument("--ballots", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-crypto.md")
    args = parser.parse_args()
    machine = describe()
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    speed_start = scalarmult_us()
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines()[:10]

    trustees = run_ceremony("bench-online", 3, 2)
    election = election_for(trustees, Question("chair", ("ada", "ben", "cleo"), 1, 1))
    n = max(args.sample, args.ballots)
    print(f"credentials for {n} voters...", flush=True)
    private, credentials = cr.generate(election.election_id, [1] * n)
    secrets_ = [cr.credential_secret(election.election_id, c) for c in private]

    encrypt_times, ballots = [], []
    for i in range(args.sample):
        marks = [[int(j == i % 3) for j in range(3)]]
        start = time.process_time()
        ballot = encrypt_ballot(election, secrets_[i], marks)
        encrypt_times.append(time.process_time() - start)
        ballots.append(ballot.to_json())
    verify_times = []
    for data in ballots:
        start = time.process_time()
        verify_ballot(election, Ballot.from_json(data))
        verify_times.append(time.process_time() - start)
    enc_med, enc_p95 = _ms(encrypt_times)
    ver_med, ver_p95 = _ms(verify_times)
    print(f"encrypt: median {enc_med:.2f} ms, p95 {enc_p95:.2f} ms", flush=True)
    print(f"verify:  median {ver_med:.2f} ms, p95 {ver_p95:.2f} ms", flush=True)

    print(f"encrypting {args.ballots} ballots for the tally (not timed)...", flush=True)
    cast = [encrypt_ballot(election, secrets_[i], [[int(j == i % 3) for j in range(3)]])
            for i in range(args.ballots)]
    phases: dict[str, float] = {}
    start = time.process_time()
    entries: list[bb.BoardEntry] = []
    trackers: set[str] = set()
    for ballot in cast:  # as the service will: bb.admit with an index of trackers
        entry = bb.admit(election, credentials, ballot,
                         entries[-1].link if entries else bb.genesis(election),
                         len(entries) + 1, trackers.__contains__)
        trackers.add(entry.tracker)
        entries.append(entry)
    board = tuple(entries)
    phases["verify and chain every ballot"] = time.process_time() - start
    start = time.process_time()
    encrypted = tally(election, credentials, board)
    phases["homomorphic tally"] = time.process_time() - start
    start = time.process_time()
    shares = [decryption_share(election, j, trustees.secrets[j], encrypted) for j in (1, 3)]
    phases["2 trustees' decryption shares"] = time.process_time() - start
    start = time.process_time()
    keys: dict[int, Point] = trustees.keys
    result = decrypt(election, encrypted, shares, keys, 2)
    phases["check shares, combine, discrete log"] = time.process_time() - start
    start = time.process_time()
    verify_result(election, encrypted, shares, keys, 2, result)
    phases["verifier: shares and result"] = time.process_time() - start
    expected = [len(range(j, args.ballots, 3)) for j in range(3)]
    assert list(result.counts[0]) == expected, (result.counts, expected)
    whole = sum(phases.values())
    per_ballot = phases["verify and chain every ballot"] / args.ballots
    fixed = whole - phases["verify and chain every ballot"] - phases["homomorphic tally"]
    linear = (phases["verify and chain every ballot"] + phases["homomorphic tally"]) \
        / args.ballots
    one_core_100k = linear * 100_000 + fixed
    two_cores_100k = linear * 100_000 / 2 + fixed
    for name, seconds in phases.items():
        print(f"{name}: {seconds:.2f} s", flush=True)
    print(f"total {whole:.1f} s; 100,000 extrapolated: {one_core_100k:.0f} s on one core",
          flush=True)

    speed_end = scalarmult_us()
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    lines = [
        "# Online voting: cryptography per ballot and per tally",
        "",
        f"{machine}",
        "",
        "```",
        *lscpu,
        "```",
        "",
        f"`benchmarks/bench_crypto.py --sample {args.sample} --ballots {args.ballots}`: one "
        "process on one core, CPU time of the process (the machine is shared: wall-clock time "
        f"was {wall:.0f} s for {cpu:.0f} s of CPU over the whole run), libsodium's "
        "ristretto255 through pysodium. A ballot has one "
        "question of 3 candidates (mark exactly 1): 3 encryptions each with a 0/1 proof, a "
        "proof of the number of marks, and the credential's signature. Verification includes "
        "decoding the ballot's JSON and checking every point's encoding. How fast the shared "
        f"machine was: one variable-base scalar multiplication took {speed_start:.0f} µs of CPU "
        f"at the start of the run and {speed_end:.0f} µs at the end (a 3-candidate ballot's "
        "verification is about 30 of them).",
        "",
        "| per ballot | median | 95th percentile | target | |",
        "|---|---:|---:|---:|---|",
        f"| encrypt with proofs and signature | {enc_med:.2f} ms | {enc_p95:.2f} ms | "
        f"≤ {TARGET_MS:.0f} ms | {verdict(enc_med <= TARGET_MS)} |",
        f"| decode and verify | {ver_med:.2f} ms | {ver_p95:.2f} ms | "
        f"≤ {TARGET_MS:.0f} ms | {verdict(ver_med <= TARGET_MS)} |",
        "",
        f"Tally of {args.ballots:,} ballots (each verified and chained on the board, as the "
        "server and the verifier both do), decrypted by 2 of 3 trustees:",
        "",
        "| phase | seconds |",
        "|---|---:|",
        *(f"| {name} | {seconds:.2f} |" for name, seconds in phases.items()),
        f"| **total** | **{whole:.2f}** |",
        "",
        f"Per ballot {per_ballot * 1e3:.2f} ms to verify and chain. Extrapolated to 100,000 "
        "ballots (linear in the ballots; shares and decryption do not grow): "
        f"{one_core_100k:.0f} s on one core ({verdict(one_core_100k <= TARGET_100K_S)} against "
        f"{TARGET_100K_S / 60:.0f} minutes); about {two_cores_100k:.0f} s with the ballots' "
        "verification split over our 2 cores, the target's setting "
        f"({verdict(two_cores_100k <= TARGET_100K_S)}; an estimate, not measured: the machine "
        "is shared, and the verification is not yet split over processes in the code).",
        "",
    ]
    args.out.write_text("\n".join(lines))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
