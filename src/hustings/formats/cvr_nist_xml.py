"""NIST SP 1500-103 cast vote records, XML form (as Unisyn and RCTab's CDF examples write them).

The same content as the JSON form (`cvr_nist`): `Election/Candidate`, `Contest/
ContestSelection` (`ObjectId` attributes, `CandidateIds`, `IsWriteIn`), and `CVR` elements with
their current `CVRSnapshot`, whose `CVRContest/CVRContestSelection/SelectionPosition` give
`Rank` and `HasIndication`. Namespace prefixes (`cdf:`) are ignored. A selection position with
a `CVRWriteIn` and no `ContestSelectionId` is an undeclared write-in.

Reading is vectorised: the document is cut after every `>` into one string array without
copying; pyarrow's regex splits each piece into text, tag and attributes in one pass, and the
`CVR` elements' marks are gathered with numpy by counting the elements open at each tag. Only
the tags outside the `CVR` elements (the election: candidates and contests) are walked in
Python. The file is read whole; comments are skipped, CDATA and DTDs are refused.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from hustings.counting.profile import Profile
from hustings.formats.cvr_common import BallotFile, fail
from hustings.formats.cvr_lines import MAX_RANKS
from hustings.formats.cvr_nist import _by_precinct, _finish, _Marks

_TAG = (r"^(?P<text>[^<]*)<(?P<close>/?)(?P<name>[A-Za-z_][\w.:-]*)(?P<attrs>[^>]*?)"
        r"(?P<empty>/?)>$")
_WRITE_IN = "\x00write-in"  # the selection id of a write-in without a ContestSelectionId


def read_nist_xml_cvr(
    path: Path | str, contest: str | None = None, candidates: Sequence[str] | None = None
) -> BallotFile:
    """Read a NIST SP 1500-103 XML CVR report (one contest: `contest` id or name)."""
    path = Path(path)
    return parse_nist_xml_cvr(path.read_bytes(), str(path), contest, candidates)


def parse_nist_xml_cvr(
    data: bytes | str, source: str = "<nist-xml>", contest: str | None = None,
    candidates: Sequence[str] | None = None,
) -> BallotFile:
    marks, report = _read(data.encode("utf-8") if isinstance(data, str) else data, source)
    return _finish(marks, source, contest, candidates, report)


def read_nist_xml_cvr_by_precinct(
    path: Path | str, contest: str | None = None, candidates: Sequence[str] | None = None
) -> tuple[BallotFile, dict[str, Profile]]:
    """As cvr_nist.read_nist_cvr_by_precinct, for the XML form (`BallotStyleUnitId`)."""
    path = Path(path)
    marks, report = _read(path.read_bytes(), str(path))
    whole = _finish(marks, str(path), contest, candidates, report)
    return whole, _by_precinct(marks, whole, str(path), contest, candidates, report)


class _Tags:
    """The document's tags as arrays: local name, opening/closing, text before, attributes."""

    def __init__(self, data: bytes, source: str):
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        for marker, what in ((b"<![CDATA[", "CDATA sections"), (b"<!DOCTYPE", "a DTD")):
            at = data.find(marker)
            if at >= 0:
                fail(f"{what} not supported in a CVR report", source,
                     data[:at].count(b"\n") + 1)
        raw = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(raw == ord(">")) + 1
        if len(ends) == 0 or ends[-1] != len(raw):
            ends = np.append(ends, len(raw))
        if len(raw) >= 2**31:
            fail("an XML report larger than 2 GB", source)
        offsets = np.concatenate(([0], ends)).astype(np.int32)
        pieces = pa.StringArray.from_buffers(len(ends), pa.py_buffer(offsets),
                                             pa.py_buffer(data))
        try:
            pieces.validate(full=True)
        except pa.ArrowInvalid:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as exc:
                fail(f"not UTF-8 text (byte {exc.start})", source,
                     data[: exc.start].count(b"\n") + 1)
            raise  # pragma: no cover
        newlines = np.flatnonzero(raw == 10)
        self.line = 1 + np.searchsorted(newlines, offsets[1:] - 1)  # the line of each `>`
        parts = pc.extract_regex(pieces, _TAG)
        valid = parts.is_valid().to_numpy(zero_copy_only=False)
        stripped = pc.utf8_trim_whitespace(pieces)
        ignorable = (pc.starts_with(stripped, "<!--").to_numpy(zero_copy_only=False)
                     | pc.starts_with(stripped, "<?").to_numpy(zero_copy_only=False)
                     | pc.equal(stripped, "").to_numpy(zero_copy_only=False))
        inside_comment = self._comments(stripped)
        bad = np.flatnonzero(~valid & ~ignorable & ~inside_comment)
        if len(bad) and bad[0] == len(ends) - 1 and not data.rstrip().endswith(b">"):
            fail("the file ends inside a tag (truncated?)", source, int(self.line[bad[0]]))
        if len(bad):
            fail(f"not XML: {pieces[int(bad[0])].as_py().strip()[:60]!r}", source,
                 int(self.line[bad[0]]))
        keep = valid & ~inside_comment
        self.index = np.flatnonzero(keep)
        parts = parts.filter(pa.array(keep))
        self.line = self.line[keep]
        self.text = parts.field("text")
        self.attrs = parts.field("attrs")
        local = pc.replace_substring_regex(parts.field("name"), r"^.*:", "")
        encoded = pc.dictionary_encode(local)
        self.names = encoded.dictionary.to_pylist()
        self.name = encoded.indices.to_numpy(zero_copy_only=False)
        closing = pc.equal(parts.field("close"), "/").to_numpy(zero_copy_only=False)
        empty = pc.equal(parts.field("empty"), "/").to_numpy(zero_copy_only=False)
        self.opens = ~closing & ~empty
        self.closes = closing
        depth = np.cumsum(self.opens.astype(np.int64) - self.closes)
        if len(depth) and (depth.min() < 0 or depth[-1] != 0):
            at = int(np.argmax(depth < 0)) if depth.min() < 0 else len(depth) - 1
            fail("not XML: the elements do not close as they open (truncated?)", source,
                 int(self.line[at]))
        self.depth = depth

    @staticmethod
    def _comments(stripped: pa.Array) -> np.ndarray:
        """Pieces inside a comment that holds '>' (`<!-- a > b -->`): not tags."""
        starts = pc.starts_with(stripped, "<!--").to_numpy(zero_copy_only=False)
        ends = pc.ends_with(stripped, "-->").to_numpy(zero_copy_only=False)
        opened = starts & ~ends
        if not opened.any():
            return np.zeros(len(starts), dtype=bool)
        inside = np.zeros(len(starts), dtype=bool)
        for i in np.flatnonzero(opened).tolist():  # rare: comments with '>' in them
            j = i
            while j < len(ends) and not (ends[j] and j > i):
                inside[j] = True
                j += 1
            if j < len(ends):
                inside[j] = True
        return inside

    def kind(self, name: str) -> np.ndarray:
        """Bool per tag: this element's name."""
        if name not in self.names:
            return np.zeros(len(self.name), dtype=bool)
        return self.name == self.names.index(name)

    def counter(self, name: str) -> np.ndarray:
        """Per tag, the index of the latest `name` element opened at or before it."""
        return np.cumsum(self.kind(name) & self.opens) - 1

    def texts(self, mask: np.ndarray) -> list[str]:
        return [html.unescape(t).strip() for t in
                self.text.filter(pa.array(mask)).to_pylist()]


def _read(data: bytes, source: str) -> tuple[_Marks, dict[str, Any]]:
    tags = _Tags(data, source)
    if "CastVoteRecordReport" not in tags.names:
        fail("not a NIST CDF cast vote record report (no CastVoteRecordReport element)",
             source, 1)
    opens, closes = tags.opens, tags.closes
    is_cvr = tags.kind("CVR")
    cvr_open = is_cvr & opens
    in_cvr = ((np.cumsum(cvr_open) - np.cumsum(is_cvr & closes)) > 0) | (is_cvr & closes)
    cvr = tags.counter("CVR")
    n = int(cvr_open.sum())
    marks = _Marks(ballots=n)
    lines = tags.line[cvr_open].astype(np.int64)
    marks.lines.append(lines)
    snapshots: dict[str, int] = {}

    def codes(values: pa.Array, table: dict[str, int]) -> np.ndarray:
        """Codes of strings in `table` (one Python step per distinct string; null: -1)."""
        encoded = pc.dictionary_encode(pc.utf8_trim_whitespace(values))
        lookup = np.array([table.setdefault(html.unescape(v), len(table)) for v in
                           encoded.dictionary.to_pylist()] + [-1], dtype=np.int64)
        return lookup[pc.fill_null(encoded.indices, len(lookup) - 1).to_numpy(
            zero_copy_only=False)]

    def child(element: str, name: str, size: int) -> tuple[np.ndarray, pa.Array]:
        """(owner `element` index, text) of each `name` element inside one."""
        owner = tags.counter(element)
        hit = tags.kind(name) & closes & in_cvr & (owner >= 0)
        return owner[hit], tags.text.filter(pa.array(hit))

    def per(element: str, name: str, size: int, table: dict[str, int]) -> np.ndarray:
        owner, text = child(element, name, size)
        out = np.full(size, -1, dtype=np.int64)
        out[owner] = codes(text, table)
        return out

    current = per("CVR", "CurrentSnapshotId", n, snapshots)
    marks.precinct.append(per("CVR", "BallotStyleUnitId", n, marks.precincts).astype(np.int32))
    snap_open = tags.kind("CVRSnapshot") & opens & in_cvr
    snap_cvr = cvr[snap_open]
    snap_id = codes(pc.extract_regex(tags.attrs.filter(pa.array(snap_open)),
                                     r"ObjectId\s*=\s*[\"'](?P<id>[^\"']*)").field("id"),
                    snapshots)
    contest_open = tags.kind("CVRContest") & opens & in_cvr
    contest_snap = tags.counter("CVRSnapshot")[contest_open]
    contest_code = per("CVRContest", "ContestId", int(contest_open.sum()), marks.contests)
    sel_open = tags.kind("CVRContestSelection") & opens & in_cvr
    sel_contest = tags.counter("CVRContest")[sel_open]
    sel_code = per("CVRContestSelection", "ContestSelectionId", int(sel_open.sum()),
                   marks.selections)
    pos_open = tags.kind("SelectionPosition") & opens & in_cvr
    pos_sel = tags.counter("CVRContestSelection")[pos_open]
    n_pos = int(pos_open.sum())
    for owners in (snap_cvr, contest_snap, sel_contest, pos_sel):
        if len(owners) and owners.min() < 0:
            fail("CVR elements out of order (a contest outside a snapshot, ...)", source)
    written = tags.counter("SelectionPosition")[tags.kind("CVRWriteIn") & opens & in_cvr]
    if len(written):  # a write-in without a ContestSelectionId: an undeclared write-in
        blank = pos_sel[written]
        blank = blank[sel_code[blank] < 0]
        sel_code[blank] = marks.selections.setdefault(_WRITE_IN, len(marks.selections))

    owner, text = child("SelectionPosition", "Rank", n_pos)
    text = pc.utf8_trim_whitespace(text)
    rank = np.ones(n_pos, dtype=np.int64)
    if len(owner):
        good = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]{1,9}$"), False).to_numpy(
            zero_copy_only=False)
        values = np.zeros(len(owner), dtype=np.int64)
        values[good] = pc.cast(text.filter(pa.array(good)), pa.int64()).to_numpy(
            zero_copy_only=False)
        wrong = np.flatnonzero(~good | (values < 1) | (values > MAX_RANKS))
        if len(wrong):
            pos = int(owner[wrong[0]])
            ballot = int(snap_cvr[contest_snap[sel_contest[pos_sel[pos]]]])
            fail(f"rank must be a whole number from 1 to {MAX_RANKS}, not "
                 f"{text[int(wrong[0])].as_py()!r}", source, int(lines[ballot]),
                 f"CVR[{ballot}].SelectionPosition.Rank")
        rank[owner] = values
    owner, text = child("SelectionPosition", "HasIndication", n_pos)
    shown = np.ones(n_pos, dtype=bool)
    shown[owner] = pc.not_equal(pc.utf8_lower(pc.utf8_trim_whitespace(text)), "no").to_numpy(
        zero_copy_only=False)

    # each CVR's current snapshot (else its last), as in the JSON form
    if n and (len(snap_cvr) == 0 or len(np.unique(snap_cvr)) < n):
        have = np.zeros(n, dtype=bool)
        have[snap_cvr] = True
        b = int(np.flatnonzero(~have)[0])
        fail("cast vote record without a snapshot", source, int(lines[b]), f"CVR[{b}]")
    last = np.flatnonzero(np.append(snap_cvr[1:] != snap_cvr[:-1], True)) if len(
        snap_cvr) else np.empty(0, dtype=np.int64)
    chosen = np.empty(n, dtype=np.int64)
    chosen[snap_cvr[last]] = last
    hit = np.flatnonzero((snap_id >= 0) & (snap_id == current[snap_cvr]))
    if len(hit):
        owners, first = np.unique(snap_cvr[hit], return_index=True)
        chosen[owners] = hit[first]
    is_chosen = np.zeros(len(snap_cvr), dtype=bool)
    is_chosen[chosen] = True

    sel_snap = contest_snap[sel_contest]
    sel_keep = is_chosen[sel_snap]
    sel_ballot = snap_cvr[sel_snap]
    keep = shown & sel_keep[pos_sel]
    marks.ballot.append(sel_ballot[pos_sel][keep].astype(np.int64))
    marks.rank.append(rank[keep].astype(np.int32))
    marks.selection.append(sel_code[pos_sel][keep].astype(np.int32))
    marks.contest.append(contest_code[sel_contest][pos_sel][keep].astype(np.int32))
    marks.sel_ballot.append(sel_ballot[sel_keep].astype(np.int64))
    marks.sel_code.append(sel_code[sel_keep].astype(np.int32))
    marks.sel_contest.append(contest_code[sel_contest][sel_keep].astype(np.int32))
    return marks, _election(tags, ~in_cvr)


def _attr(attrs: str | None, name: str) -> str | None:
    text = attrs or ""
    key = f"{name}="
    at = text.find(key)
    if at < 0:
        return None
    quote = text[at + len(key) : at + len(key) + 1]
    end = text.find(quote, at + len(key) + 1)
    return html.unescape(text[at + len(key) + 1 : end]) if quote in "\"'" and end > 0 else None


def _election(tags: _Tags, outside: np.ndarray) -> dict[str, Any]:
    """Candidates and contests, walking the tags outside the CVRs (a few hundred)."""
    candidates: list[dict[str, Any]] = []
    contests: list[dict[str, Any]] = []
    stack: list[tuple[str, dict[str, Any] | None]] = []
    texts = tags.text.to_pylist()
    attrs = tags.attrs.to_pylist()
    for i in np.flatnonzero(outside).tolist():
        name = tags.names[tags.name[i]]
        if tags.opens[i]:
            item: dict[str, Any] | None = None
            if name == "Candidate":
                item = {"@id": _attr(attrs[i], "ObjectId") or "", "Name": ""}
                candidates.append(item)
            elif name == "Contest":
                item = {"@id": _attr(attrs[i], "ObjectId") or "", "ContestSelection": []}
                contests.append(item)
            elif name == "ContestSelection" and stack and stack[-1][0] == "Contest":
                parent = stack[-1][1]
                item = {"@id": _attr(attrs[i], "ObjectId") or "", "CandidateIds": []}
                if parent is not None:
                    parent["ContestSelection"].append(item)
            stack.append((name, item))
        elif tags.closes[i]:
            text = html.unescape(texts[i] or "").strip()
            owner = stack[-2][1] if len(stack) >= 2 else None
            if stack:
                stack.pop()
            if owner is None:
                continue
            if name == "Name" and ("Name" in owner or "ContestSelection" in owner):
                owner["Name"] = " ".join(text.split())  # a token: whitespace collapsed
            elif name == "CandidateIds" and "CandidateIds" in owner:
                owner["CandidateIds"].extend(text.split())
            elif name == "IsWriteIn" and "CandidateIds" in owner:
                owner["IsWriteIn"] = text.lower() == "true"
    for contest in contests:
        contest["ContestSelection"].append({"@id": _WRITE_IN, "IsWriteIn": True,
                                            "CandidateIds": []})
    return {"Election": [{"Candidate": candidates, "Contest": contests}], "CVR": []}
