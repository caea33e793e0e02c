"""Dominion Democracy Suite cast vote record exports (JSON), as RCTab reads them.

An export is a folder: `CvrExport.json` (or several `CvrExport_N.json`, read in name order)
and manifests, of which `ContestManifest.json` (contests: `Id`, `Description`, `NumOfRanks`),
`CandidateManifest.json` (candidates: `Id`, `Description`, `ContestId`, `Type`) and
`PrecinctPortionManifest.json` are required and `PrecinctManifest.json` is read when present.

Each `Sessions[]` entry is one sheet: its `Original` record, or its `Modified` (adjudicated)
record when the original is not current (`IsCurrent` false; a session with neither is
skipped, as RCTab does). A record holds `Cards[].Contests[]` (or `Contests[]` directly); each
entry of the chosen contest is one ballot, unless its `OutstackConditionIds` hold 7 (RCTab:
excluded from results). Its `Marks[]` give `CandidateId` and `Rank`; ambiguous marks
(`IsAmbiguous`) are ignored. Two candidates at one rank are an overvote; the candidate id given
as the undeclared write-in (RCTab's `undeclaredWriteInLabel`), or a manifest candidate of type
`WriteIn`, is an undeclared write-in.

Reading is vectorised: a CvrExport file is one JSON document, which pyarrow's JSON reader reads
as a single row (newlines outside strings are blanks in JSON, so they are made spaces) with a
schema of only the fields used; the nested lists are flattened into arrays of marks. There is
a loop over files (a split export), never over sessions or marks. A file is held in memory
whole while it is read (Dominion splits large exports into many files).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from hustings.counting.profile import WRITE_IN
from hustings.domain.errors import InvalidInput, Problem
from hustings.formats.cvr_common import BallotFile, fail, in_zip
from hustings.formats.cvr_lines import MAX_RANKS
from hustings.formats.cvr_marks import profile_from_marks
from hustings.formats.cvr_nist import _find_cvr_array, _structure  # the JSON block scanner

BLOCK = 8 << 20  # bytes read at a time
WHOLE = 256 << 20  # a CvrExport file up to this size is read at once (faster), larger in blocks
MAX_ENTRY = 64 << 20  # a session longer than this is refused
EXCLUDED_CONDITION = 7  # an OutstackConditionId that removes the contest from the results
CVR_EXPORT = "CvrExport.json"
_SPLIT = re.compile(r"^CvrExport_\d+\.json$")
_MARK = pa.struct([("CandidateId", pa.int64()), ("Rank", pa.int64()),
                   ("IsAmbiguous", pa.bool_())])
_CONTEST = pa.struct([("Id", pa.int64()), ("OutstackConditionIds", pa.list_(pa.int64())),
                      ("Marks", pa.list_(_MARK))])
_CARD = pa.struct([("Contests", pa.list_(_CONTEST))])
_RECORD = pa.struct([("PrecinctPortionId", pa.int64()), ("PrecinctId", pa.int64()),
                     ("IsCurrent", pa.bool_()), ("Cards", pa.list_(_CARD)),
                     ("Contests", pa.list_(_CONTEST))])
_SESSION = pa.struct([("TabulatorId", pa.int64()), ("BatchId", pa.int64()),
                      ("RecordId", pa.int64()), ("Original", _RECORD), ("Modified", _RECORD)])
_BLANKS = bytes.maketrans(b"\r\n", b"  ")


@dataclass
class _Contest:
    id: int
    name: str
    ranks: int
    candidates: dict[int, tuple[str, bool]] = field(default_factory=dict)  # id -> name, write-in


def is_dominion_export(path: Path) -> bool:
    """A folder holding a Dominion export (its contest manifest and CVR files)."""
    return path.is_dir() and (path / "ContestManifest.json").is_file() and bool(
        _cvr_files(path))


def read_dominion(
    folder: Path | str,
    contest: str | None = None,
    *,
    write_in_id: str | None = None,
    by_id: bool = False,
    max_rankings: int | None = None,
    block: int = BLOCK,
) -> BallotFile:
    """Read a Dominion CVR export folder: the ballots of one contest (`contest`: its Id or
    Description; needed when the manifest lists several).

    `by_id`: candidates are named by their Dominion Id (RCTab's aliases), and only those
    marked on some ballot are listed; else by their manifest Description. `max_rankings`: a
    rank above it (or above the contest's `NumOfRanks`) is an error, as in RCTab. `block`:
    bytes read at a time.
    """
    folder = Path(folder)
    if not folder.is_dir():
        fail("a Dominion CVR export is a folder (CvrExport.json and manifests)", str(folder))
    chosen = _contest(folder, contest)
    portions = _ids(folder / "PrecinctPortionManifest.json", required=True)
    precincts = _ids(folder / "PrecinctManifest.json", required=False)
    files = _cvr_files(folder)
    if not files:
        fail(f"no {CVR_EXPORT} (nor CvrExport_N.json) in the export", str(folder))
    limit = min(chosen.ranks or MAX_RANKS, max_rankings or MAX_RANKS, MAX_RANKS)
    known = np.array(sorted(chosen.candidates), dtype=np.int64)
    uwi = int(write_in_id) if write_in_id and write_in_id.strip().lstrip("-").isdigit() else None
    ballots = 0
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for path in files:
        b, r, c, n = _read_file(path, _Rules(str(path), chosen.id, portions, precincts,
                                             limit, known, uwi), block)
        parts.append((b + ballots, r, c))
        ballots += n
    ballot = np.concatenate([p[0] for p in parts])
    rank = np.concatenate([p[1] for p in parts])
    cand = np.concatenate([p[2] for p in parts])
    ids = [i for i in chosen.candidates
           if i != uwi and (by_id or not chosen.candidates[i][1])]
    if by_id:
        used = set(np.unique(cand).tolist())
        ids = [i for i in ids if i in used]
    index = {cid: k for k, cid in enumerate(ids)}
    lut_keys = np.array([*ids, *(i for i in chosen.candidates if i not in index)],
                        dtype=np.int64)
    lut_vals = np.array([*range(len(ids)), *([WRITE_IN] * (len(lut_keys) - len(ids)))],
                        dtype=np.int32)
    if uwi is not None and uwi not in chosen.candidates:
        lut_keys = np.append(lut_keys, uwi)
        lut_vals = np.append(lut_vals, np.int32(WRITE_IN))
    order = np.argsort(lut_keys)
    code = lut_vals[order][np.searchsorted(lut_keys[order], cand)] if len(cand) else (
        np.empty(0, np.int32))
    names = [str(i) if by_id else chosen.candidates[i][0] for i in ids]
    profile = profile_from_marks(names, ballots, ballot, rank, code,
                                 width=int(rank.max()) if len(rank) else 1)
    return BallotFile(profile, str(folder), title=chosen.name,
                      metadata={"contest_id": str(chosen.id)})


MAX_MEMBER = 4 << 30  # a zip member declaring more than this is refused (a zip bomb)


def read_dominion_zip(data: bytes, source: str, contest: str | None = None) -> BallotFile:
    """A Dominion export sent as one zip file (the folder zipped): its manifests and CvrExport
    files are taken from the folder in the zip that holds ContestManifest.json; problems name
    the zip and the member (`export.zip!CvrExport.json`)."""
    import tempfile
    import zipfile

    try:
        book = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        fail("not a zip file (a Dominion export is read as its folder, zipped)", source)
    with book, tempfile.TemporaryDirectory() as tmp:
        members = [m for m in book.infolist() if not m.is_dir()]
        homes = sorted({m.filename.rpartition("/")[0] for m in members
                        if m.filename.rpartition("/")[2] == "ContestManifest.json"}, key=len)
        if not homes:
            fail("no ContestManifest.json in the zip: not a Dominion export", source)
        home = homes[0]
        for member in members:
            folder, _, name = member.filename.rpartition("/")
            if folder != home or not name.endswith(".json") or "\\" in name:
                continue
            if member.file_size > MAX_MEMBER:
                fail(f"{name} declares {member.file_size:,} bytes: too large", source)
            (Path(tmp) / name).write_bytes(book.read(member))
        try:
            read = read_dominion(Path(tmp), contest)
        except InvalidInput as error:  # name the user's zip, not the temporary folder
            raise InvalidInput([Problem(p.message, in_zip(p.source, Path(tmp), source),
                                        p.line, p.field) for p in error.problems]) from None
    return BallotFile(read.profile, source, read.title, read.seats, read.withdrawn,
                      read.metadata)


def _cvr_files(folder: Path) -> list[Path]:
    single = folder / CVR_EXPORT
    if single.is_file():
        return [single]
    return sorted((p for p in folder.iterdir() if _SPLIT.match(p.name)),
                  key=lambda p: str(p.absolute()))


def _manifest(path: Path) -> list[dict[str, Any]]:
    source = str(path)
    if not path.is_file():
        fail("manifest not found (a Dominion export needs it)", source)
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        fail(f"not UTF-8 text (byte {exc.start})", source)
    except json.JSONDecodeError as exc:
        fail(f"not JSON: {exc.msg}", source, exc.lineno)
    entries = data.get("List") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        fail("a manifest is an object whose 'List' is a list of objects", source, None, "List")
    return entries


def _int_field(entry: dict[str, Any], key: str, source: str, i: int) -> int:
    value = entry.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        fail(f"{key} must be a whole number, not {value!r}", source, None, f"List[{i}].{key}")
    return value


def _ids(path: Path, required: bool) -> np.ndarray | None:
    if not path.is_file() and not required:
        return None
    entries = _manifest(path)
    return np.array(sorted(_int_field(e, "Id", str(path), i) for i, e in enumerate(entries)),
                    dtype=np.int64)


def _contest(folder: Path, wanted: str | None) -> _Contest:
    source = str(folder / "ContestManifest.json")
    contests = []
    for i, entry in enumerate(_manifest(folder / "ContestManifest.json")):
        ranks = entry.get("NumOfRanks") or 0
        if not isinstance(ranks, int) or isinstance(ranks, bool) or ranks < 0:
            fail(f"NumOfRanks must be a whole number, not {ranks!r}", source, None,
                 f"List[{i}].NumOfRanks")
        contests.append(_Contest(_int_field(entry, "Id", source, i),
                                 str(entry.get("Description") or ""), ranks))
    if wanted is not None:
        contests = [c for c in contests if wanted.strip() in (str(c.id), c.name)]
        if not contests:
            fail(f"no contest {wanted!r} in the contest manifest", source, None, "List")
    if len(contests) != 1:
        listed = ", ".join(f"{c.id} ({c.name})" for c in contests)
        fail(f"the export holds {len(contests)} contests ({listed}): say which one", source,
             None, "List")
    chosen = contests[0]
    candidates_source = str(folder / "CandidateManifest.json")
    for i, entry in enumerate(_manifest(folder / "CandidateManifest.json")):
        if str(entry.get("ContestId")) != str(chosen.id):
            continue
        cid = _int_field(entry, "Id", candidates_source, i)
        chosen.candidates[cid] = (str(entry.get("Description") or cid),
                                  entry.get("Type") == "WriteIn")
    return chosen


@dataclass(frozen=True)
class _Rules:
    """What a session's marks are checked against."""

    source: str
    contest: int
    portions: np.ndarray | None
    precincts: np.ndarray | None
    limit: int
    known: np.ndarray
    uwi: int | None


def _read_file(path: Path, rules: _Rules, block: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(ballot, rank, candidate id) per mark of the contest in one CvrExport file, and its
    number of ballots; the file is read in blocks of whole sessions."""
    if block >= BLOCK and path.stat().st_size <= WHOLE:
        try:
            return _whole_file(path, rules)
        except InvalidInput:
            pass  # read it again in blocks: the same problem, found with its line
    parts = []
    ballots = 0
    for sess, first, lines in _session_blocks(path, rules.source, block):
        b, r, c, n = _block_marks(sess, first, lines, rules)
        parts.append((b + ballots, r, c))
        ballots += n
    if not parts:
        empty = np.empty(0, np.int64)
        return empty, empty, empty, 0
    return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
            np.concatenate([p[2] for p in parts]), ballots)


def _whole_file(path: Path, rules: _Rules) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The fast path for a file of at most WHOLE bytes: the document is one JSON object, read
    by pyarrow as a single row (newlines, blanks in JSON outside strings, made spaces); any
    problem is an InvalidInput without a line (the caller reads again in blocks to locate)."""
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        table = pajson.read_json(
            pa.BufferReader(data.translate(_BLANKS)),
            read_options=pajson.ReadOptions(block_size=len(data) + 2),
            parse_options=pajson.ParseOptions(
                explicit_schema=pa.schema([("Sessions", pa.list_(_SESSION))]),
                unexpected_field_behavior="ignore"))
    except pa.ArrowInvalid:
        fail("unreadable", rules.source)
    sessions = table.column("Sessions").combine_chunks()
    if table.num_rows != 1 or sessions.null_count:
        fail("no 'Sessions' list", rules.source)
    sess = pc.list_flatten(sessions)
    return _block_marks(sess, 0, np.zeros(len(sess), dtype=np.int64), rules)


def _session_blocks(path: Path, source: str, block_size: int = BLOCK
                    ) -> Iterator[tuple[pa.StructArray, int, np.ndarray]]:
    """Blocks of complete `Sessions` entries: (sessions, index of the first, line of each).

    The file is scanned in 8 MB blocks (cvr_nist's scanner: strings, escapes and depth found
    with numpy) and each block's entries go to pyarrow's JSON reader as newline-delimited
    JSON, so memory stays bounded by the block and the longest session."""
    with path.open("rb") as handle:
        blocks = iter(lambda: handle.read(block_size), b"")
        prefix = b""
        found = None
        for block in blocks:
            prefix += block
            if prefix.startswith(b"\xef\xbb\xbf"):
                prefix = prefix[3:]
            found = _find_cvr_array(prefix, source, b'"Sessions"')
            if found is not None:
                break
            if len(prefix) > MAX_ENTRY:
                break
        if found is None:
            _locate(prefix, source, "no 'Sessions' list")
            fail("not a Dominion CVR export (no 'Sessions' list near the start)", source, 1,
                 "Sessions")
        line = 1 + prefix[: found + 1].count(b"\n")
        carry = prefix[found + 1 :]
        first = 0
        while True:
            buf = np.frombuffer(carry, dtype=np.uint8)
            shape = _structure(buf, 2, source, line)
            close = np.flatnonzero((shape.char == ord("]")) & (shape.depth_after == 1))
            stop = int(shape.at[close[0]]) if len(close) else len(buf)
            ends = np.flatnonzero((shape.char == ord("}")) & (shape.depth_after == 2)
                                  & (shape.at < stop))
            done = stop if len(close) else (int(shape.at[ends[-1]]) + 1 if len(ends) else 0)
            if done:
                sess, lines = _entries(carry[:done], shape, done, source, line, first)
                if len(sess):
                    yield sess, first, lines
                first += len(sess)
                line += carry[:done].count(b"\n")
            if len(close):
                return
            carry = carry[done:]
            if len(carry) > MAX_ENTRY:
                fail(f"a session longer than {MAX_ENTRY >> 20} MB", source, line, "Sessions")
            more = next(blocks, None)
            if more is None:
                fail("the file ends inside the Sessions list (truncated?)", source, line,
                     "Sessions")
            carry += more


def _entries(chunk: bytes, shape: Any, done: int, source: str, line: int, first: int
             ) -> tuple[pa.StructArray, np.ndarray]:
    """The complete sessions of `chunk` (objects at depth 3), and the line each starts on."""
    inside = shape.at < done
    at, char, before = shape.at[inside], shape.char[inside], shape.depth_before[inside]
    starts = at[(char == ord("{")) & (before == 2)]
    commas = at[(char == ord(",")) & (before == 2)]
    buf = np.frombuffer(chunk, dtype=np.uint8)
    nl = np.flatnonzero(buf == 10)
    stray = (before == 2) & (char != ord("{")) & (char != ord(",")) & (char != ord("]"))
    if stray.any() or len(commas) < len(starts) - 1:
        where = int(at[np.flatnonzero(stray)[0]]) if stray.any() else int(starts[-1])
        fail("each session must be an object", source,
             line + int(np.searchsorted(nl, where)), "Sessions")
    if not len(starts):
        return pa.array([], type=_SESSION), np.empty(0, np.int64)
    text = np.frombuffer(chunk.translate(_BLANKS), dtype=np.uint8).copy()
    text[commas] = 10  # the list cut into newline-delimited JSON, one session a line
    cuts = np.concatenate(([0], commas, [len(text)]))
    size = int(max(np.diff(cuts).max() + 1, min(len(text) + 1, 1 << 20)))
    try:
        table = pajson.read_json(
            pa.BufferReader(text.tobytes()),
            read_options=pajson.ReadOptions(block_size=size),
            parse_options=pajson.ParseOptions(explicit_schema=pa.schema(list(_SESSION)),
                                              unexpected_field_behavior="ignore"))
    except pa.ArrowInvalid as exc:
        _locate_session(text.tobytes(), commas, line, nl, first, source, str(exc))
    sess = pa.StructArray.from_arrays([table.column(f.name).combine_chunks() for f in _SESSION],
                                      fields=list(_SESSION))
    return sess, (line + np.searchsorted(nl, starts)).astype(np.int64)


def _locate_session(text: bytes, commas: np.ndarray, line: int, nl: np.ndarray, first: int,
                    source: str, message: str) -> NoReturn:
    """Find the session pyarrow could not read (error path: one session at a time)."""
    bounds = [0, *commas.tolist(), len(text)]
    number = first
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        piece = text[a:b].lstrip(b", \t\n")
        if not piece.strip():
            continue
        at = line + int(np.searchsorted(nl, b - len(piece)))
        try:
            json.loads(piece.decode("utf-8"))
        except UnicodeDecodeError:
            fail("not UTF-8 text", source, at, f"Sessions[{number}]")
        except (ValueError, RecursionError) as exc:
            fail(f"not JSON: {exc}", source, at, f"Sessions[{number}]")
        try:
            pajson.read_json(pa.BufferReader(piece.replace(b"\n", b" ")),
                             parse_options=pajson.ParseOptions(
                                 explicit_schema=pa.schema(list(_SESSION)),
                                 unexpected_field_behavior="ignore"))
        except pa.ArrowInvalid as exc:
            fail(f"a field has the wrong type ({str(exc).splitlines()[0]})", source, at,
                 f"Sessions[{number}]")
        number += 1
    fail(f"a session's fields have the wrong type ({message.splitlines()[0]})", source, line,
         "Sessions")


def _block_marks(sess: pa.StructArray, first: int, lines: np.ndarray, rules: _Rules
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """(ballot, rank, candidate id) per mark of the contest in these sessions (ballots
    numbered from 0), and their number of ballots."""
    source, contest, limit, known, uwi = (rules.source, rules.contest, rules.limit,
                                          rules.known, rules.uwi)

    def where(s: int) -> tuple[int, str]:
        return int(lines[s]), f"Sessions[{first + s}]"

    n = len(sess)
    original, modified = sess.field("Original"), sess.field("Modified")
    no_record = np.flatnonzero(original.is_null().to_numpy(zero_copy_only=False))
    if len(no_record):
        at, name = where(int(no_record[0]))
        fail("a session without its 'Original' record", source, at, f"{name}.Original")
    current = pc.fill_null(original.field("IsCurrent"), True).to_numpy(zero_copy_only=False)
    has_modified = modified.is_valid().to_numpy(zero_copy_only=False)
    use_original = current
    use_modified = ~current & has_modified
    every = np.arange(n, dtype=np.int64)
    records = [(original.filter(pa.array(use_original)), every[use_original], "Original"),
               (modified.filter(pa.array(use_modified)), every[use_modified], "Modified")]
    for record, owner, name in records:
        _check_ids(record.field("PrecinctPortionId"), rules.portions, owner, where, source,
                   f"{name}.PrecinctPortionId", required=True)
        _check_ids(record.field("PrecinctId"), rules.precincts, owner, where, source,
                   f"{name}.PrecinctId", required=False)
    # every contest entry with its session and the record it came from
    ct_parts: list[tuple[pa.Array, np.ndarray, str]] = []
    for record, owner, name in records:
        cards = record.field("Cards")
        card_of = pc.list_parent_indices(cards).to_numpy(zero_copy_only=False)
        card = pc.list_flatten(cards)
        ct_parts.append((card.field("Contests"), owner[card_of], f"{name}.Cards[].Contests"))
        direct = cards.is_null().to_numpy(zero_copy_only=False)
        ct_parts.append((record.field("Contests").filter(pa.array(direct)), owner[direct],
                         f"{name}.Contests"))
    ballot_parts, rank_parts, cand_parts = [], [], []
    ballots = 0
    for lists, owner, path in ct_parts:
        ct_of = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
        ct = pc.list_flatten(lists)
        if not len(ct):
            continue
        ids = pc.fill_null(ct.field("Id"), -1).to_numpy(zero_copy_only=False)
        out = ct.field("OutstackConditionIds")
        out_of = pc.list_parent_indices(out).to_numpy(zero_copy_only=False)
        out_flat = pc.fill_null(pc.list_flatten(out), 0).to_numpy(zero_copy_only=False)
        excluded = np.zeros(len(ct), dtype=bool)
        excluded[out_of[out_flat == EXCLUDED_CONDITION]] = True
        keep = (ids == contest) & ~excluded
        number = np.cumsum(keep) - 1 + ballots  # each kept contest entry: one ballot
        marks = ct.field("Marks")
        mark_of = pc.list_parent_indices(marks).to_numpy(zero_copy_only=False)
        mark = pc.list_flatten(marks)
        cand = mark.field("CandidateId")
        rank = mark.field("Rank")
        ambiguous = pc.fill_null(mark.field("IsAmbiguous"), False).to_numpy(
            zero_copy_only=False)
        take = keep[mark_of] & ~ambiguous
        session_of_mark = owner[ct_of[mark_of]]
        for values, key in ((cand, "CandidateId"), (rank, "Rank")):
            missing = np.flatnonzero(take & values.is_null().to_numpy(zero_copy_only=False))
            if len(missing):
                at, name = where(int(session_of_mark[missing[0]]))
                fail(f"a mark without its {key}", source, at, f"{name}.{path}.Marks.{key}")
        c = cand.to_numpy(zero_copy_only=False)[take] if len(mark) else np.empty(0, np.int64)
        r = rank.to_numpy(zero_copy_only=False)[take] if len(mark) else np.empty(0, np.int64)
        s_of = session_of_mark[take]
        bad = np.flatnonzero((r < 1) | (r > limit))
        if len(bad):
            at, name = where(int(s_of[bad[0]]))
            fail(f"rank {int(r[bad[0]])} is outside 1 to {limit} (the contest's NumOfRanks "
                 "or maxRankingsAllowed)", source, at, f"{name}.{path}.Marks.Rank")
        allowed = np.isin(c, known) | ((c == uwi) if uwi is not None else False)
        stray = np.flatnonzero(~allowed)
        if len(stray):
            at, name = where(int(s_of[stray[0]]))
            fail(f"candidate {int(c[stray[0]])} is not a candidate of contest {contest} in "
                 "CandidateManifest.json", source, at, f"{name}.{path}.Marks.CandidateId")
        ballot_parts.append(number[mark_of][take])
        rank_parts.append(r)
        cand_parts.append(c)
        ballots += int(keep.sum())
    if not ballot_parts:
        empty = np.empty(0, np.int64)
        return empty, empty, empty, ballots
    return (np.concatenate(ballot_parts), np.concatenate(rank_parts),
            np.concatenate(cand_parts), ballots)


def _check_ids(values: pa.Array, manifest: np.ndarray | None, owner: np.ndarray,
               where: Callable[[int], tuple[int, str]], source: str, field: str,
               required: bool) -> None:
    """Every (non-null) id in `values` must be listed in the manifest."""
    valid = values.is_valid().to_numpy(zero_copy_only=False)
    if not valid.any():
        return
    ids = pc.fill_null(values, 0).to_numpy(zero_copy_only=False)
    listed = np.isin(ids, manifest) if manifest is not None else np.zeros(len(ids), bool)
    bad = np.flatnonzero(valid & ~listed)
    if len(bad):
        kind = "precinct portion" if required else "precinct"
        at, name = where(int(owner[bad[0]]))
        fail(f"{kind} {int(ids[bad[0]])} is not in its manifest", source, at, f"{name}.{field}")


def _locate(data: bytes, source: str, message: str) -> None:
    """Say where pyarrow's refusal lies (error path: the standard json module finds it)."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        fail(f"not UTF-8 text (byte {exc.start})", source, data[: exc.start].count(b"\n") + 1)
    except json.JSONDecodeError as exc:
        fail(f"not JSON: {exc.msg}", source, exc.lineno)
    except RecursionError:
        fail("not a Dominion CVR export: nested too deeply", source)
    sessions = doc.get("Sessions") if isinstance(doc, dict) else None
    if not isinstance(sessions, list):
        fail("not a Dominion CVR export (no 'Sessions' list)", source, 1, "Sessions")
    fail(f"a session's fields have the wrong type ({message.splitlines()[0]})", source, None,
         "Sessions")
