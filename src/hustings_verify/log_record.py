"""Verify a `hustings-log-record` directory, as docs/formats/election-record.md specifies it.

Standard library and PyNaCl only: nothing here comes from hustings itself.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

GENESIS = "0" * 64
REGISTRATIONS = ("user.init", "user.add", "user.passwd")
VOIDING = ("recount", "void-and-revote", "void-poll")
REVOTING = ("void-and-revote", "void-poll")
RECOMPUTED_METHODS = ("plurality", "two-round")
SHEET_FIXED = ("precinct", "registered", "ballots_cast", "blank", "invalid")
_HEX64 = re.compile(r"[0-9a-f]{64}")


class Unusable(Exception):
    """The directory cannot be read as a record at all."""


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --- primitives -----------------------------------------------------------------------------

def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verifies(public_key: str, data: bytes, signature: str) -> bool:
    try:
        VerifyKey(bytes.fromhex(public_key)).verify(data, bytes.fromhex(signature))
    except (BadSignatureError, ValueError, TypeError):
        return False
    return True


def key_id(public_key: str) -> str:
    return hashlib.sha256(bytes.fromhex(public_key)).hexdigest()[:32]


class Tree:
    """An RFC 6962 tree grown leaf by leaf: the roots of its complete subtrees, largest
    first; the root hashes them together from the right."""

    def __init__(self) -> None:
        self.size = 0
        self.stack: list[bytes] = []

    def add(self, data: bytes) -> None:
        self.stack.append(hashlib.sha256(b"\x00" + data).digest())
        self.size += 1
        n = self.size
        while n % 2 == 0:
            right = self.stack.pop()
            left = self.stack.pop()
            self.stack.append(hashlib.sha256(b"\x01" + left + right).digest())
            n //= 2

    def root(self) -> str:
        if not self.stack:
            return hashlib.sha256(b"").hexdigest()
        acc = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            acc = hashlib.sha256(b"\x01" + left + acc).digest()
        return acc.hex()


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    actor: str
    command: str
    version: int
    payload: dict[str, Any]
    prev_hash: str
    hash: str
    key_id: str
    signature: str

    def signed_bytes(self) -> bytes:
        body = canonical({"seq": self.seq, "at": self.at, "actor": self.actor,
                          "command": self.command, "payload": canonical(self.payload),
                          "version": self.version, "key_id": self.key_id})
        return (self.prev_hash + "\n" + body).encode("utf-8")

    def leaf(self) -> bytes:
        return self.signed_bytes() + b"\n" + self.signature.encode("ascii")

    def where(self) -> str:
        return f"entry {self.seq} ({self.command} by {self.actor})"


# --- the record -----------------------------------------------------------------------------

def verify_record(directory: Path, given: Iterable[Path] = ()) -> Report:
    """Check the record in `directory`, and that its log extends each checkpoint `given`
    (files kept outside the record: Unusable when one cannot be read or trusted)."""
    report = Report()
    files = _check_manifest(directory, report)
    if "entries.jsonl" not in files:
        report.problems.append("entries.jsonl: missing from the record")
        return report
    entries = _read_entries(directory / "entries.jsonl", report)
    if entries is None:
        return report
    before = len(report.problems)
    keys = _check_log(entries, report)
    if len(report.problems) > before:
        return report  # what follows a broken log cannot be trusted
    _check_keys(directory, files, entries, report)
    blobs = _check_blobs(directory, files, entries, report)
    _check_tree(directory, files, entries, keys, report, list(given))
    _check_returns(directory, files, entries, blobs, report)
    return report


def _check_manifest(directory: Path, report: Report) -> dict[str, str]:
    try:
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        listed = {str(f["path"]): str(f["sha256"]) for f in manifest["files"]}
        version = manifest["version"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise Unusable(f"{directory / 'manifest.json'}: not a record's manifest ({error})") \
            from None
    if version != 1:
        raise Unusable(f"{directory / 'manifest.json'}: version {version!r} (this verifier "
                       "reads version 1)")
    present = {p.relative_to(directory).as_posix() for p in directory.rglob("*") if p.is_file()}
    present.discard("manifest.json")
    for path in sorted(set(listed) - present):
        report.problems.append(f"{path}: listed in the manifest but missing")
    for path in sorted(present - set(listed)):
        report.problems.append(f"{path}: in the directory but not in the manifest (extra file)")
    for path in sorted(set(listed) & present):
        if sha256_hex((directory / path).read_bytes()) != listed[path]:
            report.problems.append(f"{path}: its SHA-256 is not the manifest's (edited)")
    return {p: s for p, s in listed.items() if p in present}


def _read_entries(path: Path, report: Report) -> list[Entry] | None:
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            d = json.loads(line)
            entries.append(Entry(int(d["seq"]), str(d["at"]), str(d["actor"]),
                                 str(d["command"]), int(d["version"]), dict(d["payload"]),
                                 str(d["prev_hash"]), str(d["hash"]), str(d["key_id"]),
                                 str(d["signature"])))
        except (ValueError, KeyError, TypeError) as error:
            report.problems.append(f"entries.jsonl line {number}: not an entry ({error})")
            return None
    return entries


def _check_log(entries: list[Entry], report: Report) -> dict[str, str]:
    """Chain, time order and signatures; returns username -> key registered last."""
    keys: dict[str, str] = {}
    disabled: set[str] = set()
    prev, last_at = GENESIS, ""
    for expected, e in enumerate(entries, 1):
        where = f"entries.jsonl: {e.where()}"
        if e.seq != expected:
            report.problems.append(f"{where}: expected entry {expected} here (an entry is "
                                   "missing or out of order)")
            return keys
        if e.prev_hash != prev:
            report.problems.append(f"{where}: its previous-hash is not entry {e.seq - 1}'s "
                                   "hash (entries removed or reordered)")
            return keys
        if sha256_hex(e.signed_bytes()) != e.hash:
            report.problems.append(f"{where}: its content does not match its hash (edited)")
            return keys
        if e.at < last_at:
            report.problems.append(f"{where}: dated {e.at}, before the entry preceding it "
                                   "(back-dated)")
            return keys
        prev, last_at = e.hash, e.at
        if e.command == "user.init":
            if keys:
                report.problems.append(f"{where}: a first administrator after users exist")
                return keys
            signer = str(e.payload.get("public_key", ""))
        else:
            signer = keys.get(e.actor, "")
            if not signer:
                report.problems.append(f"{where}: {e.actor!r} has no key registered before "
                                       "this entry")
                return keys
            if e.actor in disabled:
                report.problems.append(f"{where}: {e.actor!r} was disabled before this entry")
                return keys
        if e.key_id != key_id(signer) or not verifies(signer, e.signed_bytes(), e.signature):
            report.problems.append(f"{where}: the signature does not verify with the key "
                                   f"registered for {e.actor} (actor or content changed)")
            return keys
        if e.command in REGISTRATIONS:
            name, public = str(e.payload.get("username")), str(e.payload.get("public_key"))
            proof = canonical({"public_key": public, "register": name,
                               "role": e.payload.get("role", "")}).encode("utf-8")
            if "proof" in e.payload and not verifies(public, proof, str(e.payload["proof"])):
                report.problems.append(f"{where}: the key registered for {name!r} has no valid "
                                       "proof of possession")
                return keys
            if any(k == public and u != name for u, k in keys.items()):
                report.problems.append(f"{where}: the key registered for {name} is another "
                                       "user's too (one person could enter both sides)")
                return keys
            keys[name] = public
        if e.command == "user.disable":
            disabled.add(str(e.payload.get("username")))
    return keys


def _check_keys(directory: Path, files: dict[str, str], entries: list[Entry],
                report: Report) -> None:
    if "keys.json" not in files:
        return
    try:
        published = json.loads((directory / "keys.json").read_text(encoding="utf-8"))["keys"]
    except (OSError, ValueError, KeyError, TypeError):
        report.problems.append("keys.json: not a list of keys")
        return
    logged = [{"username": e.payload.get("username"), "role": e.payload.get("role"),
               "public_key": e.payload.get("public_key"), "entry": e.seq}
              for e in entries if e.command in REGISTRATIONS]
    if published != logged:
        report.problems.append("keys.json: not the keys the log registered")


def _blob_shas(payload: dict[str, Any]) -> list[str]:
    shas = [str(payload["sha256"])] if "sha256" in payload else []
    evidence = payload.get("evidence")
    if isinstance(evidence, list):
        shas += [str(item.get("sha256")) for item in evidence if isinstance(item, dict)]
    return shas


def _check_blobs(directory: Path, files: dict[str, str], entries: list[Entry],
                 report: Report) -> dict[str, bytes]:
    blobs: dict[str, bytes] = {}
    for e in entries:
        for sha in _blob_shas(e.payload):
            if sha in blobs:
                continue
            if f"blobs/{sha}" not in files:
                report.problems.append(f"blobs/{sha}: named by {e.where()} but not in the "
                                       "record")
                continue
            content = (directory / "blobs" / sha).read_bytes()
            if sha256_hex(content) != sha:
                report.problems.append(f"blobs/{sha}: its content is not that SHA-256")
                continue
            blobs[sha] = content
    return blobs


def _parse_checkpoint(text: str) -> dict[str, Any]:
    lines = text.split("\n")
    origin = ""
    if lines[0] == "hustings checkpoint v2":  # v2: an origin line after the first
        if len(lines) < 2 or not re.fullmatch(r"origin hustings/[0-9a-f]{32}", lines[1]):
            raise ValueError("line 2 is not 'origin hustings/HEX32'")
        origin = lines[1].removeprefix("origin ")
        lines = ["hustings checkpoint v1", *lines[2:]]
    if len(lines) != 8 or lines[7] != "" or lines[5] != "" \
            or lines[0] != "hustings checkpoint v1":
        raise ValueError("not the lines of the checkpoint form")
    size, root, time, signer, sig = (line.split(" ") for line in
                                     (lines[1], lines[2], lines[3], lines[4], lines[6]))
    if [size[0], root[0], time[0], signer[0], sig[0]] != ["size", "root", "time", "signer",
                                                           "signature"]:
        raise ValueError("the lines are not size, root, time, signer, signature")
    if not size[1].isdigit() or not _HEX64.fullmatch(root[1]) or len(signer) != 3 \
            or len(sig) != 3 or sig[1] != signer[1]:
        raise ValueError("a value is malformed")
    datetime.fromisoformat(time[1])
    head = f"hustings checkpoint v2\norigin {origin}\n" if origin else lines[0] + "\n"
    return {"size": int(size[1]), "root": root[1], "signer": signer[1],
            "public_key": signer[2], "signature": sig[2], "origin": origin,
            "body": head + "\n".join(lines[1:5]) + "\n"}


def _trusted(file: Path, name: str, registered: dict[str, set[str]],
             origin: str) -> tuple[str, int, str]:
    """(name, size, root) of a checkpoint of this log (its origin, when it names one: version
    2) signed by a key the log registered for its signer; ValueError naming the file and what
    is wrong otherwise."""
    try:
        cp = _parse_checkpoint(file.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise ValueError(f"{file}: not a checkpoint ({error})") from None
    if cp["origin"] and cp["origin"] != origin:
        raise ValueError(f"{file}: a checkpoint of another log (origin {cp['origin']}, this "
                         f"log's is {origin or '(an empty log)'})")
    if cp["public_key"] not in registered.get(cp["signer"], set()):
        raise ValueError(f"{file}: signed by an unknown key (not one the log registered for "
                         f"{cp['signer']!r})")
    if not verifies(cp["public_key"], cp["body"].encode("utf-8"), cp["signature"]):
        raise ValueError(f"{file}: the signature does not verify (altered)")
    return name, cp["size"], cp["root"]


def _check_tree(directory: Path, files: dict[str, str], entries: list[Entry],
                keys: dict[str, str], report: Report, given: list[Path]) -> None:
    """Every checkpoint (file or log entry) and every result version's log: the root of the
    log's first N entries."""
    claims: list[tuple[str, int, str]] = []  # (where, size, root)
    registered: dict[str, set[str]] = {}
    origin = f"hustings/{entries[0].hash[:32]}" if entries else ""  # the log's own
    for e in entries:
        if e.command in REGISTRATIONS:
            registered.setdefault(str(e.payload.get("username")), set()).add(
                str(e.payload.get("public_key")))
        if e.command == "log.checkpoint":
            claims.append((f"entries.jsonl: {e.where()}", int(e.payload.get("size", -1)),
                           str(e.payload.get("root"))))
            if e.payload.get("origin", origin) != origin:
                report.problems.append(f"entries.jsonl: {e.where()}: a checkpoint of another "
                                       f"log (origin {e.payload.get('origin')})")
            if int(e.payload.get("size", -1)) != e.seq - 1:
                report.problems.append(f"entries.jsonl: {e.where()}: a checkpoint of "
                                       f"{e.payload.get('size')} entries made at entry {e.seq}")
    for path in sorted(p for p in files if p.startswith("checkpoints/")):
        try:
            claims.append(_trusted(directory / path, path, registered, origin))
        except ValueError as error:
            report.problems.append(str(error))
    for file in given:  # outside the record: one that cannot be read or trusted is unusable
        try:
            claims.append(_trusted(file, f"checkpoint {file}", registered, origin))
        except (ValueError, OSError) as error:
            raise Unusable(str(error)) from None
    for path in sorted(p for p in files if p.startswith("results/")):
        try:
            versions = json.loads((directory / path).read_text(encoding="utf-8"))["versions"]
        except (OSError, ValueError, KeyError, TypeError):
            report.problems.append(f"{path}: not an election's result versions")
            continue
        for v in versions:
            if isinstance(v, dict) and isinstance(v.get("log"), dict):
                claims.append((f"{path} version {v.get('version')}", int(v["log"]["size"]),
                               str(v["log"]["root"])))
    wanted: dict[int, list[tuple[str, str]]] = {}
    for where, size, root in claims:
        if not 0 <= size <= len(entries):
            report.problems.append(f"{where}: a tree of {size} entries, but the log has "
                                   f"{len(entries)} (the log was cut short)")
            continue
        wanted.setdefault(size, []).append((where, root))
    tree = Tree()
    for size in range(len(entries) + 1):
        if size:
            tree.add(entries[size - 1].leaf())
        for where, root in wanted.get(size, []):
            if tree.root() != root:
                report.problems.append(f"{where}: its root is not the root of the log's first "
                                       f"{size} entries (the log changed since)")


# --- two-person rule and results -----------------------------------------------------------

@dataclass(frozen=True)
class SheetEntry:
    seq: int
    clerk: str
    key_id: str
    poll: str
    precinct: str
    figures: tuple[tuple[str, int], ...]


@dataclass
class ElectionFacts:
    slug: str
    method: str
    returns: str
    required: int
    names: dict[str, str]  # candidate key -> name
    columns: dict[str, str]  # every spelling -> key
    sheets: list[SheetEntry] = field(default_factory=list)
    disputes: dict[int, tuple[str, list[str]]] = field(default_factory=dict)
    voids: list[tuple[int, str, set[str] | None]] = field(default_factory=list)
    revotes: list[tuple[str, str, set[str] | None]] = field(default_factory=list)


def _definition(blob: bytes) -> ElectionFacts | None:
    try:
        doc = tomllib.loads(blob.decode("utf-8-sig"))
        el = doc["election"]
        names, columns = {}, {}
        for c in doc.get("candidates", []):
            names[c["key"]] = c["name"]
            for spelling in (c["key"], c["name"], c.get("ballot_name", c["name"])):
                columns[spelling] = c["key"]
        return ElectionFacts(el["slug"], el.get("method", "plurality"),
                             el.get("returns", "sheets"), int(el.get("sheet_entries", 2)),
                             names, columns)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError):
        return None


def _sheets_of(facts: ElectionFacts, e: Entry, blobs: dict[str, bytes]) -> list[SheetEntry]:
    out = []
    if e.command == "tally.enter":
        s = e.payload.get("sheet", {})
        figures = {k: int(s[k]) for k in ("registered", "ballots_cast", "blank", "invalid")}
        figures.update({f"votes.{k}": int(v) for k, v in s.get("votes", {}).items()})
        out.append(SheetEntry(e.seq, e.actor, e.key_id, str(s["poll"]), str(s["precinct"]),
                              tuple(sorted(figures.items()))))
    elif e.command == "tally.import":
        text = blobs.get(str(e.payload.get("sha256")), b"").decode("utf-8-sig")
        for row in csv.DictReader(io.StringIO(text)):
            figures = {k: int(row[k]) for k in SHEET_FIXED[1:]}
            figures.update({f"votes.{facts.columns.get(h, h)}": int(v)
                            for h, v in row.items() if h not in SHEET_FIXED})
            out.append(SheetEntry(e.seq, e.actor, e.key_id, str(e.payload["poll"]),
                                  row["precinct"], tuple(sorted(figures.items()))))
    return out


def _facts(entries: list[Entry], blobs: dict[str, bytes], report: Report
           ) -> dict[str, ElectionFacts]:
    elections: dict[str, ElectionFacts] = {}
    imports: dict[tuple[str, str], list[tuple[str | None, str]]] = {}
    for e in entries:
        p = e.payload
        if e.command == "election.create":
            facts = _definition(blobs.get(str(p.get("sha256")), b""))
            if facts is not None:
                elections[facts.slug] = facts
            continue
        facts = elections.get(str(p.get("election")))
        if facts is None:
            continue
        if e.command in ("tally.enter", "tally.import"):
            try:
                facts.sheets += _sheets_of(facts, e, blobs)
            except (ValueError, KeyError, TypeError) as error:
                report.problems.append(f"{e.where()}: its tally sheets cannot be read "
                                       f"({error})")
        elif e.command == "dispute.file":
            facts.disputes[len(facts.disputes) + 1] = (str(p.get("poll", "initial")),
                                                        list(p.get("precincts") or []))
        elif e.command == "dispute.rule" and p.get("decision") in VOIDING:
            poll, disputed = facts.disputes.get(int(p.get("dispute", 0)), ("initial", []))
            chosen = p.get("precincts") or disputed
            where = None if p.get("decision") == "void-poll" or not chosen else set(chosen)
            facts.voids.append((e.seq, poll, where))
            if p.get("decision") in REVOTING:
                facts.revotes.append((f"revote-{p.get('dispute')}", poll, where))
        elif e.command == "ballots.import":
            imports.setdefault((facts.slug, str(p.get("poll"))), []).append(
                (p.get("precinct"), e.actor))
        elif e.command == "ballots.confirm":
            importers = {actor for precinct, actor in imports.get(
                (facts.slug, str(p.get("poll"))), []) if precinct in (None, p.get("precinct"))}
            if importers and importers <= {e.actor}:
                report.problems.append(f"entries.jsonl: {e.where()}: confirms ballots of "
                                       f"precinct {p.get('precinct')} that {e.actor} imported "
                                       "(two-person rule: a second user confirms)")
    return elections


def _accepted(facts: ElectionFacts, report: Report) -> dict[tuple[str, str], dict[str, int]]:
    """(poll, precinct) -> the figures that count, by the two-person rule."""
    by_place: dict[tuple[str, str], list[SheetEntry]] = {}
    for s in facts.sheets:
        voided = any(seq > s.seq and poll == s.poll and (where is None or s.precinct in where)
                     for seq, poll, where in facts.voids)
        if not voided:
            by_place.setdefault((s.poll, s.precinct), []).append(s)
    out: dict[tuple[str, str], dict[str, int]] = {}
    for place, sheets in by_place.items():
        latest: dict[str, SheetEntry] = {}
        for s in sorted(sheets, key=lambda s: s.seq):
            latest[s.clerk] = s
        ordered = sorted(latest.values(), key=lambda s: s.seq, reverse=True)
        if facts.required <= 1:
            out[place] = dict(ordered[0].figures)
            continue
        if len(ordered) < 2 or ordered[0].figures != ordered[1].figures:
            continue
        if ordered[0].key_id == ordered[1].key_id:
            report.problems.append(f"{facts.slug}, poll {place[0]}, precinct {place[1]}: both "
                                   f"entries that count are signed by one key (two-person "
                                   "rule)")
            continue
        out[place] = dict(ordered[0].figures)
    return out


def _check_returns(directory: Path, files: dict[str, str], entries: list[Entry],
                   blobs: dict[str, bytes], report: Report) -> None:
    for slug, facts in sorted(_facts(entries, blobs, report).items()):
        accepted = _accepted(facts, report)
        path = f"results/{slug}.json"
        if path not in files:
            continue
        versions = json.loads((directory / path).read_text(encoding="utf-8"))["versions"]
        if not versions:
            continue
        if facts.method not in RECOMPUTED_METHODS or facts.returns != "sheets":
            report.notes.append(f"{slug}: {facts.method} from {facts.returns}: the result is "
                                "not recomputed by this verifier (signatures and the "
                                "two-person rule are checked)")
            continue
        latest = versions[-1]
        result = latest["result"]
        polls = result.get("polls") or [{**result, "poll": "initial"}]
        for published in polls:
            for problem in _compare(facts, accepted, published):
                report.problems.append(f"{path} version {latest.get('version')}, poll "
                                       f"{published.get('poll')}: {problem}")


def _compare(facts: ElectionFacts, accepted: dict[tuple[str, str], dict[str, int]],
             published: dict[str, Any]) -> Iterable[str]:
    base = str(published.get("poll"))
    redone = {revote for revote, replaced, _ in facts.revotes if replaced == base}
    precincts = {precinct for poll, precinct in accepted if poll == base or poll in redone}
    sums: dict[str, int] = {}
    reporting = 0
    for precinct in sorted(precincts):
        counting = base
        for revote, replaced, where in facts.revotes:
            if replaced == base and (where is None or precinct in where):
                counting = revote
        figures = accepted.get((counting, precinct))
        if figures is None:
            continue
        reporting += 1
        for k, v in figures.items():
            sums[k] = sums.get(k, 0) + v
    for key in ("ballots_cast", "blank", "invalid"):
        if key in published and published[key] != sums.get(key, 0):
            yield f"{key} published {published[key]}, the record's sheets give {sums.get(key, 0)}"
    shown = published.get("precincts", {}).get("reporting")
    if shown is not None and shown != reporting:
        yield f"{shown} precincts reporting published, the record's sheets give {reporting}"
    by_name = {name: sums.get(f"votes.{key}", 0) for key, name in facts.names.items()}
    for c in published.get("candidates", []):
        if c.get("name") in by_name and c.get("votes") != by_name[c["name"]]:
            yield f"{c['name']}: {c.get('votes')} votes published, the record's sheets give " \
                  f"{by_name[c['name']]}"
