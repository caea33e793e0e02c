"""A poll-based election result as CSV and JSON text (the published JSON contract)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any


def result_json(result: dict[str, Any]) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)


def result_csv(result: dict[str, Any]) -> str:
    """One row per candidate, then blank, invalid and the totals, with the denominator named."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    base = result.get("percentage_base", "valid")
    writer.writerow(["election", "line", "votes", f"percentage_of_{base}"])
    for c in result["candidates"]:
        writer.writerow([result["election"], c["name"], c["votes"], c["percentage"]])
    for line in ("blank", "invalid", "valid", "ballots_cast", "registered"):
        writer.writerow([result["election"], line, result[line], ""])
    writer.writerow([result["election"], "turnout", "", result["turnout"]])
    return out.getvalue()
