"""The online demo: `branch-online-demo` is counted and certified, and its record exports and
verifies (the contract: `hustings online export branch-online-demo DIR` works on the demo
database)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from hustings.bootstrap import Container, Settings
from hustings.crypto.record import ElectionRecord, verify_record
from hustings.services import online
from hustings.services.online_demo import MEMBERS, REVOTES, SLUG, VOTERS, build_online_demo
from hustings.services.results import published_result
from hustings.services.users import init_admin
from tests.cli_runner import run_cli


def test_the_online_demo_is_certified_and_its_record_verifies(capsys, tmp_path: Path,
                                                              sqlite_template: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "demo.db")
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    box = Container(Settings(url))
    try:
        admin = init_admin(box.uow_factory, "returning-officer", "demo-password", policy=False)
        assert build_online_demo(box.uow_factory, admin, "demo-password") == SLUG
        result = published_result(box.uow_factory, SLUG)
        state = online.status(box.uow_factory, SLUG)
    finally:
        box.close()
    assert result["status"] == "certified"
    assert result["registered"] == MEMBERS and result["ballots_cast"] == VOTERS
    assert result["winner"] == "Grace Okafor"
    assert state["ballots"] == VOTERS + REVOTES and state["threshold"] == 2
    assert [t["decrypted"] for t in state["trustees"]] == [True, False, True]
    code, out, err = run_cli(capsys, "--db", url, "online", "export", SLUG,
                             str(tmp_path / "rec"))
    assert code == 0, err
    record = ElectionRecord.from_json(json.loads((tmp_path / "rec" / "record.json").read_text()))
    verify_record(record)
    assert sum(record.result.counts[0]) == VOTERS
    code, out, err = run_cli(capsys, "--db", url, "log", "verify")
    assert code == 0, out + err
