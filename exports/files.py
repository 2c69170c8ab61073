"""Writing a list to a file, row by row, with memory that stays flat however long the list is:
rows come from the database in chunks (``QuerySet.iterator``), CSV is written as it comes, and
XLSX streamed into its zip archive (``exports.xlsx``: never a tree in memory, and several times
faster than a general-purpose library's cell-by-cell path, see bench/README.md). Every cell
passes ``audit.spreadsheets.cell_value``: no text runs as a formula.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from audit.spreadsheets import cell_text, cell_value

from .lists import ExportableList
from .xlsx import XlsxStream

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
    """One XLSX sheet streamed into its file (``exports.xlsx``), the headings in bold. Text is
    always written as text, numbers as numbers."""

    def __init__(self, path: Path, *, title: str) -> None:
        self._stream = XlsxStream(path, title=cell_text(title))

    def heading(self, values: Sequence[object]) -> None:
        self._stream.row([cell_value(value) for value in values], bold=True)

    def row(self, values: Iterable[object]) -> None:
        self._stream.row([cell_value(value) for value in values])

    def close(self) -> None:
        self._stream.close()


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
