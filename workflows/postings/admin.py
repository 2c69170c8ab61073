"""Occupations and minimum wages in the administration site, kept by the system administrator
and read by the auditor. Every change leaves a history row. Postings themselves are worked on
in the back office, through their review cases, never here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from .models import MinimumWage, Occupation


@admin.register(Occupation)
class OccupationAdmin(SimpleHistoryAdmin):
    """The national classification (职业分类大典 2022) as far as the markets use it: the
    level and the category are derived from the code."""

    list_display = ["code", "name", "aliases", "level", "parent", "is_active"]
    list_select_related = ["parent"]  # nullable: not followed by default
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name", "aliases"]
    readonly_fields = ["level", "parent"]
    ordering = ["code"]

    def get_readonly_fields(self, request: HttpRequest, obj: Occupation | None = None) -> list[str]:
        # The code is the identity postings point at: fixed once saved.
        return [*self.readonly_fields, "code"] if obj is not None else self.readonly_fields


@admin.register(MinimumWage)
class MinimumWageAdmin(SimpleHistoryAdmin):
    """A minimum-wage tier of an area (province, city or county) from a date on; a new
    standard is a new row with its own date, so postings checked earlier stay explainable."""

    list_display = ["area_id", "tier", "monthly", "hourly", "effective_from", "source"]
    list_filter = ["tier", "effective_from"]
    search_fields = ["tier", "source"]
    ordering = ["area_id", "-effective_from"]
    raw_id_fields = ["area"]
    date_hierarchy = "effective_from"
