"""Time limits (限时办结) in the administration site: the policies and the working-day calendar,
kept by the system administrator and read by the auditor. Every change leaves a history row;
a changed policy applies to cases opened afterwards."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import CalendarDay, CalendarYear, Policy


@admin.register(CalendarDay)
class CalendarDayAdmin(SimpleHistoryAdmin):
    """A holiday, a make-up working day (调休) or a local closure the statutory calendar does
    not know yet; without a market it applies everywhere."""

    list_display = ["day", "market", "is_working_day", "reason"]
    list_filter = ["is_working_day", "market"]
    search_fields = ["reason"]
    date_hierarchy = "day"
    ordering = ["-day"]


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    """A year whose whole schedule has been entered: its deadlines are no longer estimated."""

    list_display = ["year", "source"]
    ordering = ["-year"]


@admin.register(Policy)
class PolicyAdmin(SimpleHistoryAdmin):
    list_display = [
        "kind",
        "market",
        "channel",
        "target",
        "amount",
        "unit",
        "pause_states_display",
        "warn_percent",
        "escalate_after_days",
        "is_active",
    ]
    list_filter = ["kind", "target", "is_active", "market"]
    search_fields = ["kind"]

    @admin.display(description=_("states that pause the clock"))
    def pause_states_display(self, policy: Policy) -> str:
        return ", ".join(policy.pause_states or []) or "—"
