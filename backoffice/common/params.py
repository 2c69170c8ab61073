"""One parser for the days, months and weeks that pages take from their address or forms.

A day is ``YYYY-MM-DD`` and a month ``YYYY-MM``, with four-digit years between ``DAY_FIRST``
and ``DAY_LAST``: far enough for any period a market looks at, near enough that every
computation built on it (the day's bounds in UTC, the next month, a week's Sunday, working
days) stays inside Python's and the database's calendars. ``0001-01-01`` or ``9999-12-31``
is a malformed value like any other: the page says so and shows its default period.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DAY_FIRST = date(1900, 1, 1)
DAY_LAST = date(2100, 12, 31)

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _in_range(day: date) -> date:
    if not DAY_FIRST <= day <= DAY_LAST:
        raise ValueError(day.isoformat())
    return day


def day_parse(value: str | None) -> date:
    """``YYYY-MM-DD`` as a date within the supported range; ValueError otherwise."""
    match = _DAY.fullmatch((value or "").strip())
    if match is None:
        raise ValueError(value)
    year, month, day = (int(part) for part in match.groups())
    return _in_range(date(year, month, day))


def month_parse(value: str | None) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month) within the supported range; ValueError otherwise."""
    match = _MONTH.fullmatch((value or "").strip())
    if match is None:
        raise ValueError(value)
    year, month = (int(part) for part in match.groups())
    _in_range(date(year, month, 1))
    return year, month


def monday_parse(value: str | None) -> date:
    """The Monday of the week holding the day ``YYYY-MM-DD``; ValueError as ``day_parse``, also
    when that week reaches out of the supported range."""
    day = day_parse(value)
    monday = day - timedelta(days=day.weekday())
    _in_range(monday)
    _in_range(monday + timedelta(days=6))
    return monday


class DayField(forms.DateField):
    """A form's date, refused (not a server error) outside ``DAY_FIRST``..``DAY_LAST``."""

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not DAY_FIRST <= value <= DAY_LAST:
            raise ValidationError(
                _("Give a date between %(first)s and %(last)s."),
                code="out_of_range",
                params={"first": DAY_FIRST.isoformat(), "last": DAY_LAST.isoformat()},
            )


_ID = re.compile(r"[0-9]{1,18}")


def id_parse(value: str | None) -> int | None:
    """A record number typed or passed in an address (ASCII digits, at most 18 of them, as a
    64-bit primary key holds), or None: never ValueError, never an integer the database cannot
    hold."""
    text = (value or "").strip()
    return int(text) if _ID.fullmatch(text) else None
