"""ES&S cast vote record spreadsheets (.xlsx), as RCTab reads them.

One ballot a row from `first_row` (1-based), one rank a column from `first_column` (1-based) to
the last column of the header row. Cells hold a candidate name, the overvote label, the skipped
rank label (or nothing), or the undeclared write-in label; with an overvote delimiter a cell may
name several candidates (`A|B`). The workbook is read with the standard library: an .xlsx file
is a zip of XML parts.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from xml.etree import ElementTree

from hustings.formats.cvr_common import (
    EMPTY,
    OVERVOTE,
    WRITE_IN,
    BallotFile,
    fail,
    profile_from_rows,
    rank_of,
)

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL = re.compile(r"^([A-Z]+)(\d+)$")


def read_ess_xlsx(
    path: Path | str,
    *,
    candidates: Mapping[str, int],
    names: list[str],
    first_column: int = 2,
    first_row: int = 2,
    overvote_label: str = "overvote",
    skipped_label: str = "undervote",
    write_in_label: str = "UWI",
    overvote_delimiter: str = "",
    blank_is_write_in: bool = False,
    ranks: int | None = None,
) -> BallotFile:
    """Read an ES&S xlsx CVR; `candidates` maps every accepted name (or alias) to an index.

    `ranks` columns are read from `first_column` (RCTab: the maximum number of rankings);
    by default every column to the end of the header row.
    """
    path = Path(path)
    source = str(path)
    rows: list[list[int | tuple[int, ...]]] = []
    width = 0
    for number, cells in _sheet_rows(path, source):
        if number < first_row - 1:
            continue
        if number == first_row - 1:
            width = len(cells)
            continue
        if not any(cell.strip() for cell in cells):
            continue  # a blank row of the sheet, not a ballot
        ranking: list[int | tuple[int, ...]] = []
        last = first_column - 1 + ranks if ranks is not None else max(width, len(cells))
        for col in range(first_column - 1, last):
            value = cells[col].strip() if col < len(cells) else ""
            ranking.append(_code(value, candidates, overvote_label, skipped_label,
                                 write_in_label, overvote_delimiter, blank_is_write_in,
                                 source, number, _column_name(col)))
        rows.append(ranking)
    return BallotFile(profile_from_rows(names, rows, [1] * len(rows)), source)


def _code(
    value: str,
    candidates: Mapping[str, int],
    overvote_label: str,
    skipped_label: str,
    write_in_label: str,
    delimiter: str,
    blank_is_write_in: bool,
    source: str,
    line: int,
    field: str,
) -> int | tuple[int, ...]:
    if value == "":
        return WRITE_IN if blank_is_write_in else EMPTY
    if value == skipped_label:
        return EMPTY
    if value == overvote_label:
        return OVERVOTE
    if write_in_label and value == write_in_label:
        return WRITE_IN
    parts = value.split(delimiter) if delimiter and delimiter in value else [value]
    indices = []
    for part in parts:
        part = part.strip()
        if write_in_label and part == write_in_label:
            return OVERVOTE  # an overvote including an unnamed write-in
        if part not in candidates:
            fail(f"unknown candidate {part!r}", source, line, field)
        indices.append(candidates[part])
    return rank_of(indices)


def _column_name(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _sheet_rows(path: Path, source: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of the workbook's first sheet."""
    try:
        book = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        fail("not an .xlsx workbook (not a zip archive)", source)
    with book:
        strings = _shared_strings(book)
        sheet = _first_sheet(book, source)
        with book.open(sheet) as stream:
            for _, element in ElementTree.iterparse(stream):
                if element.tag != f"{_NS}row":
                    continue
                cells: list[str] = []
                for cell in element.iter(f"{_NS}c"):
                    ref = _CELL.match(cell.get("r", ""))
                    col = _column_index(ref.group(1)) if ref else len(cells)
                    while len(cells) < col:
                        cells.append("")
                    cells.append(_value(cell, strings))
                yield int(element.get("r", "0")), cells
                element.clear()


def _value(cell: ElementTree.Element, strings: list[str]) -> str:
    kind = cell.get("t")
    if kind == "inlineStr":
        return "".join(t.text or "" for t in cell.iter(f"{_NS}t"))
    value = cell.findtext(f"{_NS}v") or ""
    if kind == "s" and value:
        return strings[int(value)]
    if value.endswith(".0"):
        value = value[:-2]
    return value


def _shared_strings(book: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in book.namelist():
        return []
    root = ElementTree.fromstring(book.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{_NS}t")) for si in root.iter(f"{_NS}si")]


def _first_sheet(book: zipfile.ZipFile, source: str) -> str:
    names = book.namelist()
    try:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        first = next(workbook.iter(f"{_NS}sheet")).get(f"{_REL}id")
        for rel in rels:
            if rel.get("Id") == first:
                target = rel.get("Target", "").lstrip("/")
                return target if target.startswith("xl/") else f"xl/{target}"
    except (KeyError, StopIteration, ElementTree.ParseError):
        pass
    sheets = sorted(n for n in names if n.startswith("xl/worksheets/sheet"))
    if not sheets:
        fail("the workbook has no worksheet", source)
    return sheets[0]
