"""docs/online-voting.md's whole flow, line by line, through the real `hustings` command."""

from __future__ import annotations

import csv
import json
import shlex
import shutil
from pathlib import Path

import pytest

from hustings.bootstrap import Container, Settings
from tests.cli_runner import run_cli
from tests.identities import ensure_url
from tests.online.flow import TRUSTEES, election

DOC = Path(__file__).resolve().parents[2] / "docs" / "online-voting.md"


def doc_commands() -> list[list[str]]:
    text = DOC.read_text("utf-8")
    block = text.split("```console\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line[2:])[1:] for line in block.splitlines() if line.startswith("$ ")]


def test_the_documented_flow_runs(capsys, tmp_path: Path, sqlite_template: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(sqlite_template, tmp_path / "doc.db")
    url = f"sqlite:///{tmp_path / 'doc.db'}"
    box = Container(Settings(url))
    try:
        election(box.uow_factory, "riverside-chair", members=5)
    finally:
        box.close()
    for name in TRUSTEES:
        ensure_url(url, name)
    monkeypatch.setenv("HUSTINGS_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    commands = doc_commands()
    assert len(commands) > 20
    outputs = []
    for argv in commands:
        user = "test-admin"
        if argv[0] == "--user":
            user, argv = argv[1], argv[2:]
        if argv[0] == "vote" and not (tmp_path / "my-credential.txt").exists():
            with (tmp_path / "ca" / "riverside-chair-credentials.csv").open() as f:
                first = next(csv.DictReader(f))
            (tmp_path / "my-credential.txt").write_text(first["credential"] + "\n")
        code, out, err = run_cli(capsys, *argv, user=user)
        assert code == 0, (argv, out, err)
        outputs.append(out)
    assert "ready" in outputs[9]
    assert "online verify" not in outputs[-2] and "verifies" in outputs[-2]
    record = json.loads((tmp_path / "record" / "record.json").read_text())
    assert record["result"] == {"counts": [[0, 1, 0]]}  # the member's last ballot: ben
    assert len(record["board"]) == 2
