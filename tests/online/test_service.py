"""The online poll's service on a real database: set up, key ceremony, credentials, cast,
close, decrypt, publish; and the log of it all verifies by replay."""

from __future__ import annotations

import pytest

from hustings.services import online
from hustings.services import online_clients as oc
from tests.elections.builders import committee
from tests.online.flow import election, opened, trustee_ctx


@pytest.fixture(params=["sqlite"])
def database_url(request, tmp_path, sqlite_template):
    import shutil

    path = tmp_path / "test.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


def test_a_small_poll_from_setup_to_published(uow_factory) -> None:
    slug = election(uow_factory, members=12)
    poll = opened(uow_factory, slug)
    members = sorted(poll.credentials)
    choices = ["ada"] * 5 + ["ben"] * 4 + ["cleo"] * 3
    trackers = [oc.vote(uow_factory, slug, poll.credentials[m], [c])
                for m, c in zip(members, choices, strict=True)]
    assert len(set(trackers)) == 12
    online.close(uow_factory, slug, committee(uow_factory))
    for j in (1, 3):
        oc.decrypt(uow_factory, slug, poll.keys[j], trustee_ctx(uow_factory, j))
    result = online.decrypt_tally(uow_factory, slug, committee(uow_factory))
    assert result == {"ada": 5, "ben": 4, "cleo": 3}
    online.publish(uow_factory, slug, committee(uow_factory))
    from hustings.services.count import current_result
    with uow_factory() as uow:
        figures = current_result(uow, slug)
    assert figures["winner"] == "Ada Lovelace"
    from hustings.bootstrap import ScratchSqlite
    from hustings.services import audit_log
    report = audit_log.verify(uow_factory, ScratchSqlite)
    assert report.ok, report.problems


def test_a_casts_log_entry_holds_the_tracker_and_head_never_the_member(uow_factory) -> None:
    slug = election(uow_factory, members=3)
    poll = opened(uow_factory, slug)
    member, credential = sorted(poll.credentials.items())[0]
    tracker = oc.vote(uow_factory, slug, credential, ["ben"])
    with uow_factory() as uow:
        entry = [e for e in uow.audit.entries() if e.command == "online.cast"][-1]
        head = online.current_poll(uow, slug).board_head
    import json

    payload = json.loads(entry.payload)
    assert entry.actor == "online-board"
    assert set(payload) == {"election", "online", "ballot", "tracker", "position", "head"}
    assert (payload["tracker"], payload["position"], payload["head"]) == (tracker, 1, head)
    assert member not in entry.payload and "Member" not in entry.payload


def test_weighted_voters_count_by_weight(uow_factory) -> None:
    slug = election(uow_factory, members=4)
    poll = opened(uow_factory, slug, weights={"members-ONLINE-0": 5, "members-ONLINE-1": 2})
    for member, choice in (("members-ONLINE-0", "cleo"), ("members-ONLINE-1", "ada"),
                           ("members-ONLINE-2", "ada"), ("members-ONLINE-3", "ada")):
        oc.vote(uow_factory, slug, poll.credentials[member], [choice])
    assert online.status(uow_factory, slug)["weight"] == 5 + 2 + 1 + 1
    online.close(uow_factory, slug, committee(uow_factory))
    for j in (1, 2):
        oc.decrypt(uow_factory, slug, poll.keys[j], trustee_ctx(uow_factory, j))
    assert online.decrypt_tally(uow_factory, slug, committee(uow_factory)) == {
        "ada": 4, "ben": 0, "cleo": 5}


def test_each_round_of_a_two_round_election_is_an_online_poll(uow_factory) -> None:
    from hustings.services.count import current_result

    slug = election(uow_factory, "two", members=10, method="two-round")
    poll = opened(uow_factory, slug)
    choices = ["ada"] * 4 + ["ben"] * 4 + ["cleo"] * 2
    for credential, choice in zip(poll.credentials.values(), choices, strict=True):
        oc.vote(uow_factory, slug, credential, [choice])
    online.close(uow_factory, slug, committee(uow_factory))
    for j in (1, 2):
        oc.decrypt(uow_factory, slug, poll.keys[j], trustee_ctx(uow_factory, j))
    online.decrypt_tally(uow_factory, slug, committee(uow_factory))
    online.publish(uow_factory, slug, committee(uow_factory))
    with uow_factory() as uow:
        first = current_result(uow, slug)
        runoff = uow.polls.get(slug, "runoff")
    assert first["winner"] is None and "ONLINE" in runoff.precincts
    online.setup(uow_factory, slug, ["trustee-1", "trustee-2", "trustee-3"], 2,
                 committee(uow_factory), poll="runoff")
    assert online.status(uow_factory, slug)["question"]["choices"] == ["ada", "ben"]
    keys = {}
    for _ in range(3):
        for j in (1, 2, 3):
            keys[j], _ = oc.keygen(uow_factory, slug, keys.get(j), trustee_ctx(uow_factory, j))
    second = oc.generate_credentials(uow_factory, slug, committee(uow_factory))
    online.open_poll(uow_factory, slug, committee(uow_factory))
    for i, (_, _, credential) in enumerate(second):
        oc.vote(uow_factory, slug, credential, ["ben" if i < 6 else "ada"])
    online.close(uow_factory, slug, committee(uow_factory))
    for j in (2, 3):
        oc.decrypt(uow_factory, slug, keys[j], trustee_ctx(uow_factory, j))
    online.decrypt_tally(uow_factory, slug, committee(uow_factory))
    online.publish(uow_factory, slug, committee(uow_factory))
    with uow_factory() as uow:
        final = current_result(uow, slug)
    assert final["winner"] == "Ben Okri"


def _finish(factory, slug, poll) -> dict:
    from hustings.services.count import current_result

    online.close(factory, slug, committee(factory))
    for j in (1, 2):
        oc.decrypt(factory, slug, poll.keys[j], trustee_ctx(factory, j))
    online.decrypt_tally(factory, slug, committee(factory))
    online.publish(factory, slug, committee(factory))
    with factory() as uow:
        return current_result(uow, slug)


def test_approval_online_counts_every_approval(uow_factory) -> None:
    slug = election(uow_factory, "approve", members=4, method="approval")
    poll = opened(uow_factory, slug)
    for credential, marks in zip(poll.credentials.values(),
                                 (["ada", "ben"], ["ben"], ["ada", "ben", "cleo"], []),
                                 strict=True):
        oc.vote(uow_factory, slug, credential, marks)
    result = _finish(uow_factory, slug, poll)
    assert {c["name"]: c["votes"] for c in result["candidates"]} == {
        "Ada Lovelace": 2, "Ben Okri": 3, "Cleo Laine": 1}
    assert result["winner"] == "Ben Okri"


def test_a_confirmation_online(uow_factory) -> None:
    slug = election(uow_factory, "confirm", members=5, method="confirm")
    poll = opened(uow_factory, slug)
    for credential, marks in zip(poll.credentials.values(),
                                 (["ada"], ["ada"], ["ada"], [], []), strict=True):
        oc.vote(uow_factory, slug, credential, marks)
    result = _finish(uow_factory, slug, poll)
    assert result["winner"] == "Ada Lovelace"
    assert result["rounds"][0]["tallies"] == {"yes": "3", "no": "2"}
