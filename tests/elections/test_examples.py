"""The examples' READMEs, run command by command through the real console script."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.cli_runner import run_cli
from tests.conftest import ROOT


def commands(readme: Path) -> list[list[str]]:
    text = readme.read_text(encoding="utf-8")
    block = text.split("```sh", 1)[1].split("```", 1)[0]
    return [shlex.split(line)[1:] for line in block.splitlines() if line.startswith("hustings")]


@pytest.mark.parametrize(
    ("folder", "slug", "winners"),
    [
        ("uk-labour-2010-college", "example-college-2010", 1),
        ("union-executive-stv", "union-executive-2025", 5),
    ],
)
def test_an_example_runs_as_its_readme_says(
    database_url: str,
    folder: str,
    slug: str,
    winners: int,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    for argv in commands(ROOT / "examples" / folder / "README.md"):
        user = "test-admin"
        if argv[:1] == ["--user"]:
            user, argv = argv[1], argv[2:]
        code, out, err = run_cli(capsys, "--db", database_url, *argv, user=user)
        assert code == 0, f"hustings {' '.join(argv)}: {err}"
    code, out, err = run_cli(capsys, "--db", database_url, "results", slug, "--format", "json")
    result = json.loads(out)
    assert len(result["winners"]) == winners and result["status"] in ("provisional", "certified")
    assert result["rounds"] and not [t for t in result["ties"] if "lot" in t["broken_by"]]
    if folder.startswith("uk"):
        assert [s["key"] for s in result["sections"]] == ["plp", "members", "affiliates"]
        assert result["sections"][0]["ballots_cast"] == 258
