"""Writing a list to a file, row by row, with memory that stays flat however long the list is:
rows come from the database in chunks (``QuerySet.iterator``), CSV is written as it comes, and
XLSX through xlsxwriter's ``constant_memory`` mode (rows go to a temporary file, never into a
tree in memory; several times faster than openpyxl's write-only mode without lxml, see
bench/README.md). Every cell passes ``audit.spreadsheets.cell_value``: no text runs as a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import xlsxwriter

from audit.spreadsheets import cell_text, cell_value

from .lists import ExportableList

# Rows fetched per round trip, and how often the progress is reported.
CHUNK_SIZE = 2000

# Rows of one XLSX sheet, the heading included (Excel's limit).
XLSX_MAX_ROWS = 1_048_576

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
    """One sheet of an XLSX workbook written by xlsxwriter in ``constant_memory`` mode: each row
    goes to a temporary file as it is written (strings inline, no shared-strings table held in
    memory), headings in bold. Text is always written as text (``write_string``, and the
    workbook's ``strings_to_formulas`` off), numbers as numbers."""

    def __init__(self, path: Path, *, title: str) -> None:
        self._workbook = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "tmpdir": str(path.parent),
            },
        )
        self._sheet = self._workbook.add_worksheet(cell_text(title)[:31])
        self._bold = self._workbook.add_format({"bold": True})
        self._next = 0

    def _write(self, values: Iterable[object], style: Any = None) -> None:
        row, sheet = self._next, self._sheet
        if row >= XLSX_MAX_ROWS:  # xlsxwriter would drop the rest without a word
            raise ValueError(f"an XLSX sheet holds at most {XLSX_MAX_ROWS} rows: export as CSV")
        for column, value in enumerate(values):
            cell = cell_value(value)
            if isinstance(cell, int):
                sheet.write_number(row, column, cell, style)
            elif cell:
                sheet.write_string(row, column, cell, style)
        self._next += 1

    def heading(self, values: Sequence[object]) -> None:
        self._write(values, self._bold)

    def row(self, values: Iterable[object]) -> None:
        self._write(values)

    def close(self) -> None:
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
        cells = export_list.row_shower()
        for values in rows.values_list(*export_list.fields).iterator(chunk_size=CHUNK_SIZE):
            sheet.row(cells(values))
            written += 1
            if progress is not None and written % CHUNK_SIZE == 0:
                progress(written)
    finally:
        sheet.close()
    return written
