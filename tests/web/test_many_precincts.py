"""An election with many precincts: the election page shows the first ones (and every
re-voted or voided one) and links every precinct, page by page, and the CSV; the live panel
names the first precincts still to report and says how many more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

import tests.identities as ids
from hustings.services import elections, members, tallies
from hustings.web.routes_public import PRECINCTS_PER_PAGE, PRECINCTS_SHOWN, WAITING_SHOWN
from tests.web.conftest import make_client
from tests.web.seed import DATA, SLUG, open_voting, seed

MANY = "union-many"
PRECINCTS = 450
REPORTED = 300  # 150 still to report, and N, S and E


def seed_many(uow_factory: object) -> None:
    text = (DATA / f"{SLUG}.toml").read_text("utf-8").replace(f'slug = "{SLUG}"',
                                                               f'slug = "{MANY}"')
    head, _, rest = text.partition("[[precincts]]")  # N, S and E (the members vote there)
    precincts = "".join(f'[[precincts]]\ncode = "P{i:03d}"\nname = "Precinct {i}"\n\n'
                        for i in range(PRECINCTS))
    ctx = ids.ctx(uow_factory, "seed")  # type: ignore[arg-type]
    elections.create_election(uow_factory, head + precincts + "[[precincts]]" + rest,  # type: ignore[arg-type]
                              "many.toml", ctx)
    roll = "".join(f"V{i:04d},Voter {i},2015-01-01,good,P{i:03d}\n" for i in range(PRECINCTS))
    members.import_members(uow_factory, "members",  # type: ignore[arg-type]
                           ("member_id,name,joined,standing,precinct\n" + roll).encode(),
                           "many-members.csv", ctx)
    elections.freeze_roll(uow_factory, MANY, ctx)  # type: ignore[arg-type]
    open_voting(uow_factory, MANY)  # type: ignore[arg-type]
    rows = "".join(f"P{i:03d},1,1,{i % 2},{1 - i % 2},0,0,0\n" for i in range(REPORTED))
    tallies.import_tallies(uow_factory, MANY,  # type: ignore[arg-type]
                           ("precinct,registered,ballots_cast,adler,baptiste,chen,blank,"
                            "invalid\n" + rows).encode(), "many.csv", ctx)


@pytest.fixture
def client(container: object, uow_factory: object) -> Iterator[TestClient]:
    seed(uow_factory)  # type: ignore[arg-type]
    seed_many(uow_factory)
    with make_client(container) as c:
        yield c


def test_the_election_page_shows_the_first_precincts_and_links_them_all(
        client: TestClient) -> None:
    page = client.get(f"/elections/{MANY}").text
    assert page.count('<th scope="row" data-value="Precinct ') == PRECINCTS_SHOWN
    assert "Precinct 0</bdi>" in page and f"Precinct {PRECINCTS_SHOWN}</bdi>" not in page
    assert f"shows {PRECINCTS_SHOWN} of the {REPORTED} precincts" in page
    assert f'href="/elections/{MANY}/precincts"' in page
    assert f'href="/elections/{MANY}/precincts.csv"' in page
    small = client.get(f"/elections/{SLUG}").text  # a few precincts: all shown, no link
    assert f'href="/elections/{SLUG}/precincts"' not in small
    he = client.get(f"/elections/{MANY}?lang=he").text
    assert "כל הקלפיות, עמוד אחר עמוד" in he


def test_every_precinct_is_on_one_page_of_the_list(client: TestClient) -> None:
    seen: list[str] = []
    pages = -(-REPORTED // PRECINCTS_PER_PAGE)
    for n in range(1, pages + 1):
        r = client.get(f"/elections/{MANY}/precincts?page={n}")
        assert r.status_code == 200
        rows = r.text.split('<th scope="row" data-value="')[1:]
        seen += [row.split('"', 1)[0] for row in rows]
        assert f"Page {n} of {pages}" in r.text
        assert ('rel="next"' in r.text) == (n < pages)
    assert seen == [f"Precinct {i}" for i in range(REPORTED)]
    assert client.get(f"/elections/{MANY}/precincts").text.count("Precinct 0</bdi>") == 1
    for bad in ("0", str(pages + 1), "x", "-1", "9" * 12):
        r = client.get(f"/elections/{MANY}/precincts?page={bad}")
        assert r.status_code == 404 and "has no page" in r.text, bad
    assert client.get("/elections/nope/precincts").status_code == 404


def test_the_live_panel_names_the_first_waiting_precincts(client: TestClient) -> None:
    panel = client.get(f"/elections/{MANY}/live/panel").text
    waiting = PRECINCTS + 3 - REPORTED
    assert panel.count("<li><bdi>") == WAITING_SHOWN < waiting
    assert f"and {waiting - WAITING_SHOWN} more precincts." in panel
    assert f'href="/elections/{MANY}/precincts"' in panel
