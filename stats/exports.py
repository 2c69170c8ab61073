"""A month's figures as the XLSX an official pastes into a report: one sheet, a title, then
each table under its own heading (headline figures, comparison, occupations, industries,
groups, rankings, the daily wage). Text through ``audit.spreadsheets.cell_value`` (formula
injection neutralised), written by ``exports.xlsx.XlsxStream``; each download is recorded."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from accounts.models import User
from audit.spreadsheets import cell_value
from exports.xlsx import XlsxStream

from .compute import Area
from .events import stats_exported_event
from .labels import group_label, scope_name

Row = list[Any]


def _number(value: Any) -> Any:
    """Whole numbers stay numbers; ratios and money are written as text with two decimals
    (the sheet holds text and whole numbers only); None is "no data"."""
    if value is None:
        return _("no data")
    if isinstance(value, float):
        return f"{value:.2f}"
    return value


def _table(rows: list[dict[str, Any]], *, with_seekers: bool) -> Iterator[Row]:
    heading: Row = [_("Code"), _("Name"), _("Openings")]
    if with_seekers:
        heading += [_("Seekers"), _("Demand ratio")]
    yield heading
    for row in rows:
        line: Row = [row["code"], row["name"] or _("Unknown"), row["openings"]]
        if with_seekers:
            line += [row["seekers"], _number(row["demand_ratio"])]
        yield line


def report_rows(
    *, area: Area, figures: dict[str, Any], comparison: dict[str, Any] | None
) -> Iterator[tuple[Row, bool]]:
    """(cells, bold) in the order of the sheet."""
    month = f"{figures['year']:04d}-{figures['month']:02d}"
    yield [_("%(name)s: monthly statistics %(month)s") % {"name": area.name, "month": month}], True
    yield [_("Scope"), scope_name(area.scope)], False
    yield [], False
    yield [_("Openings (岗位需求人数)"), figures["openings"]], False
    yield [_("Seekers (求职人数)"), figures["seekers"]], False
    yield [_("Demand ratio (求人倍率)"), _number(figures["demand_ratio"])], False
    wage = figures["wage"]
    yield [_("Daily wage, mean (元)"), wage["mean"] or _("no data")], False
    yield [_("Daily wage, median (元)"), wage["median"] or _("no data")], False
    yield [_("Postings in the wage"), wage["counted"]], False
    yield [_("Postings left out of the wage"), wage["excluded"]], False
    if comparison:
        yield [], False
        yield [_("Comparison"), _("Month"), _("Openings"), _("Seekers"), _("Demand ratio")], True
        for name, label in (("previous", _("Previous month")), ("year_ago", _("A year before"))):
            line = comparison[name]
            yield (
                [
                    label,
                    line["month"],
                    _number(line["openings"]["before"]),
                    _number(line["seekers"]["before"]),
                    _number(line["demand_ratio"]["before"]),
                ],
                False,
            )
    sections: tuple[tuple[str, str, bool], ...] = (
        ("by_occupation_major", _("By occupation (大类)"), True),
        ("by_occupation_middle", _("By occupation (中类)"), True),
        ("by_industry_section", _("By industry (门类)"), False),
        ("by_industry_division", _("By industry (大类)"), False),
    )
    for key, title, with_seekers in sections:
        yield [], False
        yield [title], True
        for index, line in enumerate(_table(figures[key], with_seekers=with_seekers)):
            yield line, index == 0
    for group, rows in figures["by_group"].items():
        yield [], False
        yield [group_label(group), _("Seekers")], True
        for row in rows:
            yield [group_label(group, row["code"]), row["seekers"]], False
    rankings = figures["rankings"]
    for key, title in (
        ("occupation_highest", _("Occupations with the highest demand ratio")),
        ("occupation_lowest", _("Occupations with the lowest demand ratio")),
        ("industry_highest", _("Industries with the most openings")),
        ("industry_lowest", _("Industries with the fewest openings")),
    ):
        yield [], False
        yield [title], True
        yield (
            [_("Rank"), _("Code"), _("Name"), _("Openings"), _("Seekers"), _("Demand ratio")],
            True,
        )
        for row in rankings[key]:
            yield (
                [
                    row["rank"],
                    row["code"],
                    row["name"],
                    row["openings"],
                    row.get("seekers", ""),
                    _number(row.get("demand_ratio")),
                ],
                False,
            )
    yield [], False
    yield (
        [
            _("A cell is ranked with at least %(n)s openings and %(n)s seekers.")
            % {"n": rankings["min_count"]}
        ],
        False,
    )


def report_xlsx(
    *, area: Area, figures: dict[str, Any], comparison: dict[str, Any] | None, actor: User
) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.xlsx"
        with XlsxStream(path, title=_("Monthly statistics")) as sheet:
            for cells, bold in report_rows(area=area, figures=figures, comparison=comparison):
                sheet.row([cell_value(_number(c)) for c in cells], bold=bold)
        content = path.read_bytes()
    stats_exported_event(area=area, figures=figures, actor=actor)
    return content
