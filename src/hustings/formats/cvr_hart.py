"""Hart Verity cast vote records: a folder of XML files, one sheet each, as RCTab reads them.

Every `*.xml` file of the folder (not `*.sig.xml` signatures) is one `Cvr` element
(namespace `http://tempuri.org/CVRDesign.xsd`) whose `Contests/Contest` entries have an `Id`
and `Options/Option` entries (`Id`, `Name`, `Value`). A ranked contest's `Value` is a string of
0s and 1s read left to right, one digit a rank: `0100` marks rank 2; two options marked at one
rank are an overvote; one option marked at several ranks is a duplicate ranking. A file that
holds the chosen contest is one ballot; a file without it is not a ballot of that contest.
The option whose Id is the undeclared write-in id (RCTab's `undeclaredWriteInLabel`) is an
undeclared write-in.

One file is one ballot, so reading loops over files (parsing each with the standard library's
XML parser, ignoring everything but the contest read); the marks found are gathered into
arrays and the profile is built from them without a per-ballot loop.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import numpy as np

from hustings.counting.profile import WRITE_IN
from hustings.formats.cvr_common import BallotFile, fail, in_zip
from hustings.formats.cvr_lines import MAX_RANKS
from hustings.formats.cvr_marks import profile_from_marks

NS = "{http://tempuri.org/CVRDesign.xsd}"


def hart_files(folder: Path) -> list[Path]:
    """The CVR files of a Hart folder, in name order."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.name.lower().endswith("xml")
                  and not p.name.lower().endswith(".sig.xml"))


def read_hart(
    folder: Path | str,
    contest: str,
    *,
    write_in_id: str | None = None,
    by_id: bool = True,
    max_rankings: int | None = None,
) -> BallotFile:
    """Read the ballots of contest `contest` (its Id, or its Name) from a Hart CVR folder.

    Candidates are named by their option Id (`by_id`, as RCTab's aliases name them) or by the
    option's Name. A rank above `max_rankings` is an error, as in RCTab.
    """
    folder = Path(folder)
    if not folder.is_dir():
        fail("a Hart CVR source is a folder of XML files", str(folder))
    files = hart_files(folder)
    if not files:
        fail("no CVR XML files in the folder", str(folder))
    limit = min(max_rankings or MAX_RANKS, MAX_RANKS)
    codes: dict[str, int] = {}  # option id -> index
    labels: dict[str, str] = {}  # option id -> name
    ballot: list[int] = []
    rank: list[int] = []
    cand: list[str] = []
    ballots = 0
    title = contest
    for path in files:  # one file, one ballot: the loop the format requires
        found = _read_one(path, contest, limit)
        if found is None:
            continue
        name, marks = found
        title = name or title
        for option, option_name, position in marks:
            labels.setdefault(option, option_name or option)
            ballot.append(ballots)
            rank.append(position)
            cand.append(option)
        ballots += 1
    for option in labels:
        if option != write_in_id:
            codes.setdefault(option, len(codes))
    names = [o if by_id else labels[o] for o in codes]
    code = np.array([WRITE_IN if c == write_in_id else codes[c] for c in cand], dtype=np.int32)
    profile = profile_from_marks(names, ballots, np.array(ballot, dtype=np.int64),
                                 np.array(rank, dtype=np.int64), code)
    return BallotFile(profile, str(folder), title=title, metadata={"contest_id": contest})


def _read_one(
    path: Path, contest: str, limit: int
) -> tuple[str, list[tuple[str, str, int]]] | None:
    """The contest's name and marks (option id, option name, rank) in one CVR file, or None
    when the file does not hold the contest."""
    source = str(path)
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as exc:
        fail(f"not XML: {exc}", source, exc.position[0])
    except OSError as exc:
        fail(exc.strerror or str(exc), source)
    if root.tag != f"{NS}Cvr":
        fail(f"not a Hart CVR (root element {root.tag!r}, not Cvr)", source, 1)
    for entry in root.iterfind(f"{NS}Contests/{NS}Contest"):
        ident = (entry.findtext(f"{NS}Id") or "").strip()
        name = (entry.findtext(f"{NS}Name") or "").strip()
        if contest not in (ident, name):
            continue
        marks: list[tuple[str, str, int]] = []
        for number, option in enumerate(entry.iterfind(f"{NS}Options/{NS}Option")):
            option_id = (option.findtext(f"{NS}Id") or "").strip()
            where = f"Contest {ident}.Options.Option[{number}]"
            if not option_id:
                fail("an option without its Id", source, None, f"{where}.Id")
            value = (option.findtext(f"{NS}Value") or "").strip()
            if value.strip("01"):
                fail(f"Value must be a string of 0s and 1s, not {value!r}", source, None,
                     f"{where}.Value")
            for position, digit in enumerate(value, start=1):
                if digit != "1":
                    continue
                if position > limit:
                    fail(f"rank {position} is above the {limit} ranks allowed", source, None,
                         f"{where}.Value")
                marks.append((option_id, (option.findtext(f"{NS}Name") or "").strip(),
                               position))
        return name, marks
    return None


def read_hart_zip(data: bytes, source: str, contest: str | None = None) -> BallotFile:
    """A Hart export sent as one zip file (its folder of XML files, zipped), candidates named
    by their option Name. Without `contest`, the zip's ballots must be of one contest (the
    contests of its first file); several are an error naming them. Problems name the zip and
    the member (`export.zip!0001.xml`)."""
    import io
    import tempfile
    import zipfile

    from hustings.domain.errors import InvalidInput, Problem

    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        fail("not a zip file (a Hart export is read as its folder, zipped)", source)
    with book, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for member in book.infolist():
            name = member.filename.rpartition("/")[2]
            if member.is_dir() or not name.lower().endswith("xml") or "\\" in name \
                    or name.startswith("."):
                continue
            if member.file_size > MAX_XML_BYTES:
                fail(f"{name} declares {member.file_size:,} bytes: too large for one ballot",
                     source)
            (folder / name).write_bytes(book.read(member))
        try:
            files = hart_files(folder)
            if not files:
                fail("no Hart CVR XML files in the zip", source)
            if contest is None:
                contest = _only_contest(files[0], source)
            read = read_hart(folder, contest, by_id=False)
        except InvalidInput as error:  # name the user's zip, not the temporary folder
            raise InvalidInput([Problem(p.message, in_zip(p.source, folder, source), p.line,
                                        p.field) for p in error.problems]) from None
    return BallotFile(read.profile, source, read.title, read.seats, read.withdrawn,
                      read.metadata)


MAX_XML_BYTES = 16 << 20  # one ballot's XML file


def _only_contest(path: Path, source: str) -> str:
    try:
        root = ElementTree.parse(path).getroot()
    except ElementTree.ParseError as exc:
        fail(f"not XML: {exc}", str(path), exc.position[0])
    found = [(entry.findtext(f"{NS}Id") or "").strip()
             for entry in root.iterfind(f"{NS}Contests/{NS}Contest")]
    if len(found) != 1:
        fail(f"the export holds {len(found)} contests ({', '.join(found) or 'none'}) in "
             f"{path.name}: export the election's contest alone", source)
    return found[0]

