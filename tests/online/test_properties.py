"""Invariant: whatever the order of ballots and revotes, the published online result is the
count of each credential's last ballot (through the service and a real database)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hustings.bootstrap import Container, Settings
from hustings.services import online
from hustings.services import online_clients as oc
from tests.elections.builders import committee
from tests.online.flow import election, opened, trustee_ctx

CHOICES = ("ada", "ben", "cleo")


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(CHOICES)), min_size=0,
                max_size=12))
def test_the_result_counts_each_credentials_last_ballot(sqlite_template: Path,
                                                        casts: list[tuple[int, str]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copy(sqlite_template, Path(tmp) / "p.db")
        box = Container(Settings(f"sqlite:///{Path(tmp) / 'p.db'}"))
        try:
            factory = box.uow_factory
            slug = election(factory, "prop", members=5)
            poll = opened(factory, slug, n=2, t=1)
            members = sorted(poll.credentials)
            last: dict[int, str] = {}
            for voter, choice in casts:
                oc.vote(factory, slug, poll.credentials[members[voter]], [choice])
                last[voter] = choice
            online.close(factory, slug, committee(factory))
            oc.decrypt(factory, slug, poll.keys[2], trustee_ctx(factory, 2))
            result = online.decrypt_tally(factory, slug, committee(factory))
            assert result == {c: sum(v == c for v in last.values()) for c in CHOICES}
            state = online.status(factory, slug)
            assert state["ballots"] == len(casts)
        finally:
            box.close()
