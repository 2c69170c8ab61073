"""The national table of administrative division codes (行政区划代码, GB/T 2260) as data.

Two files ship in ``markets/data/`` (their source, date and licence are in their first lines):

- ``divisions.csv``: the edition in force, ``code,name`` per line (the form in which the
  Ministry of Civil Affairs publishes it); ``# edition: 2024`` names the edition;
- ``divisions_historical.csv``: every code in use in some year since 1980, with its last name
  and first and last year.

``divisions_load`` writes a table into :class:`~markets.models.Division` (the migration and
``manage.py update_divisions`` call it); ``area_code_known`` tells whether six digits were ever a
division code, which the first six digits of a resident ID number must be.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
CURRENT_FILE = DATA_DIR / "divisions.csv"
HISTORICAL_FILE = DATA_DIR / "divisions_historical.csv"

_CODE = re.compile(r"^[1-9]\d{5}$")
_EDITION = re.compile(r"^#\s*edition:\s*(\S.*?)\s*$", re.IGNORECASE)


class DivisionFileError(ValueError):
    """The file is not a division table; ``str(error)`` names the line."""


@dataclass
class DivisionTable:
    edition: str
    rows: list[tuple[str, str]] = field(default_factory=list)  # (code, name), sorted by code


@dataclass
class LoadResult:
    added: int = 0
    renamed: int = 0
    withdrawn: int = 0
    restored: int = 0
    historical: int = 0


def level_of(code: str) -> str:
    """``province``, ``city`` or ``county``: the values of ``Region.Level``."""
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def _data_lines(path: Path) -> Iterable[tuple[int, list[str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
                continue
            yield number, [cell.strip() for cell in row]


def division_table_read(path: Path, *, edition: str = "") -> DivisionTable:
    """Read a table of ``code,name`` lines (comma or tab separated; a header line, blank lines
    and ``#`` comments are skipped). The edition is ``edition`` or the file's ``# edition:``
    line. Raises :class:`DivisionFileError` for a malformed line, a duplicate code or an
    empty table."""
    found_edition = edition
    if not found_edition:
        with path.open(encoding="utf-8-sig") as handle:
            for line in handle:
                match = _EDITION.match(line.strip())
                if match:
                    found_edition = match.group(1)
                    break
    rows: dict[str, str] = {}
    for number, cells in _data_lines(path):
        if len(cells) == 1 and "\t" in cells[0]:
            cells = [cell.strip() for cell in cells[0].split("\t")]
        if cells[0].lower() == "code":
            continue
        if len(cells) < 2 or _CODE.match(cells[0]) is None or not cells[1]:
            raise DivisionFileError(f"line {number}: expected a six-digit code and a name")
        if cells[0] in rows:
            raise DivisionFileError(f"line {number}: the code {cells[0]} is listed twice")
        rows[cells[0]] = cells[1]
    if not rows:
        raise DivisionFileError("the file lists no division")
    if not found_edition:
        raise DivisionFileError("name the edition: a line '# edition: 2025' or --edition")
    return DivisionTable(edition=found_edition, rows=sorted(rows.items()))


def historical_rows_read(path: Path = HISTORICAL_FILE) -> list[tuple[str, str, int, int]]:
    """``(code, name, first_year, last_year)`` of every code in use since 1980."""
    rows = []
    for _number, cells in _data_lines(path):
        if cells[0].lower() == "code":
            continue
        rows.append((cells[0], cells[1], int(cells[2]), int(cells[3])))
    return rows


def divisions_load(
    model: Any, table: DivisionTable, *, historical: Iterable[tuple[str, str, int, int]] = ()
) -> LoadResult:
    """Make ``model`` (the ``Division`` model, or its historical version in a migration) hold
    ``table`` as the edition in force: new codes added, changed names renamed, codes the table
    no longer lists kept but marked not current. ``historical`` rows give the years of use and
    add the codes missing from both (never current). Run it inside a transaction."""
    result = LoadResult()
    historical = list(historical)
    years = {code: (first, last) for code, _name, first, last in historical}
    names = {code: name for code, name, _first, _last in historical}
    existing = {division.code: division for division in model.objects.all()}
    listed = dict(table.rows)
    new, renamed, confirmed, withdrawn = [], [], [], []
    for code, name in table.rows:
        division = existing.get(code)
        if division is None:
            first, last = years.get(code, (None, None))
            new.append(
                model(
                    code=code,
                    name=name,
                    level=level_of(code),
                    edition=table.edition,
                    first_year=first,
                    last_year=last,
                )
            )
            result.added += 1
        elif division.name != name:
            division.name, division.is_current, division.edition = name, True, table.edition
            renamed.append(division)
            result.renamed += 1
        elif not division.is_current or division.edition != table.edition:
            result.restored += not division.is_current
            confirmed.append(code)
    for code, division in existing.items():
        if code not in listed and division.is_current:
            withdrawn.append(code)
            result.withdrawn += 1
    for code in sorted(set(names) - set(existing) - set(listed)):
        first, last = years[code]
        new.append(
            model(
                code=code,
                name=names[code],
                level=level_of(code),
                is_current=False,
                first_year=first,
                last_year=last,
            )
        )
        result.historical += 1
    # Reference data without history tables: plain UPDATEs by code are what they need.
    model.objects.bulk_create(new, batch_size=1000)
    model.objects.bulk_update(renamed, ["name", "is_current", "edition"], batch_size=500)
    for start in range(0, len(confirmed), 900):
        model.objects.filter(code__in=confirmed[start : start + 900]).update(
            is_current=True, edition=table.edition
        )
    for start in range(0, len(withdrawn), 900):
        model.objects.filter(code__in=withdrawn[start : start + 900]).update(is_current=False)
    return result


def divisions_load_shipped(model: Any) -> LoadResult:
    """Load the tables that ship with the code (the migration; a flushed test database)."""
    return divisions_load(
        model, division_table_read(CURRENT_FILE), historical=historical_rows_read()
    )


@lru_cache(maxsize=1)
def _shipped_codes() -> frozenset[str]:
    current = {code for code, _name in division_table_read(CURRENT_FILE).rows}
    return frozenset(current | {row[0] for row in historical_rows_read()})


def _stdnum_knows(code: str) -> bool:
    """python-stdnum's table of birth places (cn/loc, with codes back to the 1980s)."""
    from stdnum import numdb

    info = {
        key: value
        for _part, props in numdb.get("cn/loc").info(code)
        for key, value in props.items()
    }
    return "county" in info


def area_code_known(code: str) -> bool:
    """Whether ``code`` is, or ever was, an administrative division code: in the shipped tables
    (current and since 1980), in python-stdnum's birth-place table, or in the ``Division``
    table (an edition loaded after this release). Only the last asks the database."""
    if _CODE.match(code) is None:
        return False
    if code in _shipped_codes() or _stdnum_knows(code):
        return True
    from .models import Division

    return Division.objects.filter(code=code).exists()
