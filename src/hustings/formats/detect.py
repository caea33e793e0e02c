"""Which ballot format a file is in, by extension and then by content; and reading it."""

from __future__ import annotations

import re
from pathlib import Path

from hustings.formats.cvr_common import BallotFile, Progress, fail

# Each reader (and pyarrow, which only some need) is imported when its format is read or
# sniffed: `hustings count` on a BLT file loads neither the CSV nor the NIST readers.

FORMATS = ("csv", "blt", "preflib", "abif", "nist", "clearballot", "dominion", "rctab")
EXTENSIONS = {
    ".csv": "csv",
    ".blt": "blt",
    ".soi": "preflib",
    ".toi": "preflib",
    ".soc": "preflib",
    ".toc": "preflib",
    ".abif": "abif",
    ".zip": "dominion",  # a Dominion CVR export folder, zipped
}
_SNIFF = 64 * 1024


def detect_format(path: Path | str) -> str:
    """One of FORMATS for this file; InvalidInput when neither name nor content tells."""
    path = Path(path)
    if path.is_dir():
        from hustings.formats.cvr_dominion import is_dominion_export

        if is_dominion_export(path):
            return "dominion"  # a folder: a Dominion CVR export
        fail("a folder is read only as a Dominion CVR export (ContestManifest.json and "
             "CvrExport.json); this one is not", str(path))
    if not path.is_file():
        fail("no such file", str(path))
    by_name = EXTENSIONS.get(path.suffix.lower())
    if by_name == "csv":
        with path.open("rb") as handle:
            first = handle.readline(_SNIFF).decode("utf-8-sig", errors="replace")
        from hustings.formats.cvr_clearballot import is_clear_ballot_header

        return "clearballot" if is_clear_ballot_header(first) else "csv"
    if by_name:
        return by_name
    with path.open("rb") as handle:
        head = handle.read(_SNIFF).decode("utf-8-sig", errors="replace")
    found = sniff(head, path.name)
    if found is None:
        fail("cannot tell the ballot format; give --input-format "
             f"({', '.join(FORMATS)})", str(path), 1)
    return found


def sniff(head: str, name: str = "") -> str | None:
    """The format the start of a file suggests, or None."""
    text = head.lstrip()
    if text.startswith("{") and ('"cvrFileSources"' in text or name.endswith("_config.json")):
        return "rctab"
    if text.startswith("{") and ('"CVR"' in text or "CastVoteRecordReport" in text):
        return "nist"
    if text.startswith("<") and "CastVoteRecordReport" in text[:4096]:
        return "nist"  # the XML form
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if not lines:
        return None
    first = lines[0]
    if first.startswith("# FILE NAME") or any(
        ln.startswith("# NUMBER ALTERNATIVES") for ln in lines[:40]
    ):
        return "preflib"
    if re.fullmatch(r"\d+\s+\d+(\s+-\d+)*", first):
        return "blt"
    if any(re.match(r"^=[^:]+:\[", ln) for ln in lines[:200]) or any(
        re.match(r"^\d+\s*:\s*[^,{}]*>", ln) for ln in lines[:200]
    ):
        return "abif"
    from hustings.formats.cvr_clearballot import is_clear_ballot_header

    if is_clear_ballot_header(first):
        return "clearballot"
    if "," in first and re.search(r"(?i)\b(rank|choice)\s*[_ #.-]?\s*1\b", first):
        return "csv"
    return None


def read_ballots(
    path: Path | str, fmt: str = "auto", progress: Progress | None = None
) -> BallotFile:
    """Read a ballot file (not an RCTab config: see rctab_config) in the given format."""
    path = Path(path)
    if fmt == "auto":
        fmt = detect_format(path)
    if fmt == "dominion" and path.is_dir():
        from hustings.formats.cvr_dominion import read_dominion

        return read_dominion(path)
    if not path.is_file():
        fail("no such file", str(path))
    if fmt == "csv":
        from hustings.formats.cvr_csv import read_csv_cvr

        return read_csv_cvr(path, progress=progress)
    if fmt == "blt":
        from hustings.formats.cvr_blt import read_blt

        return read_blt(path)
    if fmt == "preflib":
        from hustings.formats.cvr_preflib import read_preflib

        return read_preflib(path)
    if fmt == "abif":
        from hustings.formats.cvr_abif import read_abif

        return read_abif(path)
    if fmt == "nist":
        with path.open("rb") as handle:
            start = handle.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
        if start.startswith(b"<"):
            from hustings.formats.cvr_nist_xml import read_nist_xml_cvr

            return read_nist_xml_cvr(path)
        from hustings.formats.cvr_nist import read_nist_cvr

        return read_nist_cvr(path)
    if fmt == "clearballot":
        from hustings.formats.cvr_clearballot import read_clear_ballot

        return read_clear_ballot(path)
    if fmt == "dominion":
        from hustings.formats.cvr_dominion import read_dominion_zip

        return read_dominion_zip(path.read_bytes(), str(path))
    if fmt == "rctab":
        fail("an RCTab config names its own CVR files: read it with read_rctab_config",
             str(path))
    fail(f"unknown input format {fmt!r}; known: auto, {', '.join(FORMATS)}", str(path))
