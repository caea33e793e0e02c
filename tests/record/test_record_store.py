"""The record in the database (SQLite and PostgreSQL): import, leaders, person, export."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import tests.identities as ids
from hustings.domain.errors import AlreadyExists, InvalidInput, NotFound
from hustings.domain.record import Tenure, TenureKind
from hustings.formats import article, record_native, wikitext
from hustings.services import record_store
from hustings.services.demo import DEMO_SLUGS, build_demo
from hustings.storage import tables as t
from tests.conftest import DEMO_DIR

S2001 = "2001-israeli-labor-party-leadership-election"
S2002 = "2002-israeli-labor-party-leadership-election"
S2003 = "2003-israeli-labor-party-interim-leadership-election"


def seed_bytes(seed_files: dict[int, Path]) -> list[tuple[str, bytes]]:
    return [(seed_files[y].name, seed_files[y].read_bytes()) for y in (2001, 2002, 2003)]


def chain(tenures: list[Tenure]) -> list[tuple[Any, ...]]:
    return [(x.holder, x.kind.value, x.start and x.start.isoformat(),
             x.end and x.end.isoformat(), x.election) for x in tenures]


def count(container: Any, table: Any) -> int:
    with container.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


SEED_CHAIN = [
    ("Ehud Barak", "elected", None, "2001-09-04", None),
    ("Avraham Burg", "elected", "2001-09-04", "2001-12-26", S2001),
    ("Binyamin Ben-Eliezer", "elected", "2001-12-26", "2002-11-20", S2001),
    ("Amram Mitzna", "elected", "2002-11-20", None, S2002),
    (None, "vacant", None, "2003-06-19", None),
    ("Shimon Peres", "interim", "2003-06-19", None, S2003),
]


def test_seeds_into_an_empty_database_give_the_leader_chain(
        uow_factory: Any, container: Any, seed_files: dict[int, Path]) -> None:
    done = record_store.import_records(uow_factory, seed_bytes(seed_files), ids.ctx(uow_factory))
    assert [(i.slug, i.organisation, i.office, i.changed) for i in done] == [
        (S2001, "israeli-labor-party", "leader", True),
        (S2002, "israeli-labor-party", "leader", True),
        (S2003, "israeli-labor-party", "leader", True)]
    tenures = record_store.leaders(uow_factory, None, "Leader")
    assert chain(tenures) == SEED_CHAIN
    assert {x.office for x in tenures} == {"Leader"}
    assert record_store.leaders(uow_factory, "israeli-labor-party", "leader") == tenures
    assert count(container, t.recorded_tenures) == 6
    assert count(container, t.tenures) == 0  # certified tenures are untouched


def test_the_json_contract(uow_factory: Any, seed_files: dict[int, Path]) -> None:
    record_store.import_records(uow_factory, seed_bytes(seed_files), ids.ctx(uow_factory))
    data = record_store.leaders_json("Leader", record_store.leaders(uow_factory, None, "Leader"))
    assert list(data) == ["office", "tenures"]
    assert data["tenures"][4] == {"holder": None, "kind": "vacant", "start": None,
                                  "end": "2003-06-19", "election": None}
    assert all(list(x) == ["holder", "kind", "start", "end", "election"]
               for x in data["tenures"])


def test_everything_is_stored_unknown_keys_included(
        uow_factory: Any, seed_files: dict[int, Path]) -> None:
    record_store.import_records(uow_factory, seed_bytes(seed_files), ids.ctx(uow_factory))
    for year, slug in ((2001, S2001), (2002, S2002), (2003, S2003)):
        original = article.parse(seed_files[year].read_text(encoding="utf-8"))
        stored = record_store.recorded_election(uow_factory, slug)
        assert stored == original
    r2002 = record_store.recorded_election(uow_factory, S2002)
    assert r2002.extra["Country"] == "Israel" and r2002.extra["Next Year"] == "2003 (interim)"
    assert [(c.name, c.votes) for c in r2002.candidates] == [
        ("Amram Mitzna", "35,945"), ("Binyamin Ben-Eliezer", "25,445"), ("Haim Ramon", "4,830")]


def test_reimporting_the_same_files_changes_and_logs_nothing(
        uow_factory: Any, container: Any, seed_files: dict[int, Path]) -> None:
    record_store.import_records(uow_factory, seed_bytes(seed_files), ids.ctx(uow_factory))
    entries = count(container, t.audit_log)
    again = record_store.import_records(uow_factory, seed_bytes(seed_files), ids.ctx(uow_factory))
    assert [i.changed for i in again] == [False, False, False]
    assert count(container, t.audit_log) == entries
    assert count(container, t.recorded_elections) == 3


def test_different_content_under_a_stored_slug_is_refused(
        uow_factory: Any, container: Any, seed_files: dict[int, Path]) -> None:
    record_store.import_records(uow_factory, seed_bytes(seed_files)[:1], ids.ctx(uow_factory))
    changed = seed_files[2001].read_text(encoding="utf-8").replace("32,910", "32,911")
    with pytest.raises(AlreadyExists, match="different content"):
        record_store.import_records(uow_factory, [("edited.txt", changed.encode())],
                                    ids.ctx(uow_factory))
    as_json = record_native.to_json(article.parse(changed)).replace(S2001, "other-slug")
    with pytest.raises(AlreadyExists, match="already recorded as"):
        record_store.import_records(uow_factory, [("other.json", as_json.encode())],
                                    ids.ctx(uow_factory))
    assert count(container, t.recorded_elections) == 1


GOOD = "= 2010 Union election =\n\nInfobox\n- Title: President\n- Candidate1: Ann\n" \
       "- Party1: Union\n- Popular Vote1: 10\n- After Election: Ann\n" \
       "- Election Date: 1 May 2010\n"


@pytest.mark.parametrize(("bad", "where", "what"), [
    (GOOD.replace("- Popular Vote1: 10", "- Popular Vote1 10"), ":7", "broken Infobox line"),
    (GOOD.replace("Vote1: 10", "Vote1: ten"), ":7", "is not a number"),
    (GOOD + "- Title: Chair\n", ":10", "duplicate Infobox key 'Title'"),
])
def test_a_bad_file_imports_nothing(uow_factory: Any, container: Any, tmp_path: Path,
                                    bad: str, where: str, what: str) -> None:
    admin = ids.ctx(uow_factory)
    with pytest.raises(InvalidInput) as caught:
        record_store.import_records(uow_factory, [("good.txt", GOOD.encode()),
                                                  ("bad.txt", bad.encode())], admin)
    assert re.match(rf"bad\.txt{where}\D", str(caught.value.problems[0]))
    assert what in str(caught.value)
    assert count(container, t.recorded_elections) == 0
    assert count(container, t.audit_log) == 1  # the test administrator's registration only


def test_a_file_without_office_or_organisation(uow_factory: Any) -> None:
    no_title = GOOD.replace("- Title: President\n", "")
    with pytest.raises(InvalidInput, match=r"x.txt:1: the Infobox has no `Title`"):
        record_store.import_records(uow_factory, [("x.txt", no_title.encode())],
                                    ids.ctx(uow_factory))
    no_party = GOOD.replace("- Party1: Union\n", "")
    with pytest.raises(InvalidInput, match="give --organisation"):
        record_store.import_records(uow_factory, [("y.txt", no_party.encode())],
                                    ids.ctx(uow_factory))
    done = record_store.import_records(uow_factory, [("y.txt", no_party.encode())],
                                       ids.ctx(uow_factory),
                                       organisation="union")
    assert (done[0].organisation, done[0].office) == ("union", "president")
    assert chain(record_store.leaders(uow_factory, "union", "President")) == [
        ("Ann", "elected", "2010-05-01", None, "2010-union-election")]


def test_native_json_and_toml_records_import(uow_factory: Any,
                                              seed_files: dict[int, Path]) -> None:
    r2001 = article.parse(seed_files[2001].read_text(encoding="utf-8"))
    r2003 = article.parse(seed_files[2003].read_text(encoding="utf-8"))
    record_store.import_records(uow_factory, [
        ("a.json", record_native.to_json(r2001).encode()),
        ("b.toml", record_native.to_toml(r2003).encode())], ids.ctx(uow_factory))
    assert record_store.recorded_election(uow_factory, S2001) == r2001
    assert record_store.recorded_election(uow_factory, S2003) == r2003


def test_round_trip_of_the_seeds(uow_factory: Any, seed_files: dict[int, Path]) -> None:
    """Export each imported seed to both formats: reading them back gives the same election."""
    record_store.import_records(uow_factory, seed_bytes(seed_files), ids.ctx(uow_factory))
    for slug in (S2001, S2002, S2003):
        record = record_store.election_record(uow_factory, slug)
        assert article.parse(article.write(record)) == record
        assert wikitext.parse(wikitext.write(record)) == record


def test_person(uow_factory: Any, seed_files: dict[int, Path]) -> None:
    record_store.import_records(uow_factory, seed_bytes(seed_files), ids.ctx(uow_factory))
    bbe = record_store.person(uow_factory, "binyamin ben-eliezer")
    assert bbe.name == "Binyamin Ben-Eliezer"
    assert (bbe.ran, bbe.won, bbe.lost) == ((S2001, S2002), (S2001,), (S2002,))
    assert chain(list(bbe.tenures)) == [SEED_CHAIN[2]]
    barak = record_store.person(uow_factory, "Ehud Barak")  # held office, never ran here
    assert (barak.ran, len(barak.tenures)) == ((), 1)
    with pytest.raises(NotFound, match="no one called 'Nobody'"):
        record_store.person(uow_factory, "Nobody")


def test_leaders_of_an_unknown_office(uow_factory: Any) -> None:
    with pytest.raises(NotFound, match="no office 'Leader'"):
        record_store.leaders(uow_factory, None, "Leader")


def test_merge_replaces_linked_tenures_and_keeps_the_rest() -> None:
    rec = [Tenure("leader", "A", TenureKind.ELECTED, None, None, None),
           Tenure("leader", "B", TenureKind.ELECTED, None, None, "x-article")]
    from datetime import date
    cert = [Tenure("leader", "B", TenureKind.ELECTED, date(2001, 1, 1), None, "x"),
            Tenure("leader", "C", TenureKind.ELECTED, date(2000, 1, 1), date(2001, 1, 1), "w")]
    merged = record_store.merge_tenures(rec, cert, {"x-article": "x"})
    assert [m.holder for m in merged] == ["A", "C", "B"]
    assert merged[2] is cert[0]


# -- the demo: run elections and the record together ---------------------------------------


def test_demo_exports_reproduce_the_seeds_and_round_trip(
        uow_factory: Any, container: Any, seed_files: dict[int, Path]) -> None:
    build_demo(uow_factory, DEMO_DIR)
    demo_chain = chain(record_store.leaders(uow_factory, "israeli-labor", "Leader"))
    assert [c[0] for c in demo_chain] == ["Avraham Burg", "Binyamin Ben-Eliezer",
                                          "Amram Mitzna", None, "Shimon Peres", "Ehud Barak"]
    texts = {}
    for year, slug in zip((2001, 2002, 2003), DEMO_SLUGS[:3], strict=True):
        exported = record_store.election_record(uow_factory, slug)
        seed = article.parse(seed_files[year].read_text(encoding="utf-8"))
        assert exported.title == seed.title and exported.office == seed.office
        published = {c.name: c for c in seed.candidates}
        assert {c.name for c in exported.candidates} == set(published)
        for c in exported.candidates:
            if published[c.name].votes:
                assert c.votes == published[c.name].votes
            if published[c.name].percentage:
                assert c.percentage == published[c.name].percentage
        if seed.turnout:
            assert Decimal(exported.turnout.rstrip("%")) == Decimal(seed.turnout.rstrip("%"))
        texts[slug] = article.write(exported)
    assert "After Election: Avraham Burg (September - December 2001), Binyamin Ben-Eliezer" \
        in texts["labor-2001"]
    # Mitzna resigned: the office was vacant, as the 2003 article says
    assert "Before Election: Vacant, (most recently Amram Mitzna)\n" in texts["labor-2003"]
    # Round trip: importing the exports gives the same elections and no duplicate tenures.
    record_store.import_records(uow_factory, [(f"{s}.txt", x.encode()) for s, x in texts.items()],
                                ids.ctx(uow_factory))
    for slug, text in texts.items():
        assert record_store.recorded_election(uow_factory, slug) == article.parse(text)
    assert chain(record_store.leaders(uow_factory, None, "Leader")) == demo_chain


def test_seeds_into_the_demo_do_not_duplicate_tenures(
        uow_factory: Any, seed_files: dict[int, Path]) -> None:
    build_demo(uow_factory, DEMO_DIR)
    done = record_store.import_records(uow_factory, seed_bytes(seed_files), ids.ctx(uow_factory))
    assert {i.organisation for i in done} == {"israeli-labor"}  # matched by name
    assert chain(record_store.leaders(uow_factory, None, "Leader")) == [
        ("Ehud Barak", "elected", None, "2001-09-04", None),
        ("Avraham Burg", "elected", "2001-09-04", "2001-12-26", "labor-2001"),
        ("Binyamin Ben-Eliezer", "elected", "2001-12-26", "2002-11-19", "labor-2001"),
        ("Amram Mitzna", "elected", "2002-11-19", "2003-05-04", "labor-2002"),
        (None, "vacant", "2003-05-04", "2003-06-19", None),  # recorded once, with its start
        ("Shimon Peres", "interim", "2003-06-19", "2007-06-12", "labor-2003"),
        ("Ehud Barak", "elected", "2007-06-12", None, "labor-2007"),
    ]
    peres = record_store.person(uow_factory, "Shimon Peres")
    assert (peres.ran, peres.won, peres.lost) == (("labor-2003",), ("labor-2003",), ())
    bbe = record_store.person(uow_factory, "Binyamin Ben-Eliezer")
    assert (bbe.ran, bbe.won, bbe.lost) == (("labor-2001", "labor-2002"), ("labor-2001",),
                                            ("labor-2002",))
