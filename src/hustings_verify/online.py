"""Independent verifier of an online poll's record (protocol hustings-online-v1).

Written from the specification, docs/formats/online-voting.md (section 14 lists the checks;
sections 2-12 define every byte), not from hustings' code: it imports nothing of `hustings`,
only the standard library and pysodium, and uses libsodium solely for the ristretto255 group
(validity, addition, subtraction, scalar multiplication). Scalars are Python integers modulo the
group order.

Input: a directory with `manifest.json`
(`{"kind": "hustings-online-record", "version": 1, "files": {"record.json": "<sha256 hex>"}}`)
and `record.json`. `verify_online(directory)` returns the problems found, each naming where
(an empty list: the record is intact). Like the specification's observer, the record's checks
stop at the first failure.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable, Sequence
from math import isqrt
from pathlib import Path
from typing import Any

import pysodium

KIND = "hustings-online-record"
PROTOCOL = "hustings-online-v1"
L = 2**252 + 27742317777372353535851937790883648493  # the order of ristretto255
IDENTITY = bytes(32)
MAX_CHOICES = 64
MAX_TRUSTEES = 64
MAX_WEIGHT = 2**31 - 1
_HEX64 = re.compile(r"[0-9a-f]{64}")


class Problem(Exception):
    """The first failure, with the JSON path of what fails."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}" if where else message)


# --- the group: libsodium's ristretto255 ---------------------------------------------------

def _scalar_bytes(k: int) -> bytes:
    return (k % L).to_bytes(32, "little")


def base(k: int) -> bytes:
    """k*G (the identity for k = 0 mod L)."""
    if k % L == 0:
        return IDENTITY
    return bytes(pysodium.crypto_scalarmult_ristretto255_base(_scalar_bytes(k)))


def mul(point: bytes, k: int) -> bytes:
    """k*P (the identity for k = 0 or P the identity)."""
    if k % L == 0 or point == IDENTITY:
        return IDENTITY
    return bytes(pysodium.crypto_scalarmult_ristretto255(_scalar_bytes(k), point))


def add(p: bytes, q: bytes) -> bytes:
    return bytes(pysodium.crypto_core_ristretto255_add(p, q))


def sub(p: bytes, q: bytes) -> bytes:
    return bytes(pysodium.crypto_core_ristretto255_sub(p, q))


# --- hashing (section 3) ---------------------------------------------------------------------

Part = bytes | str | int


def _part(p: Part) -> bytes:
    if isinstance(p, bytes):
        return p
    if isinstance(p, str):
        return p.encode("utf-8")
    return p.to_bytes(8, "big")


def encode(tag: str, *parts: Part) -> bytes:
    out = bytearray()
    for item in (f"{PROTOCOL}/{tag}".encode(), *map(_part, parts)):
        out += len(item).to_bytes(4, "big") + item
    return bytes(out)


def hash_to_scalar(tag: str, *parts: Part) -> int:
    return int.from_bytes(hashlib.sha512(encode(tag, *parts)).digest(), "little") % L


def digest(tag: str, *parts: Part) -> bytes:
    return hashlib.sha256(encode(tag, *parts)).digest()


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode("ascii")


def json_hash(value: Any) -> bytes:
    return hashlib.sha256(canonical(value)).digest()


# --- strict decoding (section 2) -------------------------------------------------------------

def obj(value: Any, where: str, keys: Sequence[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Problem(where, "expected an object")
    if set(value) != set(keys):
        missing, extra = set(keys) - set(value), set(value) - set(keys)
        raise Problem(where, "; ".join(filter(None, (
            f"missing {', '.join(sorted(missing))}" if missing else "",
            f"unexpected {', '.join(sorted(extra))}" if extra else ""))))
    return value


def arr(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise Problem(where, "expected an array")
    return value


def integer(value: Any, where: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise Problem(where, f"expected an integer from {lo} to {hi}")
    return value


def text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise Problem(where, "expected a non-empty string")
    return value


def hex32(value: Any, where: str) -> bytes:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise Problem(where, "expected 64 lowercase hexadecimal digits")
    return bytes.fromhex(value)


def point(value: Any, where: str, allow_identity: bool = False) -> bytes:
    raw = hex32(value, where)
    if not pysodium.crypto_core_ristretto255_is_valid_point(raw):
        raise Problem(where, "not a canonical ristretto255 point")
    if raw == IDENTITY and not allow_identity:
        raise Problem(where, "the identity is not allowed here")
    return raw


def scalar(value: Any, where: str) -> int:
    k = int.from_bytes(hex32(value, where), "little")
    if k >= L:
        raise Problem(where, "scalar not below the group order")
    return k


def proof(value: Any, where: str) -> tuple[int, int]:
    o = obj(value, where, ("c", "s"))
    return scalar(o["c"], f"{where}.c"), scalar(o["s"], f"{where}.s")


def proofs(value: Any, where: str, count: int) -> list[tuple[int, int]]:
    items = arr(value, where)
    if len(items) != count:
        raise Problem(where, f"expected {count} challenge-response pairs, found {len(items)}")
    return [proof(p, f"{where}[{k}]") for k, p in enumerate(items)]


# --- proofs (section 7) ----------------------------------------------------------------------

def schnorr_ok(tag: str, ctx: Sequence[Part], public: bytes, c: int, s: int) -> bool:
    a = sub(base(s), mul(public, c))
    return hash_to_scalar(tag, *ctx, public, a) == c


def dleq_ok(tag: str, ctx: Sequence[Part], public: bytes, b: bytes, d: bytes, c: int,
            s: int) -> bool:
    a1 = sub(base(s), mul(public, c))
    a2 = sub(mul(b, s), mul(d, c))
    return hash_to_scalar(tag, *ctx, public, b, d, a1, a2) == c


def range_ok(tag: str, ctx: Sequence[Part], h: bytes, alpha: bytes, beta: bytes, lo: int,
             hi: int, pairs: Sequence[tuple[int, int]]) -> bool:
    if len(pairs) != hi - lo + 1:
        return False
    commitments: list[Part] = []
    for v, (c, s) in zip(range(lo, hi + 1), pairs, strict=True):
        commitments += [sub(base(s), mul(alpha, c)), sub(mul(h, s), mul(sub(beta, base(v)), c))]
    return hash_to_scalar(tag, *ctx, h, alpha, beta, lo, hi, *commitments) == \
        sum(c for c, _ in pairs) % L


# --- the record (sections 4-14) --------------------------------------------------------------

class Election:
    def __init__(self, value: Any):
        o = obj(value, "election", ("protocol", "group", "election_id", "public_key",
                                    "questions"))
        if o["protocol"] != PROTOCOL or o["group"] != "ristretto255":
            raise Problem("election", f"not a {PROTOCOL} ristretto255 election")
        self.id = text(o["election_id"], "election.election_id")
        self.key = point(o["public_key"], "election.public_key")
        self.questions: list[tuple[str, int, int, int]] = []  # key, choices, min, max
        for q, item in enumerate(arr(o["questions"], "election.questions")):
            at = f"election.questions[{q}]"
            qo = obj(item, at, ("key", "choices", "min", "max"))
            choices = [text(c, f"{at}.choices[{i}]")
                       for i, c in enumerate(arr(qo["choices"], f"{at}.choices"))]
            if not 1 <= len(choices) <= MAX_CHOICES or len(set(choices)) != len(choices):
                raise Problem(f"{at}.choices", f"1 to {MAX_CHOICES} distinct choices")
            lo = integer(qo["min"], f"{at}.min", 0, len(choices))
            hi = integer(qo["max"], f"{at}.max", lo, len(choices))
            self.questions.append((text(qo["key"], f"{at}.key"), len(choices), lo, hi))
        if not self.questions:
            raise Problem("election.questions", "no question")
        if len({q[0] for q in self.questions}) != len(self.questions):
            raise Problem("election.questions", "two questions with the same key")
        self.fingerprint = json_hash(value)
        self.raw = value  # as read: what a worker process reads again


def read_credentials(value: Any, election: Election) -> dict[bytes, int]:
    o = obj(value, "credentials", ("election_id", "credentials"))
    if text(o["election_id"], "credentials.election_id") != election.id:
        raise Problem("credentials.election_id", "the credential list is for another election")
    weights: dict[bytes, int] = {}
    previous = ""
    for k, row in enumerate(arr(o["credentials"], "credentials.credentials")):
        at = f"credentials.credentials[{k}]"
        r = obj(row, at, ("credential", "weight"))
        s = point(r["credential"], f"{at}.credential")
        if r["credential"] <= previous:
            raise Problem(f"{at}.credential", "not sorted by public credential, or listed twice")
        previous = r["credential"]
        weights[s] = integer(r["weight"], f"{at}.weight", 1, MAX_WEIGHT)
    return weights


def read_ceremony(value: Any, election: Election) -> tuple[int, list[bytes], bytes]:
    o = obj(value, "ceremony", ("election_id", "threshold", "box_keys"))
    if text(o["election_id"], "ceremony.election_id") != election.id:
        raise Problem("ceremony.election_id", "the key ceremony is for another election")
    keys = [hex32(k, f"ceremony.box_keys[{i}]")
            for i, k in enumerate(arr(o["box_keys"], "ceremony.box_keys"))]
    if not 1 <= len(keys) <= MAX_TRUSTEES or len(set(keys)) != len(keys):
        raise Problem("ceremony.box_keys", f"1 to {MAX_TRUSTEES} distinct box keys")
    t = integer(o["threshold"], "ceremony.threshold", 1, len(keys))
    return t, keys, digest("dkg", election.id, t, len(keys), *keys)


def check_dealings(value: Any, election: Election, t: int, n: int,
                   ctx: bytes) -> dict[int, list[bytes]]:
    dealings: dict[int, list[bytes]] = {}
    for k, item in enumerate(arr(value, "dealings")):
        at = f"dealings[{k}]"
        o = obj(item, at, ("dealer", "commitments", "proof"))
        dealer = integer(o["dealer"], f"{at}.dealer", 1, n)
        if dealer in dealings:
            raise Problem(f"{at}.dealer", f"trustee {dealer} dealt twice")
        commitments = [point(c, f"{at}.commitments[{i}]")
                       for i, c in enumerate(arr(o["commitments"], f"{at}.commitments"))]
        if len(commitments) != t:
            raise Problem(f"{at}.commitments", f"expected {t} commitments")
        c, s = proof(o["proof"], f"{at}.proof")
        if not schnorr_ok("dkg-coefficient", (ctx, dealer), commitments[0], c, s):
            raise Problem(f"{at}.proof", "the proof of knowledge of the dealer's secret fails")
        dealings[dealer] = commitments
    if len(dealings) < t:
        raise Problem("dealings", f"{len(dealings)} qualified dealer(s); the threshold is {t}")
    key = IDENTITY
    for commitments in dealings.values():
        key = add(key, commitments[0])
    if key != election.key:
        raise Problem("election.public_key", "not the key the trustees' dealings give")
    return dealings


def check_ballot(value: Any, election: Election, where: str) -> tuple[bytes, list[list[
        tuple[bytes, bytes]]]]:
    """Section 8: returns the public credential and the ciphertexts."""
    o = obj(value, where, ("election", "credential", "answers", "signature"))
    if hex32(o["election"], f"{where}.election") != election.fingerprint:
        raise Problem(f"{where}.election", "the ballot is for another election")
    credential = point(o["credential"], f"{where}.credential")
    answers = arr(o["answers"], f"{where}.answers")
    if len(answers) != len(election.questions):
        raise Problem(f"{where}.answers", f"expected {len(election.questions)} answer(s)")
    signature = proof(o["signature"], f"{where}.signature")
    h, fp = election.key, election.fingerprint
    out = []
    for q, (answer, (_, n, lo, hi)) in enumerate(zip(answers, election.questions, strict=True)):
        at = f"{where}.answers[{q}]"
        ao = obj(answer, at, ("choices", "sum_proof"))
        choices = arr(ao["choices"], f"{at}.choices")
        if len(choices) != n:
            raise Problem(f"{at}.choices", f"expected {n} choices")
        cts = []
        for i, choice in enumerate(choices):
            ci = f"{at}.choices[{i}]"
            co = obj(choice, ci, ("alpha", "beta", "proof"))
            alpha, beta = point(co["alpha"], f"{ci}.alpha"), point(co["beta"], f"{ci}.beta")
            if not range_ok("choice", (fp, credential, q, i), h, alpha, beta, 0, 1,
                            proofs(co["proof"], f"{ci}.proof", 2)):
                raise Problem(f"{ci}.proof", "the proof that this choice is 0 or 1 fails")
            cts.append((alpha, beta))
        sum_alpha, sum_beta = IDENTITY, IDENTITY
        for alpha, beta in cts:
            sum_alpha, sum_beta = add(sum_alpha, alpha), add(sum_beta, beta)
        if not range_ok("sum", (fp, credential, q), h, sum_alpha, sum_beta, lo, hi,
                        proofs(ao["sum_proof"], f"{at}.sum_proof", hi - lo + 1)):
            raise Problem(f"{at}.sum_proof", f"the proof that {lo} to {hi} choices are marked "
                                             "fails")
        out.append(cts)
    body = {k: v for k, v in o.items() if k != "signature"}
    if not schnorr_ok("signature", (fp, json_hash(body)), credential, *signature):
        raise Problem(f"{where}.signature", "the credential's signature fails")
    return credential, out


Checked = tuple[bytes, list[list[tuple[bytes, bytes]]]]
PARALLEL_MIN = 2000  # fewer ballots than this are checked in this process
CHUNK = 500  # ballots per task handed to a worker process


def check_board(entries: Any, head: Any, election: Election, weights: dict[bytes, int],
                on_ballot: Callable[[int], None] | None = None, workers: int | None = None,
                parallel_min: int = PARALLEL_MIN) -> list[Checked]:
    """Section 11. The chain, trackers and credentials are checked here in board order; the
    ballots' proofs and signatures (nearly all the work) in `workers` processes (default:
    one per core) when there are at least `parallel_min` of them. The problem reported is
    the first in board order either way."""
    link = digest("board-genesis", election.fingerprint)
    seen: set[str] = set()
    ballots: list[Any] = []
    structural: Problem | None = None
    try:
        for k, item in enumerate(arr(entries, "board")):
            at = f"board[{k}]"
            o = obj(item, at, ("position", "tracker", "link", "ballot"))
            if o["position"] != k + 1 or isinstance(o["position"], bool):
                raise Problem(f"{at}.position", f"expected position {k + 1}")
            tracker = o["tracker"]
            if not isinstance(tracker, str) or tracker != json_hash(o["ballot"]).hex():
                raise Problem(f"{at}.tracker", "the tracker is not the hash of the ballot")
            if tracker in seen:
                raise Problem(f"{at}.tracker", "the same ballot twice on the board")
            seen.add(tracker)
            link = digest("board", link, k + 1, tracker)
            if hex32(o["link"], f"{at}.link") != link:
                raise Problem(f"{at}.link", "the chain is broken: an entry before this one "
                                            "was removed, changed or reordered")
            ballot = obj(o["ballot"], f"{at}.ballot",
                         ("election", "credential", "answers", "signature"))
            if point(ballot["credential"], f"{at}.ballot.credential") not in weights:
                raise Problem(f"{at}.ballot.credential", "this credential is not on the list")
            ballots.append(ballot)
    except Problem as exc:  # the ballots before it may hold an earlier problem: check them
        structural = exc
    checked = check_ballots(ballots, election, on_ballot, workers, parallel_min)
    if structural is not None:
        raise structural
    if hex32(head, "board_head") != link:
        raise Problem("board_head", "the board's last link is not the recorded head: entries "
                                    "were removed, added or changed")
    return checked


def check_ballots(ballots: list[Any], election: Election,
                  on_ballot: Callable[[int], None] | None = None, workers: int | None = None,
                  parallel_min: int = PARALLEL_MIN) -> list[Checked]:
    """Section 8 for each ballot of the board, in order; the first failure is raised."""
    workers = workers or os.cpu_count() or 1
    if workers < 2 or len(ballots) < max(parallel_min, 1):
        out = []
        for k, ballot in enumerate(ballots):
            out.append(check_ballot(ballot, election, f"board[{k}].ballot"))
            if on_ballot:
                on_ballot(k)
        return out
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    starts = range(0, len(ballots), CHUNK)
    out = []
    # spawn, not fork: the caller may have threads; each worker reads the election once
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"),
                             initializer=_worker_election, initargs=(election.raw,)) as pool:
        for start, result in zip(starts, pool.map(
                _check_chunk, [(i, ballots[i:i + CHUNK]) for i in starts]), strict=True):
            if isinstance(result, str):  # the problem's text (exceptions do not cross well)
                raise Problem("", result)
            out.extend(result)
            if on_ballot:
                for k in range(start, start + len(result)):
                    on_ballot(k)
    return out


_ELECTION: list[Election] = []  # a worker process's election, read once


def _worker_election(raw: Any) -> None:
    _ELECTION[:] = [Election(raw)]


def _check_chunk(task: tuple[int, list[Any]]) -> list[Checked] | str:
    start, ballots = task
    try:
        return [check_ballot(b, _ELECTION[0], f"board[{start + i}].ballot")
                for i, b in enumerate(ballots)]
    except Problem as exc:
        return str(exc)


Grid = list[list[tuple[bytes, bytes]]]


def compute_tally(election: Election, weights: dict[bytes, int],
                  ballots: list[tuple[bytes, Grid]]) -> tuple[int, int, Grid]:
    """Section 10: the last ballot of each credential, summed per weight, times the weight."""
    last: dict[bytes, Grid] = {}
    for credential, cts in ballots:
        last.pop(credential, None)
        last[credential] = cts
    zero = [[(IDENTITY, IDENTITY)] * n for _, n, _, _ in election.questions]
    classes: dict[int, Grid] = {}
    for credential, cts in last.items():
        sums = classes.setdefault(weights[credential], [list(row) for row in zero])
        for q, row in enumerate(cts):
            for i, (a, b) in enumerate(row):
                sa, sb = sums[q][i]
                sums[q][i] = (add(sa, a), add(sb, b))
    total = [list(row) for row in zero]
    for weight, sums in classes.items():
        for q, row in enumerate(sums):
            for i, (a, b) in enumerate(row):
                ta, tb = total[q][i]
                total[q][i] = (add(ta, mul(a, weight)), add(tb, mul(b, weight)))
    return len(last), sum(weights[c] for c in last), total


def check_tally(value: Any, election: Election, expected: tuple[int, int, Grid]) -> Grid:
    o = obj(value, "tally", ("ballots", "weight", "choices"))
    ballots, weight, grid = expected
    if integer(o["ballots"], "tally.ballots", 0, 2**62) != ballots:
        raise Problem("tally.ballots", f"{ballots} ballots are counted, not {o['ballots']}")
    if integer(o["weight"], "tally.weight", 0, 2**62) != weight:
        raise Problem("tally.weight", f"the counted ballots weigh {weight}, not {o['weight']}")
    rows = arr(o["choices"], "tally.choices")
    if [len(arr(r, f"tally.choices[{q}]")) for q, r in enumerate(rows)] != \
            [n for _, n, _, _ in election.questions]:
        raise Problem("tally.choices", "not the shape of the election's questions")
    out = []
    for q, row in enumerate(rows):
        cts = []
        for i, item in enumerate(row):
            at = f"tally.choices[{q}][{i}]"
            c = obj(item, at, ("alpha", "beta"))
            ct = (point(c["alpha"], f"{at}.alpha", True), point(c["beta"], f"{at}.beta", True))
            if ct != grid[q][i]:
                raise Problem(at, "not the sum of the counted ballots' ciphertexts")
            cts.append(ct)
        out.append(cts)
    return out


def verification_key(dealings: dict[int, list[bytes]], j: int) -> bytes:
    """X_j = sum over dealers i of sum_k j^k C_ik (section 11)."""
    acc = IDENTITY
    for commitments in dealings.values():
        for k, c in enumerate(commitments):
            acc = add(acc, mul(c, pow(j, k, L)))
    return acc


def check_shares(value: Any, election: Election, tally: Grid, t: int, n: int,
                 dealings: dict[int, list[bytes]]) -> dict[int, list[list[bytes]]]:
    shares: dict[int, list[list[bytes]]] = {}
    for k, item in enumerate(arr(value, "shares")):
        at = f"shares[{k}]"
        o = obj(item, at, ("trustee", "factors"))
        j = integer(o["trustee"], f"{at}.trustee", 1, n)
        if j in shares:
            raise Problem(f"{at}.trustee", f"trustee {j} sent two shares")
        x_j = verification_key(dealings, j)
        rows = arr(o["factors"], f"{at}.factors")
        if len(rows) != len(tally):
            raise Problem(f"{at}.factors", "not the shape of the tally")
        grid = []
        for q, (row, trow) in enumerate(zip(rows, tally, strict=True)):
            row = arr(row, f"{at}.factors[{q}]")
            if len(row) != len(trow):
                raise Problem(f"{at}.factors[{q}]", "not the shape of the tally")
            factors = []
            for i, (f, (alpha, _)) in enumerate(zip(row, trow, strict=True)):
                fi = f"{at}.factors[{q}][{i}]"
                fo = obj(f, fi, ("factor", "proof"))
                d = point(fo["factor"], f"{fi}.factor", True)
                if not dleq_ok("decryption", (election.fingerprint, j, q, i), x_j, alpha, d,
                               *proof(fo["proof"], f"{fi}.proof")):
                    raise Problem(fi, f"trustee {j}'s decryption proof fails")
                factors.append(d)
            grid.append(factors)
        shares[j] = grid
    if len(shares) < t:
        raise Problem("shares", f"{len(shares)} decryption share(s); {t} are needed")
    return shares


def discrete_logs(points: list[bytes], bound: int) -> list[int | None]:
    """m with m*G = P and 0 <= m <= bound, by baby-step giant-step (section 12)."""
    step = isqrt(bound) + 1
    table: dict[bytes, int] = {}
    acc, g = IDENTITY, base(1)
    for j in range(step):
        table.setdefault(acc, j)
        acc = add(acc, g)
    giant = base(step)
    out: list[int | None] = []
    for target in points:
        found: int | None = None
        current = target
        for i in range(step + 1):
            hit = table.get(current)
            if hit is not None:
                found = i * step + hit if i * step + hit <= bound else None
                break
            current = sub(current, giant)
        out.append(found)
    return out


def check_result(value: Any, tally: Grid, weight: int,
                 shares: dict[int, list[list[bytes]]]) -> None:
    o = obj(value, "result", ("counts",))
    rows = arr(o["counts"], "result.counts")
    if [len(arr(r, f"result.counts[{q}]")) for q, r in enumerate(rows)] != \
            [len(r) for r in tally]:
        raise Problem("result.counts", "not the shape of the tally")
    trustees = sorted(shares)
    lam = {}
    for j in trustees:
        num, den = 1, 1
        for k in trustees:
            if k != j:
                num, den = num * k % L, den * (k - j) % L
        lam[j] = num * pow(den, -1, L) % L
    for q, row in enumerate(tally):
        decrypted = []
        for i, (_, beta) in enumerate(row):
            combined = IDENTITY
            for j in trustees:
                combined = add(combined, mul(shares[j][q][i], lam[j]))
            decrypted.append(sub(beta, combined))
        recomputed = discrete_logs(decrypted, weight)
        for i, m in enumerate(recomputed):
            at = f"result.counts[{q}][{i}]"
            claimed = integer(rows[q][i], at, 0, 2**62)
            if m is None:
                raise Problem(f"tally.choices[{q}][{i}]",
                              f"the shares do not decrypt it to a count within 0..{weight}")
            if claimed != m:
                raise Problem(at, f"the tally decrypts to {m}, the result says {claimed}")


def verify_record(record: Any, on_ballot: Callable[[int], None] | None = None,
                  workers: int | None = None, parallel_min: int = PARALLEL_MIN) -> None:
    """Section 14, in order; raises Problem at the first failure. The ballots are checked in
    `workers` processes (default one per core) from `parallel_min` ballots on."""
    o = obj(record, "record", ("election", "credentials", "ceremony", "dealings", "board",
                               "board_head", "tally", "shares", "result"))
    election = Election(o["election"])
    weights = read_credentials(o["credentials"], election)
    t, keys, ctx = read_ceremony(o["ceremony"], election)
    dealings = check_dealings(o["dealings"], election, t, len(keys), ctx)
    ballots = check_board(o["board"], o["board_head"], election, weights, on_ballot, workers,
                          parallel_min)
    expected = compute_tally(election, weights, ballots)
    tally = check_tally(o["tally"], election, expected)
    shares = check_shares(o["shares"], election, tally, t, len(keys), dealings)
    check_result(o["result"], tally, expected[1], shares)


def _strict_json(data: bytes, name: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise Problem(name, f"key {key!r} twice in one object")
            out[key] = value
        return out

    def refuse(token: str) -> Any:
        raise Problem(name, f"{token} is not allowed (integers only)")

    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=pairs, parse_float=refuse,
                          parse_constant=refuse)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Problem(name, f"not JSON: {exc}") from None


def verify_online(directory: Path) -> list[str]:
    """The problems of the online-poll record in `directory` (empty when it is intact)."""
    directory = Path(directory)
    problems: list[str] = []
    try:
        manifest = obj(_strict_json((directory / "manifest.json").read_bytes(),
                                    "manifest.json"), "manifest.json", ("kind", "version",
                                                                        "files"))
    except FileNotFoundError:
        return ["manifest.json: missing"]
    except Problem as exc:
        return [str(exc)]
    if manifest["kind"] != KIND or manifest["version"] != 1:
        return [f"manifest.json: not a {KIND} version 1 manifest"]
    files = manifest["files"]
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return ["manifest.json.files: expected an object of file names and SHA-256 digests"]
    if "record.json" not in files:
        problems.append("manifest.json.files: record.json is not listed")
    present = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}
    for name in sorted(present - set(files) - {"manifest.json"}):
        problems.append(f"{name}: in the directory but not in the manifest")
    for name, expected in sorted(files.items()):
        path = directory / name
        if name not in present or not path.resolve().is_relative_to(directory.resolve()):
            problems.append(f"{name}: listed in the manifest but missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            problems.append(f"{name}: its SHA-256 is not the one in the manifest")
    if not (directory / "record.json").is_file():
        return problems
    try:
        verify_record(_strict_json((directory / "record.json").read_bytes(), ""))
    except Problem as exc:
        problems.append(f"record.json: {exc}")
    except ValueError as exc:  # a group operation libsodium refused: a malformed input
        problems.append(f"record.json: a group operation failed ({exc})")
    return problems
