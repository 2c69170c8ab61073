"""Occupation codes of the 职业分类大典 (2022): a major group 1–8, then up to three two-digit
levels (4-03-02-01). Plain Python, so that pure modules (seekers' rules) can share it."""

import re

OCCUPATION_CODE = re.compile(r"^[1-8](?:-\d{2}){0,3}$")
