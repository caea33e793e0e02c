"""Docs checked against the code: every counting method's page documents every option the
registry gives it; docs/cli.md names every command and every exit code."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from hustings.counting.registry import all_methods

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.parametrize("method", all_methods(), ids=lambda m: m.name)
def test_each_rules_page_documents_every_option(method: object) -> None:
    page = DOCS / "rules" / f"{method.name}.md"  # type: ignore[attr-defined]
    assert page.exists(), f"{page} is missing"
    text = page.read_text("utf-8")
    rows = set(re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE))
    names = {o.name for o in method.options}  # type: ignore[attr-defined]
    assert names - rows == set(), f"{page.name} lacks rows for these options"
    assert rows - names == set(), f"{page.name} documents options the method does not have"


def _commands() -> Iterator[str]:
    import typer

    from hustings.cli.app import app

    def walk(command: object, prefix: list[str]) -> Iterator[str]:
        subs = getattr(command, "commands", None)
        if not subs:
            yield " ".join(prefix)
            return
        for name, sub in subs.items():
            yield from walk(sub, [*prefix, name])

    yield from walk(typer.main.get_command(app), ["hustings"])


def test_cli_md_names_every_command() -> None:
    text = (DOCS / "cli.md").read_text("utf-8")
    commands = list(_commands())
    assert len(commands) > 20
    missing = [c for c in commands if f"`{c}" not in text]
    assert missing == []


def test_cli_md_lists_every_exit_code() -> None:
    from hustings.cli.integrity import EXIT_TAMPERED
    from hustings.cli.runner import EXIT_CODES, INTERNAL_ERROR

    text = (DOCS / "cli.md").read_text("utf-8")
    table = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, flags=re.MULTILINE)}
    expected = {0, INTERNAL_ERROR, EXIT_TAMPERED, *EXIT_CODES.values()}
    assert documented == expected
