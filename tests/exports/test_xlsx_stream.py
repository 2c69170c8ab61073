"""The streamed XLSX sheet (``exports.xlsx``): a workbook a spreadsheet opens as written,
text as text (escaped for XML, nothing evaluated), numbers as numbers, the heading bold."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from exports import xlsx
from exports.xlsx import XlsxStream, column_letters, sheet_name


def test_column_letters_run_a_to_z_then_aa() -> None:
    assert [column_letters(i) for i in (0, 1, 25, 26, 27, 51, 52, 701, 702, 16383)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
        "XFD",
    ]


def test_a_sheet_name_loses_what_excel_refuses_and_keeps_31_characters() -> None:
    assert sheet_name("案件 [2026]: a/b\\c?*") == "案件 2026 abc"
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("[]") == "Sheet1"


def test_the_file_opens_with_every_cell_as_written(tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    awkward = ['<b>&"引号"</b>', "'=1+1", "  spaces kept  ", "第一行\n第二行", "", "x" * 5000]
    with XlsxStream(path, title="本市场案件 & <列表>") as sheet:
        sheet.row(["参考号", "数量", "备注"], bold=True)
        sheet.row(["GX-2026-000001", 42, awkward[0]])
        for n, text in enumerate(awkward[1:]):
            sheet.row([f"GX-{n}", n, text])

    book = load_workbook(path)
    page = book.active
    assert page is not None and page.title == "本市场案件 & <列表>"
    rows = [[cell.value for cell in row] for row in page.iter_rows()]
    assert rows[0] == ["参考号", "数量", "备注"]
    assert rows[1] == ["GX-2026-000001", 42, awkward[0]]
    assert [row[2] for row in rows[2:]] == [*awkward[1:4], None, awkward[5]]
    assert page["B2"].data_type == "n" and page["C3"].data_type == "s"  # '=1+1 is text
    assert page["A1"].font.b and not page["A2"].font.b
    assert zipfile.ZipFile(path).testzip() is None


def test_a_sheet_refuses_more_rows_than_excel_holds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "XLSX_MAX_ROWS", 2)
    with XlsxStream(tmp_path / "long.xlsx", title="t") as sheet:
        sheet.row(["a"])
        sheet.row(["b"])
        with pytest.raises(ValueError, match="at most 2 rows"):
            sheet.row(["c"])
