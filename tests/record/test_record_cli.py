"""`record check FILE...` on a throwaway Typer app (the lead mounts it as `hustings record`)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hustings.cli.record_check import register
from hustings.domain.errors import InvalidInput


@pytest.fixture
def app() -> typer.Typer:
    record_app = typer.Typer()
    register(record_app)

    @record_app.callback()
    def _root() -> None:  # keeps `check` a named sub-command
        """Records."""

    return record_app


def test_the_seeds_exit_1_with_one_line_per_finding(
        app: typer.Typer, seed_files: dict[int, Path]) -> None:
    paths = [str(seed_files[y]) for y in (2001, 2002, 2003)]
    result = CliRunner().invoke(app, ["check", *paths])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert [line.split(": ", 1)[0] for line in lines] == [
        f"{paths[0]}:35", f"{paths[1]}:18", f"{paths[1]}:51", f"{paths[2]}:48"]
    assert lines[0].startswith(f"{paths[0]}:35: unverifiable: a margin of 1,088 votes")
    assert lines[3] == (f"{paths[2]}:48: Total: 1 votes, but the candidates' votes in the "
                        "Infobox add up to 631 + 359 + 281 = 1,271")


def test_only_unverifiable_notes_exit_0(app: typer.Typer, seed_files: dict[int, Path]) -> None:
    result = CliRunner().invoke(app, ["check", str(seed_files[2001])])
    assert result.exit_code == 0
    assert "unverifiable:" in result.output


def test_a_clean_file_prints_nothing(app: typer.Typer, tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("= 2010 X =\n\nInfobox\n- Election Date: 1 May 2010\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(clean)])
    assert (result.exit_code, result.output) == (0, "")


def test_a_bad_file_raises_invalid_input(app: typer.Typer, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("= T =\n\nInfobox\n- Popular Vote1 12\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(bad)])
    assert isinstance(result.exception, InvalidInput)
    assert f"{bad}:4" in str(result.exception)


def test_an_unreadable_file_raises_invalid_input(app: typer.Typer, tmp_path: Path) -> None:
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00")
    result = CliRunner().invoke(app, ["check", str(binary), str(tmp_path / "missing.txt")])
    assert isinstance(result.exception, InvalidInput)
    assert len(result.exception.problems) == 2


def test_no_files_is_a_usage_error(app: typer.Typer) -> None:
    assert CliRunner().invoke(app, ["check"]).exit_code == 2
