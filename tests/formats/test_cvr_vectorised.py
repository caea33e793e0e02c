"""The vectorised readers against what was written: random elections in every format.

Each file is read with tiny blocks too, so that block boundaries fall inside lines and CVR
entries; the profile must not depend on where the blocks end. Then fuzzing: whatever the bytes,
a reader returns a profile or raises InvalidInput located in the file, never anything else.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hustings.counting.profile import EMPTY, Profile
from hustings.domain.errors import InvalidInput
from hustings.formats import cvr_csv, cvr_lines, cvr_nist
from hustings.formats.cvr_abif import parse_abif
from hustings.formats.cvr_blt import parse_blt
from hustings.formats.cvr_csv import parse_csv_cvr
from hustings.formats.cvr_nist import parse_nist_cvr
from hustings.formats.cvr_nist_xml import parse_nist_xml_cvr
from hustings.formats.cvr_preflib import parse_preflib

Cell = int | tuple[int, ...]


def as_dict(profile: Profile) -> dict[tuple[object, ...], int]:
    """Each unique ranking by names (overvote sets as frozensets, trailing blanks dropped)."""
    out: dict[tuple[object, ...], int] = {}
    for row, count in zip(profile.rankings.tolist(), profile.counts.tolist(), strict=True):
        cells: list[object] = []
        for code in row:
            if code >= 0:
                cells.append(profile.candidates[code])
            elif code <= -10:
                cells.append(frozenset(profile.candidates[c]
                                       for c in profile.overvote_sets[-10 - code]))
            else:
                cells.append(code)
        while cells and cells[-1] == EMPTY:
            cells.pop()
        out[tuple(cells)] = out.get(tuple(cells), 0) + count
    return out


@contextmanager
def tiny_blocks(size: int) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cvr_lines, "BLOCK", size)
        patch.setattr(cvr_nist, "BLOCK", size)
        patch.setattr(cvr_csv, "BLOCK", max(size, 64))
        yield


@st.composite
def elections(draw: st.DrawFn, ties: bool = True, skips: bool = False,
              max_weight: int = 5) -> tuple[list[str], list[list[Cell]], list[int]]:
    n = draw(st.integers(1, 6))
    names = [f"C{i}" for i in range(n)]
    ballots: list[list[Cell]] = []
    for _ in range(draw(st.integers(0, 25))):
        order = draw(st.permutations(range(n)))
        length = draw(st.integers(0, n))
        cells: list[Cell] = []
        i = 0
        while i < length:
            if ties and i + 1 < length and draw(st.integers(0, 5)) == 0:
                cells.append(tuple(sorted(order[i : i + 2])))
                i += 2
            else:
                room = len(cells) + length - i < n
                if skips and cells and room and draw(st.integers(0, 6)) == 0:
                    cells.append(EMPTY)
                cells.append(order[i])
                i += 1
        ballots.append(cells)
    counts = [draw(st.integers(1, max_weight)) for _ in ballots]
    return names, ballots, counts


def expected(names: list[str], ballots: list[list[Cell]], counts: list[int]) -> dict[
        tuple[object, ...], int]:
    return as_dict(Profile.from_ballots(names, ballots, counts, max_ranks=max(
        [len(b) for b in ballots] + [1])))


def blt_text(names: list[str], ballots: list[list[Cell]], counts: list[int]) -> str:
    def cell(c: Cell) -> str:
        if isinstance(c, tuple):
            return "=".join(str(x + 1) for x in c)
        return "-" if c == EMPTY else str(c + 1)

    lines = [f"{len(names)} 1"]
    lines += [" ".join([str(w), *(cell(c) for c in b), "0"]) for b, w in
              zip(ballots, counts, strict=True)]
    return "\n".join([*lines, "0", *(f'"{n}"' for n in names), '"T"']) + "\n"


def abif_text(names: list[str], ballots: list[list[Cell]], counts: list[int]) -> str:
    def cell(c: Cell) -> str:
        return "=".join(names[x] for x in c) if isinstance(c, tuple) else names[c]

    lines = [f"={n}:[{n}]" for n in names]
    lines += [f"{w}:" + ">".join(cell(c) for c in b) for b, w in zip(ballots, counts,
                                                                        strict=True)]
    return "\n".join(lines) + "\n"


def preflib_text(names: list[str], ballots: list[list[Cell]], counts: list[int]) -> str:
    merged: dict[tuple[object, ...], int] = {}
    for b, w in zip(ballots, counts, strict=True):
        key = tuple(tuple(sorted(c)) if isinstance(c, tuple) else c for c in b)
        merged[key] = merged.get(key, 0) + w

    def cell(c: object) -> str:
        if isinstance(c, tuple):
            return "{" + ",".join(str(x + 1) for x in c) + "}"
        return str(int(c) + 1)  # type: ignore[call-overload]

    lines = [f"# NUMBER ALTERNATIVES: {len(names)}"]
    lines += [f"# ALTERNATIVE NAME {i + 1}: {n}" for i, n in enumerate(names)]
    lines += [f"{w}: " + ",".join(cell(c) for c in key) for key, w in merged.items()]
    return "\n".join(lines) + "\n"


def csv_text(names: list[str], ballots: list[list[Cell]], counts: list[int]) -> str:
    width = max([len(b) for b in ballots] + [1])
    lines = ["Precinct," + ",".join(f"rank{i + 1}" for i in range(width)) + ",weight"]
    for b, w in zip(ballots, counts, strict=True):
        cells = ["overvote" if isinstance(c, tuple) else names[c] for c in b]
        lines.append("P1," + ",".join(cells + [""] * (width - len(cells))) + f",{w}")
    return "\n".join(lines) + "\n"


def nist_text(names: list[str], ballots: list[list[Cell]], counts: list[int]) -> str:
    entries = []
    for b, w in zip(ballots, counts, strict=True):
        marks = [{"ContestSelectionId": f"s{x}", "SelectionPosition": [{"Rank": r + 1}]}
                 for r, c in enumerate(b) for x in (c if isinstance(c, tuple) else (c,))]
        entry = {"CurrentSnapshotId": "now", "BallotStyleUnitId": f"p{w % 2}", "CVRSnapshot": [
            {"@id": "old", "CVRContest": []},
            {"@id": "now", "CVRContest": [{"ContestId": "k", "CVRContestSelection": marks}]}]}
        entries += [json.dumps(entry, indent=1)] * w
    report = {"Election": [{"Candidate": [{"@id": f"c{i}", "Name": n}
                                          for i, n in enumerate(names)],
                            "Contest": [{"@id": "k", "ContestSelection": [
                                {"@id": f"s{i}", "CandidateIds": [f"c{i}"]}
                                for i in range(len(names))]}]}]}
    head = json.dumps(report)[:-1]
    return head + ', "CVR": [\n' + ",\n".join(entries) + "\n]}\n"


def xml_text(names: list[str], ballots: list[list[Cell]], counts: list[int]) -> str:
    cvrs = []
    for b, w in zip(ballots, counts, strict=True):
        marks = "".join(
            f"<cdf:CVRContestSelection><cdf:ContestSelectionId>s{x}</cdf:ContestSelectionId>"
            f"<cdf:SelectionPosition><cdf:HasIndication>yes</cdf:HasIndication>"
            f"<cdf:Rank>{r + 1}</cdf:Rank></cdf:SelectionPosition></cdf:CVRContestSelection>\n"
            for r, c in enumerate(b) for x in (c if isinstance(c, tuple) else (c,)))
        cvr = (f"<cdf:CVR><cdf:BallotStyleUnitId>p{w % 2}</cdf:BallotStyleUnitId>"
               "<cdf:CurrentSnapshotId>now</cdf:CurrentSnapshotId>"
               '<cdf:CVRSnapshot ObjectId="old"><!-- an earlier > snapshot --></cdf:CVRSnapshot>'
               '<cdf:CVRSnapshot ObjectId="now"><cdf:CVRContest><cdf:ContestId>k</cdf:ContestId>\n'
               f"{marks}</cdf:CVRContest></cdf:CVRSnapshot></cdf:CVR>\n")
        cvrs += [cvr] * w
    people = "".join(f'<cdf:Candidate ObjectId="c{i}"><cdf:Name>{n}</cdf:Name></cdf:Candidate>'
                     for i, n in enumerate(names))
    options = "".join(f'<cdf:ContestSelection ObjectId="s{i}"><cdf:CandidateIds>c{i}'
                      "</cdf:CandidateIds></cdf:ContestSelection>" for i in range(len(names)))
    return ('<?xml version="1.0"?>\n<cdf:CastVoteRecordReport xmlns:cdf="x">\n'
            + "".join(cvrs) + f'<cdf:Election ObjectId="e">{people}'
            f'<cdf:Contest ObjectId="k">{options}<cdf:Name>Chair</cdf:Name></cdf:Contest>'
            "</cdf:Election></cdf:CastVoteRecordReport>\n")


def csv_expected(names: list[str], ballots: list[list[Cell]], counts: list[int]) -> dict[
        tuple[object, ...], int]:
    """A tie is written as the overvote token (the CSV cannot name the candidates)."""
    rows = [[-2 if isinstance(c, tuple) else c for c in b] for b in ballots]
    return expected(names, rows, counts)  # type: ignore[arg-type]


FORMATS: dict[str, tuple[Callable[..., str], Callable[..., object], bool]] = {
    "blt": (blt_text, lambda t: parse_blt(t, "r.blt"), True),
    "abif": (abif_text, lambda t: parse_abif(t, "r.abif"), False),
    "preflib": (preflib_text, lambda t: parse_preflib(t, "r.soi"), False),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_line_formats_read_what_was_written(fmt: str, data: st.DataObject) -> None:
    write, read, skips = FORMATS[fmt]
    names, ballots, counts = data.draw(elections(skips=skips))
    text = write(names, ballots, counts)
    want = expected(names, ballots, counts)
    assert as_dict(read(text).profile) == want  # type: ignore[attr-defined]
    with tiny_blocks(data.draw(st.integers(1, 40))):
        assert as_dict(read(text).profile) == want  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_csv_reads_what_was_written(data: st.DataObject) -> None:
    names, ballots, counts = data.draw(elections())
    text = csv_text(names, ballots, counts)
    got = as_dict(parse_csv_cvr(text).profile)
    assert got == csv_expected(names, ballots, counts)
    with tiny_blocks(64):
        assert as_dict(parse_csv_cvr(text).profile) == got


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_nist_reads_what_was_written(data: st.DataObject) -> None:
    names, ballots, counts = data.draw(elections(max_weight=2))
    text = nist_text(names, ballots, counts)
    want = expected(names, ballots, counts)
    assert as_dict(parse_nist_cvr(text, "r.json").profile) == want
    with tiny_blocks(data.draw(st.integers(1, 200))):
        assert as_dict(parse_nist_cvr(text, "r.json").profile) == want


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_nist_xml_reads_what_was_written(data: st.DataObject) -> None:
    names, ballots, counts = data.draw(elections(max_weight=2))
    got = parse_nist_xml_cvr(xml_text(names, ballots, counts), "r.xml")
    assert as_dict(got.profile) == expected(names, ballots, counts)
    assert got.title == "Chair"


def test_big_weights_are_exact() -> None:
    big = 2**52 + 1  # not a float-exact sum with the others if counted in doubles
    text = f"2 1\n{big} 1 0\n1 2 0\n1 1 0\n0\n\"A\" \"B\"\n"
    profile = parse_blt(text).profile
    assert as_dict(profile) == {("A",): big + 1, ("B",): 1}
    assert profile.total == big + 2


def test_nist_by_precinct_adds_up(tmp_path: object) -> None:
    from pathlib import Path

    from hustings.formats.cvr_nist import read_nist_cvr_by_precinct

    names = ["A", "B", "C"]
    ballots: list[list[Cell]] = [[0, 1], [1], [2, 0], [0, 1], []]
    counts = [1, 2, 1, 2, 1]
    path = Path(str(tmp_path)) / "p.json"
    path.write_text(nist_text(names, ballots, counts))
    whole, parts = read_nist_cvr_by_precinct(path)
    assert sorted(parts) == ["p0", "p1"]
    assert as_dict(parts["p0"]) == {("A", "B"): 2, ("B",): 2}
    assert as_dict(parts["p1"]) == {("A", "B"): 1, ("C", "A"): 1, (): 1}
    assert all(p.candidates == whole.profile.candidates for p in parts.values())
    assert sum(p.total for p in parts.values()) == whole.profile.total == 7


def test_csv_by_precinct_adds_up(tmp_path: object) -> None:
    from pathlib import Path

    from hustings.formats.cvr_csv import read_csv_cvr_by_precinct

    path = Path(str(tmp_path)) / "p.csv"
    path.write_text("Precinct,rank1,rank2\nP2,Ann,Bob\nP1,Bob,\nP2,Ann,Bob\n,Bob,Ann\n")
    whole, parts = read_csv_cvr_by_precinct(path)
    assert whole.profile.candidates == ("Ann", "Bob")
    assert {k: as_dict(v) for k, v in parts.items()} == {
        "P2": {("Ann", "Bob"): 2}, "P1": {("Bob",): 1}, "": {("Bob", "Ann"): 1}}
    assert np.all([p.candidates == whole.profile.candidates for p in parts.values()])


# --- fuzzing: a profile or a located InvalidInput, never another exception ------------------

READERS: dict[str, Callable[[bytes], object]] = {
    "r.blt": lambda b: parse_blt(b.decode("utf-8", "replace"), "r.blt"),
    "r.soi": lambda b: parse_preflib(b.decode("utf-8", "replace"), "r.soi"),
    "r.abif": lambda b: parse_abif(b.decode("utf-8", "replace"), "r.abif"),
    "r.json": lambda b: parse_nist_cvr(b, "r.json"),
    "r.csv": lambda b: parse_csv_cvr(b, source="r.csv"),
    "r.xml": lambda b: parse_nist_xml_cvr(b, "r.xml"),
}
SEEDS = {
    "r.blt": blt_text(["A", "B", "C"], [[0, 1], [(1, 2), 0], [EMPTY, 2]], [2, 1, 3]),
    "r.soi": preflib_text(["A", "B", "C"], [[0, 1], [(1, 2), 0]], [2, 1]),
    "r.abif": abif_text(["A", "B", "C"], [[0, 1], [(1, 2), 0]], [2, 1]),
    "r.json": nist_text(["A", "B", "C"], [[0, 1], [(1, 2), 0]], [2, 1]),
    "r.csv": csv_text(["A", "B", "C"], [[0, 1], [(1, 2), 0]], [2, 1]),
    "r.xml": xml_text(["A", "B", "C"], [[0, 1], [(1, 2), 0]], [2, 1]),
}
PIECES = st.sampled_from(["0", "1", "9", " ", "\n", ",", ":", ">", "=", "-", "{", "}", "[",
                          "]", '"', "#", "(", ")", "NaN", "99999999999999999999", "\x00",
                          "\\", "é", "\r", "rank1", "/", "*", "CVR"])


@st.composite
def mutated(draw: st.DrawFn, seed: str) -> bytes:
    text = seed
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.integers(0, 2))
        if action == 0:
            text = text[:at] + draw(PIECES) + text[at:]
        elif action == 1:
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        else:
            text = text[:at]
    return text.encode("utf-8")


def check_located(source: str, data: bytes) -> None:
    try:
        READERS[source](data)
    except InvalidInput as error:
        assert error.problems and all(p.source == source for p in error.problems), error


@pytest.mark.parametrize("source", sorted(READERS))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_files_fail_cleanly(source: str, data: st.DataObject) -> None:
    check_located(source, data.draw(mutated(SEEDS[source])))


@pytest.mark.parametrize("source", sorted(READERS))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(st.binary(max_size=200),
                      st.lists(PIECES, max_size=40).map(lambda p: "".join(p).encode())))
def test_arbitrary_bytes_fail_cleanly(source: str, data: bytes) -> None:
    check_located(source, data)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_wide_csv_vectorised_matches_the_plain_reader(data: st.DataObject) -> None:
    import tempfile
    from pathlib import Path

    from hustings.formats import cvr_csv_wide

    n = data.draw(st.integers(1, 5))
    names = [f"C{i}" for i in range(n)]
    rows = data.draw(st.lists(st.lists(st.sampled_from(["", "", "1", "2", "3"]), min_size=n + 1,
                                       max_size=n + 1), max_size=20))
    text = "id," + ",".join(names[:-1] + ["Write-In"]) + "\n" + "".join(
        ",".join([f"b{i}" if cells[0] else "", *cells[1:]]) + "\n"
        for i, cells in enumerate(rows))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "wide.csv"
        path.write_text(text)
        lookup = {name: i for i, name in enumerate(names)}
        header = ["id", *names[:-1], "Write-In"]
        codes = [lookup[x] for x in names[:-1]] + [-3]
        try:
            plain = cvr_csv_wide._plain(path, str(path), header, codes, 2, 2, 3, names)
        except InvalidInput:
            with pytest.raises(InvalidInput):
                cvr_csv_wide._vectorised(path, str(path), header, codes, 2, 2, 3, names)
            return
        fast = cvr_csv_wide._vectorised(path, str(path), header, codes, 2, 2, 3, names)
        assert as_dict(fast) == as_dict(plain)
