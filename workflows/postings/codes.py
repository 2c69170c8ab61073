"""Occupation codes of the 职业分类大典 (2022): a major group 1–8, then up to three two-digit
levels (4-03-02-01); a market's own occupation (本市场工种) is its 中类, ``L`` and a number
(4-03-L001). Plain Python, so that pure modules (seekers' rules) can share it."""

import re

LOCAL_OCCUPATION_CODE = re.compile(r"^[1-8]-\d{2}-L\d{3}$")
OCCUPATION_CODE = re.compile(r"^[1-8](?:-\d{2}){0,3}$|^[1-8]-\d{2}-L\d{3}$")
