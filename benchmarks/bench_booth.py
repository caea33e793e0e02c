"""Benchmark: the browser booth's encryption per 3-candidate ballot (headless Chromium), and
the independent verifier's time per ballot, each beside its peer in hustings.crypto.

    .venv/bin/python benchmarks/bench_booth.py [--sample 50] [--ballots 200] [--out FILE]

(1) In Chromium (Playwright, /usr/bin/chromium) on the booth's test harness: `--sample`
ballots encrypted with proofs and signature by static/js/booth (libsodium.js, WebAssembly),
each timed with performance.now() after 3 warm-up ballots (wall clock inside the page: the
renderer is another process, so its CPU time cannot be taken); each is then verified in the
page and, here, by hustings.crypto. Beside it, hustings.crypto's own encryption (Python client)
and verification of the same ballots, CPU time of this process.
(2) A record of `--ballots` ballots (3 trustees, threshold 2) written as a directory and checked
by hustings_verify.online.verify_online, CPU time, per ballot; beside it hustings.crypto's
verify_record on the same record. Writes a Markdown page (default
docs/benchmarks-online-booth.md).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from machine import describe  # noqa: E402

from hustings.crypto import board as bb  # noqa: E402
from hustings.crypto import credentials as cr  # noqa: E402
from hustings.crypto.ballot import Ballot, encrypt_ballot, verify_ballot  # noqa: E402
from hustings.crypto.decryption import decrypt, decryption_share  # noqa: E402
from hustings.crypto.election import Election  # noqa: E402
from hustings.crypto.group import Point, Scalar  # noqa: E402
from hustings.crypto.record import ElectionRecord, verify_record  # noqa: E402
from hustings.crypto.tally import tally  # noqa: E402
from hustings_verify.online import verify_online  # noqa: E402
from tests.booth.harness import build_app, serve  # noqa: E402
from tests.crypto.builders import CHAIR, election_for, run_ceremony  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

BROWSER_JS = """async ([electionJson, credential, sample]) => {
  const el = await import('/static/js/booth/election.js');
  const cr = await import('/static/js/booth/credentials.js');
  const b = await import('/static/js/booth/ballot.js');
  const election = el.parseElection(electionJson);
  const secret = cr.credentialSecret(election.electionId, credential);
  const marks = (k) => [[0, 1, 2].map((i) => (i === k % 3 ? 1 : 0))];
  for (let k = 0; k < 3; k++) b.encryptBallot(election, secret, marks(k));
  const times = [], verify = [], ballots = [];
  for (let k = 0; k < sample; k++) {
    const t0 = performance.now();
    const ballot = b.encryptBallot(election, secret, marks(k));
    const t1 = performance.now();
    b.verifyBallot(election, ballot);
    verify.push(performance.now() - t1);
    times.push(t1 - t0);
    ballots.push(ballot);
  }
  return {times, verify, ballots, agent: navigator.userAgent};
}"""


def _stats(samples: list[float]) -> tuple[float, float]:
    s = sorted(samples)
    return statistics.median(s), s[min(len(s) - 1, int(len(s) * 0.95))]


def row(label: str, stats: tuple[float, float], digits: int) -> str:
    return f"| {label} | {stats[0]:.{digits}f} ms | {stats[1]:.{digits}f} ms |"


def browser(sample: int) -> dict:
    from playwright.sync_api import sync_playwright

    election = Election("bench-booth/online-1", Point.base(Scalar.random()), (CHAIR,))
    private, _ = cr.generate(election.election_id, [1])
    with serve(build_app({})) as url, sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = chromium.new_page()
        page.goto(f"{url}/blank")
        out = page.evaluate(BROWSER_JS, [election.to_json(), private[0], sample])
        version = chromium.version
        chromium.close()
    ballots = [Ballot.from_json(b) for b in out["ballots"]]
    py_verify = []
    for ballot in ballots:
        t0 = time.process_time()
        verify_ballot(election, ballot)
        py_verify.append((time.process_time() - t0) * 1e3)
    secret = cr.credential_secret(election.election_id, private[0])
    py_encrypt = []
    for k in range(sample):
        marks = [[int(i == k % 3) for i in range(3)]]
        t0 = time.process_time()
        encrypt_ballot(election, secret, marks)
        py_encrypt.append((time.process_time() - t0) * 1e3)
    return {"browser_encrypt": _stats(out["times"]), "browser_verify": _stats(out["verify"]),
            "python_encrypt": _stats(py_encrypt), "python_verify": _stats(py_verify),
            "chromium": version, "sample": sample}


def verifier(ballots: int) -> dict:
    trustees = run_ceremony("bench-booth-record", 3, 2)
    election = election_for(trustees)
    private, credentials = cr.generate(election.election_id, [1] * ballots)
    board: bb.Board = ()
    for k in range(ballots):
        secret = cr.credential_secret(election.election_id, private[k])
        board = bb.append(election, credentials, board, encrypt_ballot(
            election, secret, [CHAIR.marks([CHAIR.choices[k % 3]])]))
    encrypted = tally(election, credentials, board)
    shares = tuple(decryption_share(election, j, trustees.secrets[j], encrypted) for j in (1, 3))
    result = decrypt(election, encrypted, shares, trustees.keys, 2)
    record = ElectionRecord(election, credentials, trustees.ceremony, trustees.dealings, board,
                            bb.head(election, board), encrypted, shares, result)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        body = json.dumps(record.to_json()).encode()
        (directory / "record.json").write_bytes(body)
        (directory / "manifest.json").write_text(json.dumps({
            "kind": "hustings-online-record", "version": 1,
            "files": {"record.json": hashlib.sha256(body).hexdigest()}}))
        t0, w0 = time.process_time(), time.perf_counter()
        problems = verify_online(directory)
        independent, wall = time.process_time() - t0, time.perf_counter() - w0
    assert problems == [], problems
    t0 = time.process_time()
    verify_record(ElectionRecord.from_json(json.loads(body)))
    own = time.process_time() - t0
    return {"ballots": ballots, "independent": independent, "wall": wall, "own": own,
            "record_kb": len(body) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument("--ballots", type=int, default=200)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks-online-booth.md")
    args = parser.parse_args()
    machine = describe()
    b = browser(args.sample)
    v = verifier(args.ballots)
    per = lambda s: s / v["ballots"] * 1e3  # noqa: E731
    text = f"""# Online voting: the browser booth and the independent verifier

{machine} Figures taken **under load**: the machine (2 cores) was shared with other helpers'
work during the run, so they are upper bounds, not quiet-machine figures.

`benchmarks/bench_booth.py --sample {args.sample} --ballots {args.ballots}`. A ballot has one
question of 3 candidates (mark exactly 1): 3 encryptions each with a 0/1 proof, a proof of the
number of marks, and the credential's signature.

## Encryption in the browser

Headless Chromium {b["chromium"]}, the booth's modules (static/js/booth/) over libsodium.js
0.8.4 (WebAssembly), on the booth's test harness; {b["sample"]} ballots after 3 warm-up ones,
each timed inside the page with `performance.now()` (wall clock of the renderer process, which
Chromium coarsens to 0.1 ms). Every ballot was then verified by hustings.crypto. Beside it, the
Python client (hustings.crypto, pysodium) in the same run, CPU time of one process.

| per 3-candidate ballot | median | 95th percentile |
|---|---:|---:|
{row("browser: encrypt with proofs and signature", b["browser_encrypt"], 1)}
{row("browser: verify (the booth's own check)", b["browser_verify"], 1)}
{row("Python client: encrypt with proofs and signature", b["python_encrypt"], 2)}
{row("hustings.crypto: verify a browser-made ballot", b["python_verify"], 2)}

## The independent verifier

A record of {v["ballots"]} ballots (3 trustees, threshold 2, 2 decrypting; {v["record_kb"]:.0f}
kB of JSON) checked end to end, CPU time of one process: manifest, decoding, dealings, every
ballot's proofs and signature, the board's chain, the tally, the shares, the result (by
baby-step giant-step).

| whole record | CPU seconds | per ballot |
|---|---:|---:|
| hustings_verify.online.verify_online (stdlib + pysodium) | {v["independent"]:.2f} | \
{per(v["independent"]):.2f} ms |
| hustings.crypto.record.verify_record (the peer) | {v["own"]:.2f} | {per(v["own"]):.2f} ms |

Wall-clock time of the independent verifier: {v["wall"]:.2f} s.
"""
    args.out.write_text(text, "utf-8")
    print(text)


if __name__ == "__main__":
    main()
