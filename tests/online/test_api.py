"""Voting over HTTP: the booth's three routes, and their refusals (401/403/409/422 semantics:
an unknown credential 403, a malformed ballot or a bad proof 422, a closed poll 409); a refused
ballot leaves the board unchanged."""

from __future__ import annotations

import copy

import pytest

from hustings.crypto import credentials as cr
from hustings.crypto.ballot import encrypt_ballot
from hustings.crypto.election import Election
from hustings.services import online
from hustings.services import online_clients as oc
from tests.elections.builders import committee
from tests.online.flow import election, opened
from tests.web.conftest import make_client


def test_the_booth_routes(container, uow_factory) -> None:
    slug = election(uow_factory, members=6)
    poll = opened(uow_factory, slug)
    with make_client(container) as client:
        r = client.get(f"/api/elections/{slug}/online/election")
        assert r.status_code == 200
        crypto = Election.from_json(r.json())
        assert crypto.questions[0].choices == ("ada", "ben", "cleo")
        members = sorted(poll.credentials)
        ballot = encrypt_ballot(crypto, cr.credential_secret(
            crypto.election_id, poll.credentials[members[0]]), [(1, 0, 0)])
        r = client.post(f"/api/elections/{slug}/online/ballots", json=ballot.to_json())
        assert r.status_code == 201, r.text
        assert r.json() == {"tracker": ballot.tracker}
        board = client.get(f"/api/elections/{slug}/online/board").json()
        assert [e["tracker"] for e in board["entries"]] == [ballot.tracker]
        assert board["head"] == board["entries"][0]["link"]

        def refused(body, status, field=None):
            before = client.get(f"/api/elections/{slug}/online/board").json()
            r = client.post(f"/api/elections/{slug}/online/ballots", json=body)
            assert r.status_code == status, r.text
            if field:
                assert r.json()["error"]["problems"][0]["field"] == field
            assert client.get(f"/api/elections/{slug}/online/board").json() == before
            return r

        # replayed
        refused(ballot.to_json(), 422, "ballot")
        # a credential not on the list
        stranger = encrypt_ballot(crypto, cr.credential_secret(
            crypto.election_id, cr.new_credential()), [(0, 1, 0)])
        r = refused(stranger.to_json(), 403)
        assert "not on the election's list" in r.json()["error"]["message"]
        # a bad proof
        good = encrypt_ballot(crypto, cr.credential_secret(
            crypto.election_id, poll.credentials[members[1]]), [(0, 0, 1)]).to_json()
        bad = copy.deepcopy(good)
        bad["answers"][0]["sum_proof"][0]["s"] = good["answers"][0]["choices"][0]["proof"][0]["s"]
        refused(bad, 422, "ballot.answers[0].sum_proof")
        # malformed
        refused({"election": "zz"}, 422)
        broken = copy.deepcopy(good)
        broken["credential"] = "A" * 64
        refused(broken, 422, "ballot.credential")
        r = client.post(f"/api/elections/{slug}/online/ballots", content=b"{not json",
                        headers={"content-type": "application/json"})
        assert r.status_code == 422
        # after the poll closed
        online.close(uow_factory, slug, committee(uow_factory))
        refused(good, 409)
        assert client.get("/api/elections/nope/online/board").status_code == 404


@pytest.mark.parametrize("n", [1])
def test_a_cast_needs_no_session(container, uow_factory, n) -> None:
    slug = election(uow_factory, members=3)
    poll = opened(uow_factory, slug)
    body = oc.encrypt_vote(uow_factory, slug, next(iter(poll.credentials.values())), ["ben"])
    with make_client(container) as client:
        assert client.get("/api/session").json()["username"] is None
        r = client.post(f"/api/elections/{slug}/online/ballots", json=body)
    assert r.status_code == 201


def test_the_clerks_poll_book_page(container, uow_factory) -> None:
    from tests import identities as ids

    slug = election(uow_factory, "book", members=0, stations={"A": 3, "B": 2})
    poll = opened(uow_factory, slug)
    oc.vote(uow_factory, slug, poll.credentials["members-A-1"], ["ada"])
    ids.ensure(uow_factory, "clerk-web")
    with make_client(container) as client:
        anonymous = client.get(f"/admin/elections/{slug}/pollbook", follow_redirects=False)
        assert anonymous.status_code in (303, 401)
        r = client.post("/api/session", json={"username": "clerk-web",
                                               "password": ids.PASSWORD})
        assert r.status_code == 200
        page = client.get(f"/admin/elections/{slug}/pollbook", params={"precinct": "A"})
        assert page.status_code == 200
        rows = page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        assert rows.count("<tr>") == 3
        assert "members-A-1</td><td>Member A 1</td><td><strong>voted online" in rows
        assert "1 of 3 voted online" in page.text
        assert "/pollbook" in client.get(f"/admin/elections/{slug}").text
