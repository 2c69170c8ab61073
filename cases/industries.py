"""The industry classification (国民经济行业分类, GB/T 4754-2017) as shipped data: the 20
sections (门类, ``A``–``T``) and 97 divisions (大类, ``01``–``97``) read from
``cases/data/gb_t_4754_2017.csv`` (source, version and amendment in its header). The data
migration loads it into :class:`cases.models.Industry`; plain Python, so a test reads the file
without a database."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent / "data" / "gb_t_4754_2017.csv"
STANDARD = "GB/T 4754-2017"
STANDARD_NAME = "国民经济行业分类"
STANDARD_VERSION = "2017 (with amendment No. 1, 2019)"

SECTION = "section"
DIVISION = "division"


@dataclass(frozen=True)
class IndustryRow:
    level: str  # SECTION or DIVISION
    code: str
    name: str
    section: str  # the section's code for a division, "" for a section


def industry_rows(path: Path = DATA_FILE) -> list[IndustryRow]:
    """Every row of the data file, sections before their divisions, in the standard's order."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return [
        IndustryRow(level=row["level"], code=row["code"], name=row["name"], section=row["section"])
        for row in csv.DictReader(lines)
    ]
