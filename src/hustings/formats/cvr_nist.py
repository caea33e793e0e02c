"""NIST SP 1500-103 cast vote records, JSON form (as RCTab and other tabulators write them).

The report's `Election[].Contest[].ContestSelection[]` map selection ids to candidates
(`Election[].Candidate[]`); each `CVR[]` holds snapshots, of which the current one is read
(`CurrentSnapshotId`, else the last). In the chosen contest each `CVRContestSelection` lists the
ranks at which the voter marked it (`SelectionPosition[].Rank`, `HasIndication` not "no").
Two selections at one rank are an overvote; a write-in selection is an undeclared write-in.
A CVR's `BallotStyleUnitId` (a GpUnit id) is its precinct (`read_nist_cvr_by_precinct`).

Reading is vectorised and streams: the file is scanned in 8 MB blocks with numpy (strings,
escapes, nesting depth), the `CVR` array's entries are handed to pyarrow's JSON reader as
newline-delimited JSON with a schema of just the fields read, and the nested lists are
flattened into arrays of marks (ballot, rank, selection). Everything outside the `CVR` array
(the election, contests, candidates) is small and read with the standard json module.
Nesting deeper than 64 levels, NaN and Infinity, and entries that are not objects are refused
with the line they are on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pajson

from hustings.counting.profile import EMPTY, WRITE_IN, Profile
from hustings.formats.cvr_common import BallotFile, fail
from hustings.formats.cvr_lines import MAX_RANKS
from hustings.formats.cvr_marks import marked_ranks

BLOCK = 8 << 20
MAX_DEPTH = 64
MAX_ENTRY = 64 << 20
ROWS = 65536  # ballots expanded to a rankings array at a time (bounded memory)

_POSITION = pa.struct([("Rank", pa.int64()), ("HasIndication", pa.string())])
_SELECTION = pa.struct([("ContestSelectionId", pa.string()),
                        ("SelectionPosition", pa.list_(_POSITION))])
_CONTEST = pa.struct([("ContestId", pa.string()),
                      ("CVRContestSelection", pa.list_(_SELECTION))])
_SNAPSHOT = pa.struct([("@id", pa.string()), ("CVRContest", pa.list_(_CONTEST))])
SCHEMA = pa.schema([("CurrentSnapshotId", pa.string()),
                    ("BallotStyleUnitId", pa.string()),
                    ("CVRSnapshot", pa.list_(_SNAPSHOT))])
_STRUCTURE = np.zeros(256, dtype=np.int8)
_STRUCTURE[[ord("{"), ord("[")]] = 1
_STRUCTURE[[ord("}"), ord("]")]] = -1
_CLASS = np.zeros(256, dtype=np.uint8)  # 1 quote, 2 backslash, 3 punctuation, 4 capital
_CLASS[ord('"')] = 1
_CLASS[ord("\\")] = 2
_CLASS[list(b"{}[],")] = 3
_CLASS[ord("A") : ord("Z") + 1] = 4
_SPACED = np.arange(256, dtype=np.uint8)  # newlines become spaces (NDJSON: one entry a line)
_SPACED[[10, 13]] = 32


def read_nist_cvr(
    path: Path | str, contest: str | None = None, candidates: Sequence[str] | None = None
) -> BallotFile:
    """Read a NIST SP 1500-103 JSON CVR report (one contest: `contest` id or name)."""
    path = Path(path)
    return _finish(_scan(_file_blocks(path), str(path)), str(path), contest, candidates)


def parse_nist_cvr(
    text: str | bytes,
    source: str = "<nist>",
    contest: str | None = None,
    candidates: Sequence[str] | None = None,
) -> BallotFile:
    """Parse NIST CDF CVR JSON. With `candidates`, selections map to those names in order."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    size = BLOCK
    blocks = (data[i : i + size] for i in range(0, len(data), size))
    return _finish(_scan(blocks, source), source, contest, candidates)


def read_nist_cvr_by_precinct(
    path: Path | str, contest: str | None = None, candidates: Sequence[str] | None = None
) -> tuple[BallotFile, dict[str, Profile]]:
    """The whole file's ballots, and a profile per precinct (`BallotStyleUnitId`; CVRs
    without one are under the empty string). Every profile has the file's candidates."""
    path = Path(path)
    marks = _scan(_file_blocks(path), str(path))
    whole = _finish(marks, str(path), contest, candidates)
    return whole, _by_precinct(marks, whole, str(path), contest, candidates)


def _file_blocks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while block := handle.read(BLOCK):
            yield block


@dataclass
class _Marks:
    """What the CVR entries say, as flat arrays (one entry per mark, or per ballot)."""

    skeleton: bytes = b""  # the document with the CVR array emptied
    ballots: int = 0
    lines: list[np.ndarray] = field(default_factory=list)  # per ballot: its line
    precinct: list[np.ndarray] = field(default_factory=list)  # per ballot: precinct code
    precincts: dict[str, int] = field(default_factory=dict)
    contests: dict[str, int] = field(default_factory=dict)
    selections: dict[str, int] = field(default_factory=dict)
    # per mark (HasIndication not "no"): ballot, rank, selection, contest
    ballot: list[np.ndarray] = field(default_factory=list)
    rank: list[np.ndarray] = field(default_factory=list)
    selection: list[np.ndarray] = field(default_factory=list)
    contest: list[np.ndarray] = field(default_factory=list)
    # per selection listed in a current snapshot (to refuse unknown selection ids)
    sel_ballot: list[np.ndarray] = field(default_factory=list)
    sel_code: list[np.ndarray] = field(default_factory=list)
    sel_contest: list[np.ndarray] = field(default_factory=list)


# --- the byte-level scan -------------------------------------------------------------------


@dataclass
class _Structure:
    """Punctuation outside strings in a buffer: positions, depth before each, and quotes."""

    at: np.ndarray
    char: np.ndarray
    depth_before: np.ndarray
    depth_after: np.ndarray


def _structure(buf: np.ndarray, depth: int, source: str, line0: int) -> _Structure:
    """Scan a buffer that starts outside any string at `depth`."""
    kind = _CLASS[buf]
    quotes = np.flatnonzero(kind == 1)
    if len(quotes) and (kind == 2).any():
        backslash = kind == 2
        index = np.arange(len(buf))
        last_plain = np.maximum.accumulate(np.where(backslash, -1, index))
        before = np.maximum(quotes - 1, 0)
        run = np.where(quotes > 0, quotes - 1 - last_plain[before], 0)
        quotes = quotes[run % 2 == 0]
    # inside a string after an odd number of quotes: a running count mod 256 keeps the parity
    marked = np.zeros(len(buf), dtype=np.uint8)
    marked[quotes] = 1
    inside = np.cumsum(marked, dtype=np.uint8) & 1
    punct = np.flatnonzero(kind == 3)
    letters = np.flatnonzero(kind == 4)  # NaN, Infinity: not JSON numbers
    if len(letters):
        outside = inside[letters] == 0
        if outside.any():
            at = int(letters[outside][0])
            word = bytes(buf[at : at + 8]).split(b",")[0].decode("ascii", "replace")
            fail(f"not JSON: {word!r} (NaN and Infinity are not JSON numbers)", source,
                 line0 + int(np.count_nonzero(buf[:at] == 10)))
    punct = punct[inside[punct] == 0]
    chars = buf[punct]
    delta = _STRUCTURE[chars].astype(np.int64)
    after = depth + np.cumsum(delta)
    deep = np.flatnonzero((after > MAX_DEPTH) | (after < 0))
    if len(deep):
        at = int(punct[deep[0]])
        problem = (f"nested more than {MAX_DEPTH} levels deep" if after[deep[0]] > 0
                   else "a closing bracket without its opening one")
        fail(f"not a cast vote record report: {problem}", source,
             line0 + int(np.count_nonzero(buf[:at] == 10)))
    return _Structure(punct, chars, after - delta, after)


def _scan(blocks: Iterator[bytes], source: str) -> _Marks:
    marks = _Marks()
    prefix = b""
    found = None
    blocks = iter(blocks)
    for block in blocks:  # the start of the document, up to the CVR array's '['
        prefix += block
        if prefix.startswith(b"\xef\xbb\xbf"):
            prefix = prefix[3:]
        found = _find_cvr_array(prefix, source)
        if found is not None:
            break
        if len(prefix) > MAX_ENTRY:
            fail("not a NIST CDF cast vote record report (no 'CVR' list near the start)",
                 source, 1, "CVR")
    if found is None:
        _skeleton_only(prefix, source)
        fail("not a NIST CDF cast vote record report (no 'CVR' list)", source, 1, "CVR")
    head, rest = prefix[: found + 1], prefix[found + 1 :]
    line = 1 + head.count(b"\n")
    carry = rest
    tail: bytes | None = None
    pending = iter(blocks)
    while True:
        buf = np.frombuffer(carry, dtype=np.uint8)
        s = _structure(buf, 2, source, line)
        close = np.flatnonzero((s.char == ord("]")) & (s.depth_after == 1))
        stop = int(s.at[close[0]]) if len(close) else len(buf)
        ends = np.flatnonzero((s.char == ord("}")) & (s.depth_after == 2) & (s.at < stop))
        done = int(s.at[ends[-1]]) + 1 if len(ends) else 0
        if len(close):
            done = stop
        if done:
            _entries(carry[:done], s, done, marks, source, line)
            line += carry[:done].count(b"\n")
        if len(close):
            tail = carry[stop:]
            break
        carry = carry[done:]
        if len(carry) > MAX_ENTRY:
            fail(f"a CVR entry longer than {MAX_ENTRY >> 20} MB", source, line, "CVR")
        more = next(pending, None)
        if more is None:
            fail("the file ends inside the CVR list (truncated?)", source, line, "CVR")
        carry += more
    rest_tail = [tail] + list(pending)
    suffix = b"".join(rest_tail)
    if len(suffix) > MAX_ENTRY:
        fail("more than 64 MB after the CVR list", source, line)
    marks.skeleton = head + b"]" + suffix[1:]
    return marks


def _find_cvr_array(data: bytes, source: str, key: bytes = b'"CVR"') -> int | None:
    """Byte offset of the '[' that opens the top-level `key` list ("CVR"; Dominion's
    "Sessions"), once it has been read."""
    at = 0
    width = len(key)
    while True:
        at = data.find(key, at)
        if at < 0:
            return None
        after = data[at + width :].lstrip()
        if after[:1] == b":" and after[1:].lstrip()[:1] == b"[":
            buf = np.frombuffer(data[:at], dtype=np.uint8)
            s = _structure(buf, 0, source, 1)
            depth = int(s.depth_after[-1]) if len(s.at) else 0
            quotes = np.flatnonzero(buf == 34)
            if depth == 1 and len(quotes) % 2 == 0:
                colon = data.index(b":", at + width)
                return data.index(b"[", colon)
        elif not after[:1] and len(data) - at < 64:
            return None
        at += width


def _skeleton_only(data: bytes, source: str) -> None:
    """Locate JSON errors in a file without a CVR list (for a precise message)."""
    _json(data, source)


def _json(data: bytes, source: str) -> Any:
    def constant(name: str) -> None:
        fail(f"not JSON: {name} is not a JSON number", source)

    try:
        return json.loads(data.decode("utf-8"), parse_constant=constant)
    except UnicodeDecodeError as exc:
        fail(f"not UTF-8 text (byte {exc.start})", source, data[: exc.start].count(b"\n") + 1)
    except json.JSONDecodeError as exc:
        fail(f"not JSON: {exc.msg}", source, exc.lineno)
    except RecursionError:
        fail(f"not a cast vote record report: nested more than {MAX_DEPTH} levels deep",
             source)


def _entries(chunk: bytes, s: _Structure, done: int, marks: _Marks, source: str,
             line: int) -> None:
    """Read the complete CVR entries of `chunk` (objects at depth 3) into `marks`."""
    inside = s.at < done
    at, char, before = s.at[inside], s.char[inside], s.depth_before[inside]
    starts = at[(char == ord("{")) & (before == 2)]
    commas = at[(char == ord(",")) & (before == 2)]
    buf = np.frombuffer(chunk, dtype=np.uint8)
    nl = np.flatnonzero(buf == 10)
    lines = line + np.searchsorted(nl, starts)
    stray = (before == 2) & (char != ord("{")) & (char != ord(",")) & (char != ord("]"))
    if stray.any() or len(commas) < len(starts) - 1:
        where = int(at[np.flatnonzero(stray)[0]]) if stray.any() else int(starts[-1])
        fail("each CVR entry must be an object", source,
             line + int(np.searchsorted(nl, where)), "CVR")
    if not len(starts):
        return
    text = _SPACED[buf]
    text[commas] = 10
    try:
        table = pajson.read_json(
            pa.BufferReader(text.tobytes()),
            read_options=pajson.ReadOptions(block_size=_block_size(starts, commas, len(text))),
            parse_options=pajson.ParseOptions(explicit_schema=SCHEMA,
                                              unexpected_field_behavior="ignore"))
    except pa.ArrowInvalid as exc:
        _locate(text, commas, line, nl, marks.ballots, source, str(exc))
    if table.num_rows != len(starts):  # pragma: no cover (one row per entry)
        fail("unexpected CVR layout", source, line, "CVR")
    _flatten(table, marks, lines, source)


def _block_size(starts: np.ndarray, commas: np.ndarray, size: int) -> int:
    """pyarrow's JSON block: at least the longest entry, small enough to use both cores."""
    cuts = np.concatenate(([0], commas, [size]))
    return int(max(np.diff(cuts).max() + 1, min(size + 1, 1 << 20)))


def _locate(text: np.ndarray, commas: np.ndarray, line: int, nl: np.ndarray, first: int,
            source: str, message: str) -> NoReturn:
    """Find the entry pyarrow could not read (error path: one entry at a time)."""
    bounds = np.concatenate(([0], commas, [len(text)])).tolist()
    number = first
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        piece = text[a:b].tobytes().lstrip(b", \t\n")
        if not piece.strip():
            continue
        at = line + int(np.searchsorted(nl, b - len(piece)))
        where = f"CVR[{number}]"
        number += 1
        try:
            entry = json.loads(piece.decode("utf-8"), parse_constant=_refuse)
        except UnicodeDecodeError:
            fail("not UTF-8 text", source, at, where)
        except (ValueError, RecursionError) as exc:
            fail(f"not JSON: {exc}", source, at, where)
        problem = _check_entry(entry)
        if problem:
            fail(problem, source, at, where)
    fail(f"unreadable CVR entry: {message.splitlines()[0]}", source, line, "CVR")


def _refuse(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _check_entry(entry: Any) -> str | None:
    """Why pyarrow refused a CVR entry, in words (the fields read must have these types)."""
    if not isinstance(entry, dict):
        return "a CVR entry must be an object"
    for key in ("CurrentSnapshotId", "BallotStyleUnitId"):
        if key in entry and not isinstance(entry[key], str | None):
            return f"{key} must be a string"
    snapshots = entry.get("CVRSnapshot")
    if snapshots is not None and not isinstance(snapshots, list):
        return "CVRSnapshot must be a list"
    for snap in snapshots or []:
        if not isinstance(snap, dict):
            return "CVRSnapshot entries must be objects"
        if not isinstance(snap.get("@id"), str | None):
            return "CVRSnapshot @id must be a string"
        for contest in snap.get("CVRContest") or []:
            if not isinstance(contest, dict) or not isinstance(contest.get("ContestId"),
                                                               str | None):
                return "CVRContest entries must be objects with a string ContestId"
            for sel in contest.get("CVRContestSelection") or []:
                if not isinstance(sel, dict) or not isinstance(
                        sel.get("ContestSelectionId"), str | None):
                    return "CVRContestSelection entries need a string ContestSelectionId"
                for pos in sel.get("SelectionPosition") or []:
                    if not isinstance(pos, dict):
                        return "SelectionPosition entries must be objects"
                    rank = pos.get("Rank", 1)
                    if not isinstance(rank, int) or isinstance(rank, bool):
                        return f"rank must be a whole number from 1, not {rank!r}"
                    if not isinstance(pos.get("HasIndication", "yes"), str):
                        return "HasIndication must be a string"
    return None


def _codes(array: pa.Array, table: dict[str, int]) -> np.ndarray:
    """Global codes of strings (nulls: -1), one Python step per distinct string."""
    encoded = pc.dictionary_encode(array)
    lookup = np.array([table.setdefault(v, len(table)) for v in
                       encoded.dictionary.to_pylist()] + [-1], dtype=np.int32)
    indices = pc.fill_null(encoded.indices, len(lookup) - 1).to_numpy(zero_copy_only=False)
    return lookup[indices]


def _flatten(table: pa.Table, marks: _Marks, lines: np.ndarray, source: str) -> None:
    n = table.num_rows
    first = marks.ballots
    current = table.column("CurrentSnapshotId").combine_chunks()
    snaps = table.column("CVRSnapshot").combine_chunks()
    style = table.column("BallotStyleUnitId").combine_chunks()
    count = pc.fill_null(pc.list_value_length(snaps), 0).to_numpy(zero_copy_only=False)
    empty = np.flatnonzero(count == 0)
    if len(empty):
        fail("cast vote record without a snapshot", source, int(lines[empty[0]]),
             f"CVR[{first + int(empty[0])}]")
    snap_of = pc.list_parent_indices(snaps).to_numpy(zero_copy_only=False)
    snap = pc.list_flatten(snaps)
    same = pc.fill_null(pc.equal(snap.field("@id"), current.take(pa.array(snap_of))), False)
    same = same.to_numpy(zero_copy_only=False)
    chosen = np.cumsum(count) - 1  # the last snapshot, unless one is the current one
    hit = np.flatnonzero(same)
    if len(hit):
        owners, at = np.unique(snap_of[hit], return_index=True)
        chosen[owners] = hit[at]
    is_chosen = np.zeros(len(snap_of), dtype=bool)
    is_chosen[chosen] = True

    contests = snap.field("CVRContest")
    contest_of = pc.list_parent_indices(contests).to_numpy(zero_copy_only=False)
    contest = pc.list_flatten(contests)
    contest_code = _codes(contest.field("ContestId"), marks.contests)
    sels = contest.field("CVRContestSelection")
    sel_of = pc.list_parent_indices(sels).to_numpy(zero_copy_only=False)
    sel = pc.list_flatten(sels)
    sel_code = _codes(sel.field("ContestSelectionId"), marks.selections)
    positions = sel.field("SelectionPosition")
    pos_of = pc.list_parent_indices(positions).to_numpy(zero_copy_only=False)
    pos = pc.list_flatten(positions)
    rank = pc.fill_null(pos.field("Rank"), 1).to_numpy(zero_copy_only=False)
    shown = pc.fill_null(pc.not_equal(pc.utf8_lower(pos.field("HasIndication")), "no"),
                         True).to_numpy(zero_copy_only=False)

    sel_snapshot = contest_of[sel_of]
    sel_keep = is_chosen[sel_snapshot]
    sel_ballot = snap_of[sel_snapshot]
    mark_sel = pos_of
    keep = shown & sel_keep[mark_sel]
    mark_ballot = sel_ballot[mark_sel][keep]
    mark_rank = rank[keep]
    bad = np.flatnonzero((mark_rank < 1) | (mark_rank > MAX_RANKS))
    if len(bad):
        b = int(mark_ballot[bad[0]])
        fail(f"rank must be a whole number from 1 to {MAX_RANKS}, not {mark_rank[bad[0]]}",
             source, int(lines[b]), f"CVR[{first + b}].SelectionPosition.Rank")
    marks.ballot.append((mark_ballot + first).astype(np.int64))
    marks.rank.append(mark_rank.astype(np.int32))
    marks.selection.append(sel_code[mark_sel][keep])
    marks.contest.append(contest_code[sel_of][mark_sel][keep])
    marks.sel_ballot.append((sel_ballot[sel_keep] + first).astype(np.int64))
    marks.sel_code.append(sel_code[sel_keep])
    marks.sel_contest.append(contest_code[sel_of][sel_keep])
    marks.lines.append(lines.astype(np.int64))
    marks.precinct.append(_codes(style, marks.precincts))
    marks.ballots += n


# --- from marks to a profile ---------------------------------------------------------------


def _finish(marks: _Marks, source: str, contest: str | None,
            candidates: Sequence[str] | None, report: dict[str, Any] | None = None
            ) -> BallotFile:
    profile, _, contest_id, contest_name = _profile(marks, source, contest, candidates, False,
                                                    report)
    if report is None:
        report = _json(marks.skeleton, source)
    _, _, selections = _contest(report, contest, source)
    write_in = any(w for sid, (_, w) in selections.items() if not sid.startswith("\x00"))
    return BallotFile(profile, source, title=contest_name, metadata={
        "contest_id": contest_id, "write_in_line": "yes" if write_in else "no"})


def _by_precinct(marks: _Marks, whole: BallotFile, source: str, contest: str | None,
                 candidates: Sequence[str] | None, report: dict[str, Any] | None = None
                 ) -> dict[str, Profile]:
    tagged, names, _, _ = _profile(marks, source, contest, candidates, True, report)
    codes = {code: name for name, code in marks.precincts.items()}
    out: dict[str, Profile] = {}
    first = tagged.rankings[:, 0]
    for code in np.unique(first).tolist():
        pick = first == code
        out[codes.get(code, "")] = Profile(whole.profile.candidates,
                                           tagged.rankings[pick, 1:], tagged.counts[pick],
                                           tagged.overvote_sets)
    return out


def _profile(marks: _Marks, source: str, wanted: str | None,
             candidates: Sequence[str] | None, tag_precinct: bool,
             report: dict[str, Any] | None = None) -> tuple[Profile, list[str], str, str]:
    """The contest's profile; with `tag_precinct`, each row starts with its precinct code.

    `report`: the election part of the report (read from `marks.skeleton` when not given)."""
    if report is None:
        report = _json(marks.skeleton, source)
    if not isinstance(report, dict) or not isinstance(report.get("CVR"), list):
        fail("not a NIST CDF cast vote record report (no 'CVR' list)", source, 1, "CVR")
    contest_id, contest_name, selections = _contest(report, wanted, source)
    names = list(candidates) if candidates is not None else []
    index = {name: i for i, name in enumerate(names)}
    code_of: dict[str, int] = {}
    for sid, (name, write_in) in selections.items():
        if write_in:
            code_of[sid] = WRITE_IN
        elif name in index:
            code_of[sid] = index[name]
        elif candidates is not None:
            fail(f"unknown candidate {name!r}", source, None, f"ContestSelection {sid}")
        else:
            code_of[sid] = index[name] = len(names)
            names.append(name)
    unknown = -100
    lookup = np.full(len(marks.selections) + 1, unknown, dtype=np.int32)
    for sid, code in marks.selections.items():
        lookup[code] = code_of.get(sid, unknown)
    target = marks.contests.get(contest_id, -2)
    lines = np.concatenate(marks.lines) if marks.lines else np.empty(0, np.int64)

    sel_ballot = _cat(marks.sel_ballot, np.int64)
    sel_code = _cat(marks.sel_code, np.int32)
    in_contest = _cat(marks.sel_contest, np.int32) == target
    bad = np.flatnonzero(in_contest & (lookup[sel_code] == unknown))
    if len(bad):
        ballot = int(sel_ballot[bad[0]])
        missing = next((k for k, v in marks.selections.items() if v == sel_code[bad[0]]), None)
        fail(f"unknown contest selection {missing!r}", source, int(lines[ballot]),
             f"CVR[{ballot}]")
    keep = _cat(marks.contest, np.int32) == target
    ballot = _cat(marks.ballot, np.int64)[keep]
    rank = _cat(marks.rank, np.int32)[keep]
    code = lookup[_cat(marks.selection, np.int32)[keep]]
    g_ballot, g_rank, value, partials = marked_ranks(ballot, rank, code)
    precinct = _cat(marks.precinct, np.int32)
    shift = 1 if tag_precinct else 0
    for lo in range(0, marks.ballots, ROWS):
        hi = min(lo + ROWS, marks.ballots)
        a, b = np.searchsorted(g_ballot, [lo, hi])
        width = int(g_rank[a:b].max()) if b > a else 1
        rows = np.full((hi - lo, width + shift), EMPTY, dtype=np.int32)
        rows[g_ballot[a:b] - lo, g_rank[a:b] - 1 + shift] = value[a:b]
        if tag_precinct:
            rows[:, 0] = precinct[lo:hi]
        partials.add(rows, np.ones(hi - lo, dtype=np.int64))
    return partials.profile(names), names, contest_id, contest_name


def _cat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    return np.concatenate(parts).astype(dtype) if parts else np.empty(0, dtype=dtype)


def _contest(
    report: dict[str, Any], wanted: str | None, source: str
) -> tuple[str, str, dict[str, tuple[str, bool]]]:
    candidate_names: dict[str, str] = {}
    contests: list[dict[str, Any]] = []
    for election in report.get("Election") or []:
        if not isinstance(election, dict):
            fail("Election entries must be objects", source, None, "Election")
        for candidate in election.get("Candidate") or []:
            if isinstance(candidate, dict):
                candidate_names[str(candidate.get("@id", ""))] = str(candidate.get("Name", ""))
        contests.extend(c for c in election.get("Contest") or [] if isinstance(c, dict))
    if wanted is not None:
        contests = [c for c in contests if wanted in (c.get("@id"), c.get("Name"))]
        if not contests:
            fail(f"no contest {wanted!r} in this report", source, None, "Election.Contest")
    if len(contests) != 1:
        names = ", ".join(repr(c.get("Name") or c.get("@id")) for c in contests)
        fail(f"the report holds {len(contests)} contests ({names}): say which one",
             source, None, "Election.Contest")
    chosen = contests[0]
    selections: dict[str, tuple[str, bool]] = {}
    for selection in chosen.get("ContestSelection") or []:
        if not isinstance(selection, dict):
            continue
        ids = selection.get("CandidateIds") or []
        name = candidate_names.get(ids[0], ids[0]) if ids else selection.get("@id", "")
        write_in = bool(selection.get("IsWriteIn")) or not ids
        selections[str(selection.get("@id", ""))] = (str(name), write_in)
    return (str(chosen.get("@id", "")), str(chosen.get("Name") or chosen.get("@id", "")),
            selections)
