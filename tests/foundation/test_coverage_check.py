"""The per-package coverage check that `make unit` runs after the suite."""

from __future__ import annotations

import json
from pathlib import Path

from tests.coverage_check import check, main, package_of, thresholds


def _file(covered: int, statements: int, missing: list[int]) -> dict[str, object]:
    return {"summary": {"covered_lines": covered, "num_statements": statements},
            "missing_lines": missing}


REPORT = {"files": {
    "src/hustings/counting/irv.py": _file(99, 100, [7]),
    "src/hustings/counting/stv.py": _file(100, 100, []),
    "src/hustings/web/app.py": _file(45, 50, [1, 2, 3, 4, 5]),
    "src/hustings/bootstrap.py": _file(10, 10, []),
}}


def test_packages_are_named_from_the_path() -> None:
    assert package_of("src/hustings/counting/irv.py") == "counting"
    assert package_of("/x/site-packages/hustings/web/app.py") == "web"
    assert package_of("src/hustings/bootstrap.py") == "hustings"
    assert package_of("tests/web/test_api.py") == ""


def test_a_package_below_its_threshold_fails_and_names_the_lines() -> None:
    ok, lines = check(REPORT, {"counting": 100, "default": 90})
    assert not ok
    assert any(line.startswith("LOW  counting") and "99.50%" in line for line in lines)
    assert "    src/hustings/counting/irv.py: 7" in lines
    assert any(line.startswith("ok   web") and "90.00%" in line for line in lines)


def test_all_at_or_above_passes_and_an_unmeasured_package_fails() -> None:
    assert check(REPORT, {"counting": 99.5, "default": 90})[0]
    ok, lines = check(REPORT, {"counting": 99, "domain": 100, "default": 90})
    assert not ok and any("domain" in line and "not measured" in line for line in lines)


def test_thresholds_come_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.hustings.coverage]\ncounting = 99\ndefault = 90\n', "utf-8")
    assert thresholds(tmp_path / "pyproject.toml") == {"counting": 99.0, "default": 90.0}
    report = tmp_path / "coverage.json"
    report.write_text(json.dumps(REPORT), "utf-8")
    assert main([str(report), str(tmp_path / "pyproject.toml")]) == 0
    (tmp_path / "pyproject.toml").write_text('[tool.hustings.coverage]\ndefault = 95\n',
                                             "utf-8")
    assert main([str(report), str(tmp_path / "pyproject.toml")]) == 1


def test_the_projects_thresholds() -> None:
    limits = thresholds(Path(__file__).resolve().parents[2] / "pyproject.toml")
    assert limits["domain"] == 100 and limits["counting"] >= 99 and limits["default"] >= 90
