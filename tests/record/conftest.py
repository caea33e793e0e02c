"""Fixtures for the record tests: the three seed articles, by election year."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def seed_files(seeds_dir: Path) -> dict[int, Path]:
    """2001, 2002, 2003 -> the seed article's path (file names are opaque)."""
    found = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        title = path.read_text(encoding="utf-8").lstrip().splitlines()[0]
        found[int(title.strip("= ")[:4])] = path
    assert sorted(found) == [2001, 2002, 2003]
    return found


@pytest.fixture(scope="session")
def seeds(seed_files: dict[int, Path]) -> dict[int, tuple[str, str]]:
    """2001, 2002, 2003 -> (file name, text)."""
    return {year: (p.name, p.read_text(encoding="utf-8")) for year, p in seed_files.items()}
