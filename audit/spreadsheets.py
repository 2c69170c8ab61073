"""Cells of the files officials open in Excel (CSV and XLSX), safe to open: the one place that
neutralises formula injection, for the ledger (``audit.exports``), the list exports
(``exports``) and every other spreadsheet the back office writes.

Text that a spreadsheet would read as a formula, because it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (OWASP "CSV injection"), gets a leading apostrophe, so it is
shown and stored as text. Names, subjects and labels come from users and must never run as
formulas on an official's machine.

It lives in ``audit``, the lowest layer that writes spreadsheets, so that every layer above can
use this one copy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# What a cell may hold as it is: numbers are never formulas. Everything else is text.
Cell = str | int


def cell_text(value: StrOrPromise) -> str:
    """``value`` as text no spreadsheet evaluates: control characters (other than tab, line
    feed and carriage return) dropped, which XLSX cannot hold anyway, then a leading
    apostrophe before a formula trigger. Dropping comes first, or "\x01=…" would slip through.
    """
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def cell_value(value: object) -> Cell:
    """A cell as written: an integer as it is (``bool`` is not one: it becomes text), ``None``
    as an empty cell, anything else as neutralised text (``cell_text``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if value is None:
        return ""
    return cell_text(str(value))
