"""Per-package line-coverage thresholds, checked after the suite (`make unit`).

Reads coverage.py's JSON report and the thresholds in pyproject.toml
(`[tool.hustings.coverage]`: a percentage per package of `hustings`, and `default` for the
others). Prints one line per package; exits 1 if any package is below its threshold, naming
the files and lines missing where the threshold is 100%.

    python tests/coverage_check.py coverage.json [pyproject.toml]
"""

from __future__ import annotations

import json
import sys
import tomllib
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def package_of(path: str) -> str:
    """`src/hustings/counting/irv.py` -> `counting`; a top-level module -> `hustings`."""
    parts = Path(path).parts
    if "hustings" not in parts:
        return ""
    rest = parts[len(parts) - parts[::-1].index("hustings"):]
    return rest[0] if len(rest) > 1 else "hustings"


def thresholds(pyproject: Path) -> dict[str, float]:
    config = tomllib.loads(pyproject.read_text("utf-8"))
    table: dict[str, Any] = config.get("tool", {}).get("hustings", {}).get("coverage", {})
    return {str(k): float(v) for k, v in table.items()}


def check(report: dict[str, Any], limits: dict[str, float]) -> tuple[bool, list[str]]:
    """(all packages at or above their threshold, the lines to print)."""
    covered: dict[str, int] = defaultdict(int)
    statements: dict[str, int] = defaultdict(int)
    missing: dict[str, list[str]] = defaultdict(list)
    for path, data in report.get("files", {}).items():
        package = package_of(path)
        if not package:
            continue
        summary = data["summary"]
        covered[package] += int(summary["covered_lines"])
        statements[package] += int(summary["num_statements"])
        if data.get("missing_lines"):
            lines = ",".join(str(n) for n in data["missing_lines"])
            missing[package].append(f"    {path}: {lines}")
    ok, out = True, []
    default = limits.get("default", 0.0)
    for package in sorted(statements):
        total = statements[package]
        percent = 100.0 * covered[package] / total if total else 100.0
        want = limits.get(package, default)
        passed = percent >= want
        ok = ok and passed
        out.append(f"{'ok  ' if passed else 'LOW '} {package:<10} {percent:6.2f}% of "
                   f"{total:>5} lines (threshold {want:g}%)")
        if not passed and want >= 100.0:
            out.extend(missing[package])
    for package in sorted(set(limits) - set(statements) - {"default"}):
        ok = False
        out.append(f"LOW  {package:<10} not measured at all (threshold {limits[package]:g}%)")
    return ok, out


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    report = json.loads(Path(argv[0]).read_text("utf-8"))
    limits = thresholds(Path(argv[1]) if len(argv) > 1 else ROOT / "pyproject.toml")
    ok, lines = check(report, limits)
    print("coverage per package:")
    print("\n".join(lines))
    if not ok:
        print("coverage below the thresholds in pyproject.toml [tool.hustings.coverage]",
              file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
