"""The export is what the independent verifier (`hustings_verify.online`, written from the
specification by another hand) accepts, and it rejects the export tampered. Skipped where that
package is not installed (it is merged separately)."""

from __future__ import annotations

import json
from pathlib import Path

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


def test_the_independent_verifier_accepts_the_export(uow_factory, tmp_path: Path) -> None:
    verifier = pytest.importorskip("hustings_verify.online")
    slug = election(uow_factory, members=6)
    poll = opened(uow_factory, slug)
    for i, credential in enumerate(poll.credentials.values()):
        oc.vote(uow_factory, slug, credential, [("ada", "ben", "cleo")[i % 3]])
    oc.vote(uow_factory, slug, next(iter(poll.credentials.values())), ["cleo"])  # a revote
    online.close(uow_factory, slug, committee(uow_factory))
    for j in (1, 3):
        oc.decrypt(uow_factory, slug, poll.keys[j], trustee_ctx(uow_factory, j))
    online.decrypt_tally(uow_factory, slug, committee(uow_factory))
    folder = tmp_path / "record"
    folder.mkdir()
    for name, data in online.export_files(uow_factory, slug).items():
        (folder / name).write_bytes(data)
    assert verifier.verify_online(folder) == []
    record = json.loads((folder / "record.json").read_text())
    record["result"]["counts"][0][0] += 1
    (folder / "record.json").write_text(json.dumps(record))
    assert verifier.verify_online(folder) != []
