"""A chart and its table, one piece of data (图表与数据表): what a page draws with Apache ECharts
(``static/js/charts.js``), what it prints as a table beside it (for screen readers and for
copying), and what its CSV and XLSX downloads hold are the same ``Chart``.

A chart has categories (the x axis: weeks, states, officers, markets …) and one or more series
of values, one per category. Its table has one row per category and one column per series.
Values are whole numbers, or rates as floats (shown with one decimal); ``None`` is "no data"
(an on-time rate of a week with no finished case), shown as "—" and drawn as a gap, never as 0.

Files pass ``audit.spreadsheets.cell_value`` (through ``exports.files``): a label typed by a
user (an officer's name, a market's name) never runs as a formula.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .files import CONTENT_TYPES, sheet_open

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Value = int | float | None

# How a chart is drawn (charts.js knows these): bars, stacked bars, a line, a pie.
BAR = "bar"
STACKED = "stacked"
LINE = "line"
PIE = "pie"
CHART_TYPES = (BAR, STACKED, LINE, PIE)
FORMATS = ("csv", "xlsx")
NO_DATA = "—"


@dataclass(frozen=True)
class Series:
    name: StrOrPromise
    values: Sequence[Value]


@dataclass(frozen=True)
class Chart:
    """One chart of a page. ``name`` is unique on its page (a slug: the element ids and the
    download's ``?chart=`` come from it)."""

    name: str
    title: StrOrPromise
    category_heading: StrOrPromise
    categories: Sequence[str]
    series: Sequence[Series]
    type: str = BAR
    # The drawn axis is a percentage (0–100).
    percent: bool = False
    note: StrOrPromise = ""
    # How many series are drawn (the first ones); the others are only in the table (the
    # counts behind a rate). 0: all.
    drawn: int = 0
    # Drawn large (the big screen, read from five metres).
    large: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.type not in CHART_TYPES:
            raise ValueError(f"unknown chart type {self.type!r}")
        for line in self.series:
            if len(line.values) != len(self.categories):
                raise ValueError(f"{self.name}: {line.name} has not one value per category")

    # --- The page's element ids ------------------------------------------------------------

    @property
    def dom_id(self) -> str:
        return f"chart-{self.name}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.name}-data"

    @property
    def table_id(self) -> str:
        return f"chart-{self.name}-table"

    # --- The table --------------------------------------------------------------------------

    @property
    def is_empty(self) -> bool:
        return not any(value for line in self.series for value in line.values)

    def headings(self) -> list[str]:
        return [str(self.category_heading), *(str(line.name) for line in self.series)]

    def rows(self) -> list[list[str | int]]:
        """The table's rows as shown and downloaded: numbers as they are, a percentage as
        text with one decimal, no data as an empty cell."""
        return [
            [category, *(_cell(line.values[index]) for line in self.series)]
            for index, category in enumerate(self.categories)
        ]

    def display_rows(self) -> list[list[str | int]]:
        """The rows as the page's table shows them: no data as "—"."""
        return [[cell if cell != "" else NO_DATA for cell in row] for row in self.rows()]

    def table_body(self) -> SafeString:
        """The rows of the page's table as HTML (``includes/chart.html``): the category a row
        heading, each value a number cell, every text escaped. Built here rather than by the
        template's loops: a page of charts has a thousand cells, and a template renders each
        one through its variable lookup and number localisation (whole numbers are shown as
        they are; no thousands separator is set)."""
        rows = self.display_rows()
        if not rows:
            return format_html(
                '<tr><td colspan="{}" class="hint">{}</td></tr>', len(self.headings()), _("No data")
            )
        return SafeString(
            "\n".join(
                f'<tr><th scope="row">{escape(str(category))}</th>'
                + "".join(f'<td class="number">{escape(str(cell))}</td>' for cell in cells)
                + "</tr>"
                for category, *cells in rows
            )
        )

    # --- What charts.js draws ----------------------------------------------------------------

    def spec(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "title": str(self.title),
            "percent": self.percent,
            "large": self.large,
            "drawn": self.drawn or len(self.series),
            # Shown across the drawing when there is nothing to draw.
            "empty": str(_("No data")) if self.is_empty else "",
            "categories": [str(category) for category in self.categories],
            "headings": self.headings(),
            "series": [
                {"name": str(line.name), "data": [_number(v) for v in line.values]}
                for line in self.series
            ],
        }


def _number(value: Value) -> int | float | None:
    if isinstance(value, float):
        return round(value, 1)
    return value


def _cell(value: Value) -> str | int:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    return value


def chart_find(charts: Sequence[Chart], name: str) -> Chart | None:
    return next((chart for chart in charts if chart.name == name), None)


def chart_file(chart: Chart, fmt: str) -> tuple[bytes, str]:
    """The chart's table as a CSV (UTF-8 with a byte-order mark) or XLSX file, and its content
    type; every cell neutralised against formula injection."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    title = str(chart.title)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"chart.{fmt}"
        sheet = sheet_open(path, fmt, title=title)
        try:
            sheet.heading(chart.headings())
            for row in chart.rows():
                sheet.row(row)
        finally:
            sheet.close()
        content = path.read_bytes()
    return content, CONTENT_TYPES[fmt]


def chart_filename(chart: Chart, fmt: str, *, prefix: str) -> str:
    return f"{prefix}-{chart.name}.{fmt}"


def charts_spec(charts: Sequence[Chart]) -> dict[str, dict[str, Any]]:
    """{name: spec} of a page's charts, for a JSON endpoint that refreshes them."""
    return {chart.name: chart.spec() for chart in charts}
