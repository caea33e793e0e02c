"""docs/integrity.md's checkpoint commands, run line by line on the demo database."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

import pytest

from hustings_verify.cli import main as verify_main
from tests.integrity.builders import cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "integrity.md"


@pytest.fixture(autouse=True)
def _verified_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Replicas kept by `log checkpoint` for PostgreSQL databases go under the test's folder."""
    monkeypatch.setenv("HUSTINGS_VERIFIED_DIR", str(tmp_path / "verified"))


def doc_commands() -> list[list[str]]:
    section = DOC.read_text("utf-8").split("## Checkpoints", 1)[1].split("\n## ", 1)[0]
    block = section.split("```console\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def test_the_documented_checkpoint_commands_run(demo: Any, capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    commands = doc_commands()
    assert [c[:3] for c in commands[:3]] == [["hustings", "log", "checkpoint"],
                                             ["hustings", "log", "verify"],
                                             ["hustings", "log", "export"]]
    assert commands[3][0] == "hustings-verify"
    db = demo.settings.database_url
    demo.engine.dispose()
    for words in commands:
        if words[0] == "hustings":
            code, out, err = cli(capsys, "--db", db, *words[1:],
                                 user="returning-officer", password="demo-password")
        else:
            try:
                verify_main(words[1:])
                code = 0
            except SystemExit as done:
                code = int(done.code or 0)
            out, err = capsys.readouterr()
        assert code == 0, f"{' '.join(words)}: {out}{err}"
    assert (tmp_path / "2026-12-02.checkpoint").exists()
    assert (tmp_path / "record-2026-12-02" / "manifest.json").exists()
