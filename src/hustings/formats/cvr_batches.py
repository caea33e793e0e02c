"""Cast vote records for an election's precincts: read any ballot format from bytes, and split a
CSV whose `Precinct` column says where each ballot was cast into one profile per precinct.

Splitting is the CSV reader's (`formats.cvr_csv.split_csv_cvr`): each ballot is tagged with its
precinct, identical rows merged and cut per precinct; no per-ballot Python loop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hustings.counting.profile import Profile
from hustings.formats.csv_text import csv_header
from hustings.formats.cvr_abif import parse_abif
from hustings.formats.cvr_blt import parse_blt
from hustings.formats.cvr_clearballot import is_clear_ballot_header, parse_clear_ballot
from hustings.formats.cvr_common import BallotFile, fail
from hustings.formats.cvr_csv import parse_csv_cvr, split_csv_cvr
from hustings.formats.cvr_dominion import read_dominion_zip
from hustings.formats.cvr_hart import read_hart_zip
from hustings.formats.cvr_nist import parse_nist_cvr
from hustings.formats.cvr_preflib import parse_preflib
from hustings.formats.detect import EXTENSIONS, sniff

BALLOT_FORMATS = ("csv", "blt", "preflib", "abif", "nist", "clearballot", "dominion", "hart")
PRECINCT_COLUMNS = ("precinct", "precinct code", "precinct_code", "precinctportion")


@dataclass(frozen=True)
class PrecinctBallots:
    """One precinct's ballots from a CVR file, and the first line they appear on."""

    precinct: str
    profile: Profile
    line: int | None


def ballot_format(data: bytes, source: str, fmt: str = "auto") -> str:
    """The format of a ballot file given as bytes: as named, by extension, then by content."""
    if fmt != "auto":
        if fmt not in BALLOT_FORMATS:
            fail(f"unknown ballot format {fmt!r}; known: auto, {', '.join(BALLOT_FORMATS)}",
                 source, None, "format")
        return fmt
    if data[:4] == b"PK\x03\x04":  # a zip: a Dominion export, or a Hart folder of XML files
        return "dominion" if b"ContestManifest.json" in data else "hart"
    suffix = re.search(r"\.[A-Za-z0-9]+$", source)
    by_name = EXTENSIONS.get(suffix.group(0).lower()) if suffix else None
    if by_name == "csv":
        first = data[: data.find(b"\n") if b"\n" in data else len(data)]
        return "clearballot" if is_clear_ballot_header(
            first.decode("utf-8-sig", errors="replace")) else "csv"
    if by_name:
        return by_name
    found = sniff(data[:64 * 1024].decode("utf-8-sig", errors="replace"), source)
    if found is None or found == "rctab":
        fail(f"cannot tell the ballot format; give it ({', '.join(BALLOT_FORMATS)})", source, 1)
    return found


def _text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        fail("not UTF-8 text", source, line)


def read_ballot_bytes(data: bytes, source: str, fmt: str = "auto") -> BallotFile:
    """Read a whole ballot file (one precinct's ballots, or ballots of unknown precinct)."""
    kind = ballot_format(data, source, fmt)
    if kind == "csv":
        return parse_csv_cvr(data, source=source)
    if kind == "nist":
        return parse_nist_cvr(_text(data, source), source)  # type: ignore[arg-type]
    if kind == "clearballot":
        return parse_clear_ballot(data, source)
    if kind == "dominion":
        return read_dominion_zip(data, source)
    if kind == "hart":
        return read_hart_zip(data, source)
    parse = {"blt": parse_blt, "preflib": parse_preflib, "abif": parse_abif}[kind]
    return parse(_text(data, source), source)


def precinct_column(data: bytes, source: str) -> int | None:
    """The index of a CSV header's precinct column, or None."""
    first = data.split(b"\n", 1)[0]
    try:
        header = csv_header(first.decode("utf-8-sig"), source)
    except UnicodeDecodeError:
        fail("not UTF-8 text", source, 1)
    found = [i for i, h in enumerate(header) if h.strip().lower() in PRECINCT_COLUMNS]
    if len(found) > 1:
        fail("two precinct columns", source, 1, header[found[1]])
    return found[0] if found else None


def split_by_precinct(data: bytes, source: str) -> list[PrecinctBallots]:
    """A CSV CVR with a precinct column, one profile per precinct (in order of first line).

    The profiles' candidates are the names found in the file (every name is kept: the caller
    checks them against the election's candidates); a ballot without a precinct is an error
    on its line."""
    column = precinct_column(data, source)
    if column is None:
        fail("no Precinct column: name the precinct these ballots were cast in", source, 1)
    head = data.split(b"\n", 1)[0]
    field = csv_header(head.decode("utf-8-sig"), source)[column]
    _, parts, lines = split_csv_cvr(data, source=source, precinct_column=field.strip())
    if "" in parts and parts[""].total:
        fail("a ballot without a precinct", source, lines.get(""), field)
    out = [PrecinctBallots(code, profile, lines.get(code)) for code, profile in parts.items()
           if code and profile.total]
    return sorted(out, key=lambda p: (p.line or 0, p.precinct))


def split_nist_by_precinct(data: bytes, source: str) -> list[PrecinctBallots]:
    """A NIST SP 1500-103 CVR file (JSON or XML), one profile per `BallotStyleUnitId`
    (the precinct or its portion); a CVR without one is an error naming the file."""
    import tempfile

    from hustings.domain.errors import InvalidInput, Problem
    from hustings.formats.cvr_nist import read_nist_cvr_by_precinct
    from hustings.formats.cvr_nist_xml import read_nist_xml_cvr_by_precinct

    xml = data.lstrip()[:1] == b"<"
    with tempfile.NamedTemporaryFile(suffix=".xml" if xml else ".json") as handle:
        handle.write(data)
        handle.flush()
        read = read_nist_xml_cvr_by_precinct if xml else read_nist_cvr_by_precinct
        try:
            _, parts = read(handle.name)
        except InvalidInput as error:  # name the user's file, not the temporary copy
            raise InvalidInput([Problem(p.message, source, p.line, p.field)
                                for p in error.problems]) from None
    if "" in parts and parts[""].total:
        fail("a CVR without a BallotStyleUnitId (its precinct): name the precinct instead",
             source, None, "BallotStyleUnitId")
    return [PrecinctBallots(code, profile, None) for code, profile in parts.items()
            if code and profile.total]
