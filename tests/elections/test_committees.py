"""Committees over time: an office's members between each change, checked against a day-by-day
reference, and shown by `hustings record members` and the history page."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from hustings.domain.record import Composition, Tenure, TenureKind, compositions
from hustings.services import ballots, lifecycle
from tests.cli_runner import run_cli
from tests.elections.builders import clerk, committee, cvr, open_election, toml
from tests.web.conftest import make_client

DAY0 = date(2020, 1, 1)


def members_on(tenures: list[Tenure], day: date) -> set[str]:
    """The slow reference: who holds a seat on `day`, tenure by tenure."""
    return {t.holder for t in tenures if t.holder is not None and t.start is not None
            and t.start <= day and (t.end is None or day < t.end)}


def covering(found: list[Composition], day: date) -> set[str]:
    hits = [c for c in found if c.start <= day and (c.end is None or day < c.end)]
    assert len(hits) <= 1, f"two compositions cover {day}"
    return set(hits[0].members) if hits else set()


tenure = st.builds(
    lambda who, start, length, election: Tenure(
        "exec", who, TenureKind.ELECTED, DAY0 + timedelta(start),
        None if length is None else DAY0 + timedelta(start + length), election),
    st.sampled_from(["ann", "bob", "cy", "dee", "eve"]), st.integers(0, 40),
    st.one_of(st.none(), st.integers(1, 30)), st.sampled_from(["e1", "e2", None]))


@settings(max_examples=300, deadline=None)
@given(st.lists(tenure, max_size=12))
def test_compositions_agree_with_the_day_by_day_reference(tenures: list[Tenure]) -> None:
    found = compositions(tenures)
    for offset in range(-1, 75):
        day = DAY0 + timedelta(offset)
        assert covering(found, day) == members_on(tenures, day)
    for a, b in zip(found, found[1:], strict=False):
        assert a.end is not None and a.end <= b.start  # in order, never overlapping


def test_vacancies_and_unknown_starts_are_not_members() -> None:
    tenures = [Tenure("exec", None, TenureKind.VACANT, DAY0, None, None),
               Tenure("exec", "ann", TenureKind.ELECTED, None, DAY0, None),
               Tenure("exec", "bob", TenureKind.ELECTED, DAY0, None, "e1")]
    assert compositions(tenures) == [Composition(DAY0, None, ("bob",), ("e1",))]


CANDIDATES = (("ann", "Ann Arden"), ("bob", "Bob Bell"), ("cy", "Cy Carr"), ("dee", "Dee Dunn"))


def elect(factory: Any, slug: str, ballots_cast: list[tuple[str, list[str], int]],
          day: str) -> None:
    slug = open_election(factory, toml(slug, "stv", CANDIDATES, [("N", "North")], seats=2,
                                       office_seats=2, day=day, office="exec"), {"N": 100},
                         with_members=slug == "exec-2020")
    for i in (0, 1):
        ballots.import_ballots(factory, slug, cvr(ballots_cast), "cvr.csv", clerk(factory, i))
    lifecycle.certify(factory, slug, committee(factory), date.fromisoformat(day))


def test_a_committee_over_two_elections(container: Any, capsys: Any) -> None:
    factory = container.uow_factory
    elect(factory, "exec-2020", [("N", ["Ann Arden"], 40), ("N", ["Bob Bell"], 35),
                                 ("N", ["Cy Carr"], 20)], "2020-03-01")
    elect(factory, "exec-2022", [("N", ["Cy Carr"], 40), ("N", ["Bob Bell"], 35),
                                 ("N", ["Ann Arden"], 20)], "2022-03-01")
    container.engine.dispose()
    code, out, err = run_cli(capsys, "--db", container.settings.database_url, "record",
                             "members", "--office", "exec", "--format", "json")
    assert code == 0, err
    assert json.loads(out) == {"office": "Office of exec", "compositions": [
        {"start": "2020-03-01", "end": "2022-03-01", "members": ["Ann Arden", "Bob Bell"],
         "elections": ["exec-2020"]},
        {"start": "2022-03-01", "end": None, "members": ["Bob Bell", "Cy Carr"],
         "elections": ["exec-2022"]}]}
    code, out, _ = run_cli(capsys, "--db", container.settings.database_url, "record",
                           "members", "--office", "exec", "--on", "2021-06-01")
    assert code == 0 and "Ann Arden" in out and "Cy Carr" not in out


def test_the_history_page_shows_the_committee_over_time(container: Any) -> None:
    factory = container.uow_factory
    elect(factory, "exec-2020", [("N", ["Ann Arden"], 40), ("N", ["Bob Bell"], 35),
                                 ("N", ["Cy Carr"], 20)], "2020-03-01")
    elect(factory, "exec-2022", [("N", ["Cy Carr"], 40), ("N", ["Bob Bell"], 35),
                                 ("N", ["Ann Arden"], 20)], "2022-03-01")
    page = make_client(container).get("/history").text
    table = page[page.index('<table class="committee">'):page.index("</table>")]
    rows = table.split("<tr>")[2:]
    assert len(rows) == 2
    assert "Ann Arden" in rows[0] and "Bob Bell" in rows[0] and "Cy Carr" not in rows[0]
    assert "Cy Carr" in rows[1] and "Ann Arden" not in rows[1] and "exec-2022" in rows[1]
