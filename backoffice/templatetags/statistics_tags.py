"""The long parts of the statistics page (``backoffice/statistics/``) built in Python: the
scopes to choose from (every market, city and the province for an inspector of the whole
province: a hundred and more options), the tables by occupation and industry with a link to the
records behind each figure, and the table by market. Through the template language each value
went through the lazy-string wrappers of escaping and localising, and each link through
``reverse``: most of the page's time at a province's size (``bench/stats.py``). The HTML is the
same, value for value."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from django import template
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from .backoffice_tags import html_text as _e

register = template.Library()

UNKNOWN = "unknown"


def _n(value: Any) -> str:
    """A figure as the template language shows it (localised); "No data" for None."""
    return _e(gettext("No data")) if value is None else _e(formats.localize(value))


@register.simple_tag
def scope_options(areas: Iterable[tuple[Any, str]], current: Any) -> SafeString:
    """The scope ``<option>``s: "label: name", the current one selected."""
    return SafeString(
        "".join(
            f'<option value="{_e(area.key)}"{" selected" if area.key == current.key else ""}>'
            f"{_e(label)}: {_e(area.name)}</option>"
            for area, label in areas
        )
    )


@register.simple_tag
def cell_rows(
    rows: Iterable[dict[str, Any]], *, records: str, query: str, cell: str, with_seekers: bool
) -> SafeString:
    """The rows of a table by occupation or industry: code, name, openings (and seekers and
    the demand ratio), each figure above 0 a link to the records behind it."""
    unknown = _e(gettext("Unknown"))
    head = f"{_e(records)}?{_e(query)}"
    html = []
    for row in rows:
        code = row["code"]
        where = f"&amp;cell={_e(cell)}&amp;code={_e(quote(str(code), safe='/'))}"
        openings, seekers = row["openings"], row.get("seekers")
        cells = [
            f"<td>{unknown if code == UNKNOWN else _e(code)}</td><td>{_e(row['name'])}</td>",
            _linked(openings, f"{head}&amp;kind=postings{where}"),
        ]
        if with_seekers:
            cells.append(_linked(seekers, f"{head}&amp;kind=seekers{where}"))
            cells.append(f'<td class="num">{_n(row["demand_ratio"])}</td>')
        html.append(f"<tr>{''.join(cells)}</tr>")
    if not html:
        return SafeString(f'<tr><td colspan="5">{_e(gettext("No data"))}</td></tr>')
    return SafeString("\n".join(html))


def _linked(figure: Any, address: str) -> str:
    if not figure:
        return '<td class="num">0</td>'
    return f'<td class="num"><a href="{address}">{_n(figure)}</a></td>'


@register.simple_tag
def market_rows(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The rows of the table by market: the name, openings, seekers and the demand ratio."""
    return SafeString(
        "".join(
            f'<tr><td>{_e(row["name"])}</td><td class="num">{_n(row["openings"])}</td>'
            f'<td class="num">{_n(row["seekers"])}</td>'
            f'<td class="num">{_n(row["demand_ratio"])}</td></tr>'
            for row in rows
        )
    )
