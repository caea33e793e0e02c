"""Vendor CVR files into an election: a Clear Ballot CSV and a zipped Dominion export, each
one precinct's ballots (--precinct), imported by two clerks and counted."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest

from hustings.domain.errors import InvalidInput
from hustings.services import ballots
from hustings.services.results import published_result
from tests.elections.builders import clerk
from tests.elections.test_ballots import irv

NAMES = ["Alice Able", "Bob Baker", "Cy Cole"]
FIXED = ("RowNumber,BoxID,BoxPosition,BallotID,PrecinctID,BallotStyleID,PrecinctStyleName,"
         "ScanComputerName,Status,Remade")


def clear_ballot(rows: list[tuple[list[str], int]], ranks: int = 3) -> bytes:
    """A Clear Ballot CVR CSV of one contest, `count` sheets of each ranking."""
    columns = [(r, n) for r in range(1, ranks + 1) for n in NAMES]
    head = FIXED + "," + ",".join(f"Choice_{NAMES.index(n)}_1:Mayor:{r}:Vote For 1:{n}:NON"
                                  for r, n in columns)
    lines = [head]
    for ranking, count in rows:
        cells = ["1" if ranking[r - 1 : r] == [n] else "0" for r, n in columns]
        lines += [f"{len(lines)},B,1,B+{len(lines)},1,1,P,S,0,0," + ",".join(cells)] * count
    return ("\n".join(lines) + "\n").encode()


def dominion_zip(rows: list[tuple[list[str], int]]) -> bytes:
    """A Dominion export (manifests and CvrExport.json) zipped in a folder."""
    sessions = []
    for ranking, count in rows:
        marks = [{"CandidateId": 10 + NAMES.index(n), "Rank": r + 1, "IsAmbiguous": False}
                 for r, n in enumerate(ranking)]
        sessions += [{"TabulatorId": 1, "BatchId": 1, "RecordId": len(sessions) + k,
                      "Original": {"PrecinctPortionId": 1, "IsCurrent": True,
                                   "Cards": [{"Contests": [{"Id": 5, "Marks": marks,
                                                            "OutstackConditionIds": []}]}]}}
                     for k in range(count)]
    files = {
        "ContestManifest.json": [{"Id": 5, "Description": "Mayor", "NumOfRanks": 3}],
        "CandidateManifest.json": [{"Id": 10 + i, "Description": n, "ContestId": 5,
                                    "Type": "Regular"} for i, n in enumerate(NAMES)],
        "PrecinctPortionManifest.json": [{"Id": 1, "Description": "South"}],
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        for name, entries in files.items():
            book.writestr(f"export/{name}", json.dumps({"List": entries}))
        book.writestr("export/CvrExport.json", json.dumps({"Sessions": sessions}, indent=1))
    return out.getvalue()


NORTH = [(["Alice Able"], 35), (["Bob Baker"], 30), (["Cy Cole", "Bob Baker"], 25)]
SOUTH = [(["Alice Able", "Bob Baker"], 35), (["Bob Baker", "Alice Able"], 30),
         (["Cy Cole", "Bob Baker", "Alice Able"], 25)]


def test_clear_ballot_and_dominion_files_are_imported_and_counted(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    north, south = clear_ballot(NORTH), dominion_zip(SOUTH)
    for i in range(2):
        done = ballots.import_ballots(uow_factory, slug, north, "north.csv",
                                      clerk(uow_factory, i), precinct="N")
        assert done.ballots == {"N": 90}
        done = ballots.import_ballots(uow_factory, slug, south, "south.zip",
                                      clerk(uow_factory, i), precinct="S")
        assert done.ballots == {"S": 90}
    assert done.status == {"S": "accepted"}
    assert published_result(uow_factory, slug)["winners"] == ["Bob Baker"]


def test_vendor_files_need_a_precinct_and_name_the_users_file(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    with pytest.raises(InvalidInput, match="name the precinct"):
        ballots.import_ballots(uow_factory, slug, clear_ballot(NORTH), "north.csv",
                               clerk(uow_factory, 0))
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as book:
        book.writestr("ContestManifest.json", json.dumps({"List": [{"Id": 5}]}))
        book.writestr("CvrExport.json", "{}")
    with pytest.raises(InvalidInput) as caught:
        ballots.import_ballots(uow_factory, slug, broken.getvalue(), "south.zip",
                               clerk(uow_factory, 0), precinct="S")
    assert caught.value.problems[0].source.startswith("south.zip")
    assert "CandidateManifest.json" in str(caught.value)


def hart_zip(rows: list[tuple[list[str], int]], contests: int = 1) -> bytes:
    """A Hart export: one XML file a ballot (options marked by rank digits), zipped."""
    ns = "http://tempuri.org/CVRDesign.xsd"
    out = io.BytesIO()
    n = 0
    with zipfile.ZipFile(out, "w") as book:
        for ranking, count in rows:
            options = "".join(
                f"<Option><Id>{10 + i}</Id><Name>{name}</Name><Value>"
                + "".join("1" if r < len(ranking) and ranking[r] == name else "0"
                          for r in range(3)) + "</Value></Option>"
                for i, name in enumerate(NAMES))
            extra = "".join(f"<Contest><Id>{90 + k}</Id><Name>Other {k}</Name><Options/>"
                            "</Contest>" for k in range(contests - 1))
            for _ in range(count):
                n += 1
                book.writestr(f"hart/{n:05d}.xml", f'<?xml version="1.0"?><Cvr xmlns="{ns}">'
                              f"<Contests><Contest><Id>5</Id><Name>Leader</Name><Options>"
                              f"{options}</Options></Contest>{extra}</Contests></Cvr>")
    return out.getvalue()


def test_a_zipped_hart_export_is_imported_and_counted(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    south = hart_zip(SOUTH)
    for i in range(2):
        done = ballots.import_ballots(uow_factory, slug, clear_ballot(NORTH), "north.csv",
                                      clerk(uow_factory, i), precinct="N")
        done = ballots.import_ballots(uow_factory, slug, south, "south.zip",
                                      clerk(uow_factory, i), precinct="S")
        assert done.ballots == {"S": 90}
    assert done.status == {"S": "accepted"}
    result = published_result(uow_factory, slug)
    assert result["winners"] == ["Bob Baker"]
    assert result["rounds"][0]["tallies"] == {"Alice Able": "70", "Bob Baker": "60",
                                              "Cy Cole": "50"}


def test_a_hart_export_of_several_contests_is_refused_by_name(uow_factory: Any) -> None:
    slug = irv(uow_factory)
    with pytest.raises(InvalidInput, match=r"2 contests \(5, 90\)") as caught:
        ballots.import_ballots(uow_factory, slug, hart_zip(SOUTH, contests=2), "south.zip",
                               clerk(uow_factory, 0), precinct="S")
    assert caught.value.problems[0].source == "south.zip"
