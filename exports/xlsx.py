"""A one-sheet XLSX file written as a stream: the sheet's XML goes straight into the zip
archive, row by row, so memory stays flat however long the list is.

An XLSX workbook is a zip of a few XML parts (ECMA-376, SpreadsheetML). A list export needs
one sheet of text and whole numbers with a bold heading, nothing more, and writing exactly that
is several times faster than a general-purpose library's cell-by-cell path (bench/README.md,
"Exports"). Text cells are inline strings (no shared-strings table to hold in memory); every
text has already passed ``audit.spreadsheets.cell_value``, which drops the characters XML
cannot hold; here it is escaped for XML.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType
from xml.sax.saxutils import escape

# Rows of one sheet, the heading included (Excel's limit).
XLSX_MAX_ROWS = 1_048_576
# Columns of one sheet (Excel's limit: XFD).
XLSX_MAX_COLUMNS = 16_384

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = (
    _XML + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELATIONSHIPS = (
    _XML + f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELATIONSHIPS = (
    _XML + f'<Relationships xmlns="{_PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Two cell formats: 0 the default, 1 bold (the heading).
_STYLES = (
    _XML + f'<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
# Rows gathered before they are compressed into the archive (a few hundred kilobytes).
_ROWS_PER_WRITE = 500
# Characters a sheet's name may not hold.
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def column_letters(index: int) -> str:
    """The letters of the 0-based column ``index``: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_name(title: str) -> str:
    """A valid sheet name: no ``[]:*?/\\``, at most 31 characters, never empty."""
    return _NOT_IN_SHEET_NAMES.sub("", title).strip("'")[:31] or "Sheet1"


class XlsxStream:
    """One sheet, written row by row: ``row(cells, bold=…)`` with each cell an ``int`` (a
    number) or a ``str`` (text, shown as it is; an empty string is an empty cell)."""

    def __init__(self, path: Path, *, title: str) -> None:
        self._zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        self._zip.writestr("[Content_Types].xml", _CONTENT_TYPES)
        self._zip.writestr("_rels/.rels", _ROOT_RELATIONSHIPS)
        self._zip.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELATIONSHIPS)
        self._zip.writestr("xl/styles.xml", _STYLES)
        self._zip.writestr(
            "xl/workbook.xml",
            _XML + f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>'
            f'<sheet name="{escape(sheet_name(title), {chr(34): "&quot;"})}" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        self._sheet = self._zip.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        self._sheet.write(f'{_XML}<worksheet xmlns="{_MAIN}"><sheetData>'.encode())
        self._rows = 0
        self._columns: list[str] = []
        self._pending: list[str] = []  # rows not yet handed to the compressor

    def row(self, cells: Iterable[int | str], *, bold: bool = False) -> None:
        if self._rows >= XLSX_MAX_ROWS:
            raise ValueError(f"an XLSX sheet holds at most {XLSX_MAX_ROWS} rows: export as CSV")
        self._rows += 1
        number = self._rows
        style = ' s="1"' if bold else ""
        parts = [f'<row r="{number}">']
        for index, cell in enumerate(cells):
            if index >= len(self._columns):
                if index >= XLSX_MAX_COLUMNS:
                    raise ValueError(f"an XLSX sheet holds at most {XLSX_MAX_COLUMNS} columns")
                self._columns.append(column_letters(index))
            if isinstance(cell, int):
                parts.append(f'<c r="{self._columns[index]}{number}"{style}><v>{cell}</v></c>')
            elif cell:
                parts.append(
                    f'<c r="{self._columns[index]}{number}"{style} t="inlineStr"><is>'
                    f'<t xml:space="preserve">{escape(cell)}</t></is></c>'
                )
        parts.append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= _ROWS_PER_WRITE:
            self._flush()

    def _flush(self) -> None:
        self._sheet.write("".join(self._pending).encode())
        self._pending.clear()

    def close(self) -> None:
        self._flush()
        self._sheet.write(b"</sheetData></worksheet>")
        self._sheet.close()
        self._zip.close()

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
