"""The web shows the engine's result: the rule's winner, every round, sections and exports."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from hustings.services import ballots
from tests.elections.builders import clerk, import_twice, open_election, toml
from tests.elections.test_ballots import BALLOTS, CANDIDATES, PRECINCTS, cvr
from tests.web.conftest import make_client


def test_an_irv_page_marks_the_rules_winner_and_shows_every_round(
    container: Any, uow_factory: Any
) -> None:
    slug = open_election(
        uow_factory, toml("pres-irv", "irv", CANDIDATES, PRECINCTS), {"N": 120, "S": 120}
    )
    import_twice(uow_factory, slug, cvr(BALLOTS))
    with make_client(container) as client:
        html = unescape(client.get(f"/elections/{slug}").text)
        assert "The count by irv" in html and "First preferences" in html
        lead = re.search(
            r'<tr class="lead">\s*<th scope="row"><a [^>]*><bdi>([^<]+)</bdi></a>', html)
        assert lead is not None and lead.group(1) == "Bob Baker"  # not Alice, ahead on firsts
        assert "Cy Cole's ballots go to: Bob Baker 50." in html
        api = client.get(f"/api/elections/{slug}/results").json()
        assert api["winners"] == ["Bob Baker"] and len(api["rounds"]) == 2
        nist = client.get(f"/elections/{slug}/results.nist.json").json()
        contest = nist["Election"][0]["Contest"][0]
        assert contest["VoteVariation"] == "rcv"
        bob = next(
            s for s in contest["ContestSelection"] if s["CandidateIds"][0].endswith("bob-baker")
        )
        assert [c.get("OtherType", c["Type"]) for c in bob["VoteCounts"]] == [
            "round-1",
            "round-2",
            "total",
        ]
        assert bob["VoteCounts"][-1]["Count"] == 110


def test_a_mismatch_is_not_counted_on_the_page(container: Any, uow_factory: Any) -> None:
    slug = open_election(
        uow_factory, toml("pres-irv", "irv", CANDIDATES, PRECINCTS), {"N": 120, "S": 120}
    )
    ballots.import_ballots(uow_factory, slug, cvr(BALLOTS), "cvr.csv", clerk(uow_factory, 0))
    with make_client(container) as client:
        api = client.get(f"/api/elections/{slug}/results").json()
        assert api["precincts"]["reporting"] == 0 and api["winners"] == []


def test_ballots_over_the_api_by_signed_in_clerks(container: Any, uow_factory: Any) -> None:
    from tests.identities import PASSWORD, ensure

    for name in ("clerk", "administrator"):
        ensure(uow_factory, name)
    slug = open_election(
        uow_factory, toml("pres-irv", "irv", CANDIDATES, PRECINCTS), {"N": 120, "S": 120}
    )
    with make_client(container) as client:
        anonymous = client.post(
            f"/api/elections/{slug}/ballots/import", files={"file": ("cvr.csv", cvr(BALLOTS))}
        )
        assert anonymous.status_code == 401
        for clerk in ("clerk", "administrator"):
            token = client.post(
                "/api/session", json={"username": clerk, "password": PASSWORD}
            ).json()
            r = client.post(
                f"/api/elections/{slug}/ballots/import",
                files={"file": ("cvr.csv", cvr(BALLOTS))},
                headers={"X-CSRF-Token": token["csrf_token"]},
            )
            assert r.status_code == 201, r.text
        assert r.json() == {
            "poll": "initial",
            "ballots": {"N": 90, "S": 90},
            "status": {"N": "accepted", "S": "accepted"},
        }
        bad = client.post(
            f"/api/elections/{slug}/ballots/import",
            files={"file": ("cvr.csv", cvr([("X", ["Ann"], 1)]))},
            headers={"X-CSRF-Token": token["csrf_token"]},
        )
        assert bad.status_code == 422 and "cvr.csv" in bad.text
        assert client.get(f"/api/elections/{slug}/results").json()["winners"] == ["Bob Baker"]


def test_the_admin_page_imports_ballots_and_says_where_precincts_stand(
    container: Any, uow_factory: Any
) -> None:
    from tests.identities import PASSWORD, ensure

    ensure(uow_factory, "clerk")
    slug = open_election(
        uow_factory, toml("pres-irv", "irv", CANDIDATES, PRECINCTS), {"N": 120, "S": 120}
    )
    with make_client(container) as client:
        client.post("/api/session", json={"username": "clerk", "password": PASSWORD})
        url = f"/admin/elections/{slug}/ballots/import"
        page = client.get(url).text
        assert '<label for="file">' in page
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        r = client.post(url, data={"csrf_token": token}, files={"file": ("cvr.csv", cvr(BALLOTS))})
        assert (
            r.status_code == 200
            and "Stored 180 ballots in 2 precincts: 0 accepted, 2 "
            "awaiting a second import, 0 mismatched."
            in unescape(r.text)
        )
        bad = client.post(
            url,
            data={"csrf_token": token},
            files={"file": ("cvr.csv", cvr([("X", ["Ann Able"], 1)]))},
        )
        assert bad.status_code == 422 and "unknown precinct" in unescape(bad.text)
        assert "Import ballots" in client.get(f"/admin/elections/{slug}").text
