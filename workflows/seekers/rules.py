"""Pure rules of job-seeker records: occupation and region codes, ages. No database.

Occupation codes are those of the national occupational classification (中华人民共和国职业分类大典,
2022 edition): major group (大类, one digit 1–8), then middle (中类), minor (小类) and unit group
(细类) of two digits each, joined by hyphens: ``4-03-02-01``. A seeker may want a whole group
("any work in 4-03"), so a code of any of the four levels is well-formed. Because every level
has a fixed width, a code's subtree is exactly the codes that start with it.

Region codes are six-digit administrative division codes (行政区划代码, GB/T 2260); the subtree
of a region is every code that starts with its prefix (2 digits: province, 4: city, 6: county).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from workflows.postings.codes import OCCUPATION_CODE

REGION_PREFIX = re.compile(r"^[1-8]\d(?:\d{2}){0,2}$")


def code_normalise(value: str) -> str:
    """Full-width digits and hyphens to ASCII (NFKC), no whitespace at all."""
    return "".join(unicodedata.normalize("NFKC", value).split())


def occupation_code_valid(code: str) -> bool:
    return OCCUPATION_CODE.match(code) is not None


def occupation_code_ancestors(code: str) -> list[str]:
    """The broader groups that contain ``code``, broadest first: ``4-03-02`` → ``4``, ``4-03``."""
    parts = code.split("-")
    return ["-".join(parts[:level]) for level in range(1, len(parts))]


def region_prefix_valid(prefix: str) -> bool:
    return REGION_PREFIX.match(prefix) is not None


def region_prefix(code: str) -> str:
    """A six-digit code of a province or city stands for its whole subtree: ``450100`` →
    ``4501``, ``450000`` → ``45``; anything else is returned as it is."""
    if len(code) == 6 and code.isdigit():
        if code.endswith("0000"):
            return code[:2]
        if code.endswith("00"):
            return code[:4]
    return code


def region_prefix_ancestors(prefix: str) -> list[str]:
    """The codes of the regions that contain the region(s) under ``prefix``: ``450102`` →
    ``450000`` (the province), ``450100`` (the city); ``4501`` → ``450000``."""
    ancestors = []
    if len(prefix) > 2:
        ancestors.append(prefix[:2] + "0000")
    if len(prefix) > 4:
        ancestors.append(prefix[:4] + "00")
    return ancestors


def age_on(birth_date: date, day: date) -> int:
    """Completed years of age on ``day`` (someone born on 29 February turns a year older on
    1 March in common years)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
