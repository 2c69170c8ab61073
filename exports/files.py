"""Writing a list to a file, row by row, with memory that stays flat however long the list is:
rows come from the database in chunks (``QuerySet.iterator``), CSV is written as it comes, and
XLSX through openpyxl's write-only mode (rows go to a temporary file, never into a tree in
memory). Every cell passes ``audit.spreadsheets.cell_value``: no text runs as a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from audit.spreadsheets import cell_text, cell_value

from .lists import ExportableList

# Rows fetched per round trip, and how often the progress is reported.
CHUNK_SIZE = 2000

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Sheet(Protocol):
    def heading(self, values: Sequence[object]) -> None: ...
    def row(self, values: Iterable[object]) -> None: ...
    def close(self) -> None: ...


class CsvSheet:
    """UTF-8 with a byte-order mark (so Excel reads the Chinese right), CRLF line ends."""

    def __init__(self, path: Path) -> None:
        self._file = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._file, lineterminator="\r\n")

    def heading(self, values: Sequence[object]) -> None:
        self.row(values)

    def row(self, values: Iterable[object]) -> None:
        self._writer.writerow([cell_value(value) for value in values])

    def close(self) -> None:
        self._file.close()


class XlsxSheet:
    """One sheet of a write-only workbook, headings in bold; saved on close."""

    def __init__(self, path: Path, *, title: str) -> None:
        self._path = path
        self._workbook = Workbook(write_only=True)
        self._sheet: Any = self._workbook.create_sheet(title=cell_text(title)[:31])
        self._bold = Font(bold=True)

    def heading(self, values: Sequence[object]) -> None:
        cells = []
        for value in values:
            cell = WriteOnlyCell(self._sheet, value=cell_value(value))
            cell.font = self._bold
            cells.append(cell)
        self._sheet.append(cells)

    def row(self, values: Iterable[object]) -> None:
        self._sheet.append([cell_value(value) for value in values])

    def close(self) -> None:
        self._workbook.save(self._path)
        self._workbook.close()


def sheet_open(path: Path, fmt: str, *, title: str) -> Sheet:
    if fmt == "csv":
        return CsvSheet(path)
    if fmt == "xlsx":
        return XlsxSheet(path, title=title)
    raise ValueError(f"unknown export format {fmt!r}")


def list_write(
    export_list: ExportableList,
    rows: Any,
    *,
    path: Path,
    fmt: str,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the headings and every row of ``rows`` (a queryset of the list) to ``path``;
    ``progress(rows written)`` is called after every chunk. Returns the rows written."""
    sheet = sheet_open(path, fmt, title=str(export_list.title))
    written = 0
    try:
        sheet.heading(export_list.headings())
        for values in rows.values_list(*export_list.fields).iterator(chunk_size=CHUNK_SIZE):
            sheet.row(export_list.cells(values))
            written += 1
            if progress is not None and written % CHUNK_SIZE == 0:
                progress(written)
    finally:
        sheet.close()
    return written
