"""Python's csv reader with its errors turned into located input errors."""

from __future__ import annotations

import csv
import io

from hustings.domain.errors import InvalidInput, Problem


def csv_rows(text: str, source: str) -> list[tuple[int, list[str]]]:
    """Every row with the line it ends on; a malformed line is an InvalidInput naming it.

    Line ends may be \\n, \\r\\n or a lone \\r (old spreadsheets): all are read as ends.
    """
    reader = csv.reader(io.StringIO(text, newline=None))
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num, row))
    except csv.Error as exc:
        raise InvalidInput(Problem(f"malformed CSV: {exc}", source,
                                   max(reader.line_num, 1))) from None
    return rows


def csv_header(first_line: str, source: str) -> list[str]:
    """The cells of a header line (stripped); an empty list when the line is blank."""
    rows = csv_rows(first_line.splitlines()[0] if first_line.strip() else "", source)
    return [cell.strip() for cell in rows[0][1]] if rows else []
