"""`hustings count` starts small and exits cleanly: the real console script, in a process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli_runner import run_cli

PROBE = ("import sys\nfrom hustings.cli.entry import main\n"
         "try:\n    main(sys.argv[1:])\nexcept SystemExit as done:\n    code = done.code\n"
         "print('LOADED=' + ','.join(m for m in ('pydantic', 'sqlalchemy', 'hustings.services', "
         "'hustings.formats.cvr_nist', 'hustings.formats.cvr_csv', 'pyarrow') if m in "
         "sys.modules))\n")


def _loaded(*argv: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *argv], capture_output=True,
                          text=True, check=True)
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith("LOADED=")
    return [m for m in line.removeprefix("LOADED=").split(",") if m]


def test_count_of_a_blt_file_loads_neither_pydantic_pyarrow_nor_the_services(
        tmp_path: Path) -> None:
    blt = tmp_path / "e.blt"
    blt.write_text('2 1\n1 1 2 0\n1 2 0\n1 1 0\n0\n"A"\n"B"\n"t"\n')
    assert _loaded("count", str(blt), "--method", "irv", "--format", "json") == []


def test_count_of_a_csv_loads_only_the_csv_reader(tmp_path: Path) -> None:
    cvr = tmp_path / "e.csv"
    cvr.write_text("rank1,rank2\nA,B\nB,A\nA,\n")
    assert _loaded("count", str(cvr), "--method", "irv") == ["hustings.formats.cvr_csv", "pyarrow"]


def test_the_console_script_exits_cleanly_after_a_threaded_csv_read(tmp_path: Path) -> None:
    # pyarrow reads ahead on its own threads; with a Python file object there, the process
    # sometimes aborted at exit (SIGABRT, "terminate called without an active exception")
    cvr = tmp_path / "e.csv"
    cvr.write_text("rank1,rank2\nA,B\nB,A\nA,\n")
    script = Path(sys.executable).with_name("hustings")
    for _ in range(25):
        done = subprocess.run([str(script), "count", str(cvr), "--method", "irv", "--format",
                               "json"], capture_output=True, text=True)
        assert (done.returncode, done.stderr) == (0, "")
        assert '"winners": ["A"]' in done.stdout


@pytest.mark.parametrize(("value", "shown"), [
    ("x", "Input should be a valid integer"),
    ("", "Input should be a valid integer"),
])
def test_a_bad_whole_number_option_is_a_usage_error(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, value: str, shown: str) -> None:
    cvr = tmp_path / "e.csv"
    cvr.write_text("rank1\nA\n")
    code, _, err = run_cli(capsys, "count", str(cvr), "--method", "irv", "--seats", value)
    assert code == 2
    assert shown in err and "--seats" in err


def test_whole_number_and_path_options_are_converted(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cvr = tmp_path / "e.csv"
    cvr.write_text("rank1,rank2\nA,B\nB,C\nC,B\nA,B\n")
    rules = tmp_path / "r.toml"
    rules.write_text("")
    code, out, _ = run_cli(capsys, "count", str(cvr), "--method", "stv", "--seats", " 2 ",
                           "--rules", str(rules), "--format", "json")
    assert code == 0
    assert '"seats": 2' in out


def test_count_of_a_preflib_file_loads_no_pyarrow(tmp_path: Path) -> None:
    soi = tmp_path / "e.soi"
    soi.write_text("# FILE NAME: e.soi\n# DATA TYPE: soi\n# NUMBER ALTERNATIVES: 2\n"
                   "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n3: 1,2\n2: 2\n")
    assert _loaded("count", str(soi), "--method", "irv") == []


@pytest.mark.parametrize(("value", "expected"), [
    (True, True), ("yes", True), (" On ", True), ("1", True), ("false", False), ("", False),
    ("n", False),
])
def test_plain_coercion_of_booleans_reads_typers_words(value: object, expected: bool) -> None:
    from typer.models import OptionInfo

    from hustings.cli.runner import _Plain

    plain = _Plain(parameter_info=OptionInfo(), annotation=bool)
    assert plain._coerce_value(value, None, None) is expected  # type: ignore[arg-type]


def test_plain_coercion_refuses_what_is_not_a_boolean_or_integer() -> None:
    from typer._click.exceptions import BadParameter
    from typer.models import OptionInfo

    from hustings.cli.runner import _Plain

    with pytest.raises(BadParameter, match="valid boolean"):
        _Plain(parameter_info=OptionInfo(), annotation=bool)._coerce_value(
            "maybe", None, None)  # type: ignore[arg-type]
    number = _Plain(parameter_info=OptionInfo(), annotation=int)
    assert number._coerce_value(7, None, None) == 7  # type: ignore[arg-type]
    with pytest.raises(BadParameter, match="valid integer"):
        number._coerce_value("7.5", None, None)  # type: ignore[arg-type]
    text = _Plain(parameter_info=OptionInfo(), annotation=str)
    assert text._coerce_value(12, None, None) == "12"  # type: ignore[arg-type]


def test_plain_coercion_applies_to_plain_parameters_only() -> None:
    import typer
    import typer.main

    from hustings.cli.runner import _Plain, plain_parameters

    app = typer.Typer()

    @app.command()
    def run(name: str = typer.Option("x"), level: int = typer.Option(1, min=0),
            flag: bool = typer.Option(False)) -> None:  # pragma: no cover (never run)
        pass

    command = typer.main.get_command(app)
    plain_parameters(command)
    kinds = {p.name: type(getattr(p, "_runtime_param", None)).__name__ for p in command.params
             if p.name in ("name", "level", "flag")}
    assert kinds == {"name": _Plain.__name__, "level": "NoneType", "flag": _Plain.__name__}
