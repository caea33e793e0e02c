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
