"""A checkpoint of the log: its Merkle tree's size and root, when, and who signed it (pure).

The text form is line-based, in the spirit of C2SP's signed notes and tlog-checkpoint
(docs/integrity.md): the log's origin, its size, its root.

    hustings checkpoint v2
    origin hustings/0a1b...(32 hex digits: the start of the hash of the log's first entry)
    size 120
    root 5c1a...(64 hex digits, the RFC 6962 root of the first 120 entries' leaves)
    time 2026-12-02T12:00:00
    signer returning-officer 3b6a...(64 hex digits, the signer's Ed25519 public key)

    signature returning-officer 9f0c...(128 hex digits)

The signature is Ed25519 over the body: the six lines above the blank line, each ending in a
newline, as UTF-8. Version 1 (before origins) has no origin line: such files are still read,
and checked in every way but their origin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

HEADER_V1 = "hustings checkpoint v1"
HEADER = "hustings checkpoint v2"
_ORIGIN = re.compile(r"hustings/[0-9a-f]{32}")
_HEX64 = re.compile(r"[0-9a-f]{64}")
_HEX128 = re.compile(r"[0-9a-f]{128}")
_NAME = re.compile(r"[^\s]{1,100}")


class CheckpointFormatError(ValueError):
    """The text is not a checkpoint; the message says which line and what is wrong."""


@dataclass(frozen=True)
class Checkpoint:
    size: int
    root: str  # hex
    at: datetime  # naive UTC
    signer: str
    public_key: str  # hex Ed25519
    signature: str = ""  # hex Ed25519 over body()
    origin: str = ""  # the log's (log_origin); "" in a version 1 checkpoint

    def body(self) -> str:
        head = f"{HEADER}\norigin {self.origin}\n" if self.origin else f"{HEADER_V1}\n"
        return (f"{head}size {self.size}\nroot {self.root}\n"
                f"time {self.at.isoformat()}\nsigner {self.signer} {self.public_key}\n")

    def signed_bytes(self) -> bytes:
        return self.body().encode("utf-8")

    def text(self) -> str:
        return f"{self.body()}\nsignature {self.signer} {self.signature}\n"

    def to_dict(self) -> dict[str, object]:
        found: dict[str, object] = {"origin": self.origin} if self.origin else {}
        return {**found, "size": self.size, "root": self.root, "time": self.at.isoformat(),
                "signer": self.signer, "public_key": self.public_key,
                "signature": self.signature}


def log_origin(first_entry_hash: str) -> str:
    """A log's origin: `hustings/` and the first 32 hex digits of its first entry's hash (the
    first administrator's signed registration), which no other log shares."""
    return f"hustings/{first_entry_hash[:32]}"


def parse(text: str) -> Checkpoint:
    """The checkpoint in `text`; CheckpointFormatError naming the line otherwise."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    origin = ""
    if lines and lines[0] == HEADER:
        if len(lines) < 2 or not lines[1].startswith("origin "):
            raise CheckpointFormatError("line 2: expected 'origin hustings/HEX32'")
        origin = lines[1].removeprefix("origin ")
        if not _ORIGIN.fullmatch(origin):
            raise CheckpointFormatError(f"line 2: origin {origin!r} is not 'hustings/' and "
                                        "32 lower-case hex digits")
        try:
            cp = parse("\n".join([HEADER_V1, *lines[2:]]) + "\n")
        except CheckpointFormatError as error:  # the same lines, one further down
            raise CheckpointFormatError(re.sub(
                r"line (\d+)", lambda m: f"line {int(m.group(1)) + 1}",
                str(error).replace("7 lines (5,", "8 lines (6,"))) from None
        return _replace_origin(cp, origin)
    if len(lines) != 7:
        raise CheckpointFormatError(f"a checkpoint has 7 lines (5, a blank line, the "
                                    f"signature), not {len(lines)}")
    if lines[0] != HEADER_V1:
        raise CheckpointFormatError(f"line 1: expected {HEADER!r} (or {HEADER_V1!r})")
    fields: list[list[str]] = []
    for number, (line, word, count) in enumerate(
            zip(lines[1:5], ("size", "root", "time", "signer"), (2, 2, 2, 3), strict=True), 2):
        parts = line.split(" ")
        if len(parts) != count or parts[0] != word:
            raise CheckpointFormatError(f"line {number}: expected {word!r} and "
                                        f"{count - 1} value(s)")
        fields.append(parts[1:])
    if lines[5] != "":
        raise CheckpointFormatError("line 6: expected a blank line before the signature")
    sig = lines[6].split(" ")
    if len(sig) != 3 or sig[0] != "signature":
        raise CheckpointFormatError("line 7: expected 'signature NAME HEX'")
    size_text, root, time_text, (signer, key) = fields[0][0], fields[1][0], fields[2][0], \
        fields[3]
    if not size_text.isdigit():
        raise CheckpointFormatError(f"line 2: size {size_text!r} is not a whole number")
    if not _HEX64.fullmatch(root):
        raise CheckpointFormatError("line 3: the root is not 64 lower-case hex digits")
    try:
        at = datetime.fromisoformat(time_text)
    except ValueError:
        raise CheckpointFormatError(f"line 4: time {time_text!r} is not an ISO date and "
                                    "time") from None
    if at.tzinfo is not None:
        raise CheckpointFormatError("line 4: the time is UTC without an offset")
    if not _NAME.fullmatch(signer) or not _HEX64.fullmatch(key):
        raise CheckpointFormatError("line 5: expected 'signer NAME PUBLIC-KEY-HEX'")
    if sig[1] != signer:
        raise CheckpointFormatError(f"line 7: signed by {sig[1]!r}, but line 5 names "
                                    f"{signer!r}")
    if not _HEX128.fullmatch(sig[2]):
        raise CheckpointFormatError("line 7: the signature is not 128 lower-case hex digits")
    cp = Checkpoint(int(size_text), root, at, signer, key, sig[2])
    for number, (mine, given) in enumerate(zip(cp.text().split("\n"), lines, strict=False), 1):
        if mine != given:  # e.g. another date-time spelling: only one text per checkpoint
            raise CheckpointFormatError(f"line {number}: not in the canonical form "
                                        f"({mine!r})")
    return cp


def _replace_origin(cp: Checkpoint, origin: str) -> Checkpoint:
    return Checkpoint(cp.size, cp.root, cp.at, cp.signer, cp.public_key, cp.signature, origin)
