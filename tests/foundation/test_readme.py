"""The README's tour tells the truth: every file it names exists, every command it shows is a
real command, and certification is dated (`--on`)."""

from __future__ import annotations

import re

from hustings.cli.entry import COMMANDS
from tests.conftest import ROOT


def _tour() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## A tour of the command line", 1)[1].split("```sh", 1)[1]
    return [line for line in block.split("```", 1)[0].splitlines() if line.strip()]


def test_every_file_the_tour_names_exists() -> None:
    named = [word for line in _tour() for word in line.split("#")[0].split()
             if re.fullmatch(r"[\w./-]+\.(csv|toml|txt|json|blt)", word)]
    assert named and all((ROOT / name).is_file() for name in named), [
        n for n in named if not (ROOT / n).is_file()]


def test_every_tour_command_is_a_command_and_certify_is_dated() -> None:
    lines = [line.split("#")[0] for line in _tour()]
    names = {name.split()[0] for name in COMMANDS}
    for line in lines:
        line = re.sub(r"--(user|db) \S+", "", line)  # global options with a value
        words = [w for w in line.split() if "=" not in w]
        if not words or words[0] != "hustings":
            continue
        rest = [w for w in words[1:] if not w.startswith("-")]
        assert rest and rest[0] in names, line
    assert any("election certify" in line and "--on " in line for line in lines)
