"""Loan limits in the administration site, kept by the system administrator and read by the
auditor. A new limit is a new row with its own date, so earlier pre-checks stay explainable."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import LoanLimits


@admin.register(LoanLimits)
class LoanLimitsAdmin(SimpleHistoryAdmin):
    list_display = ["borrower_kind", "max_amount", "business_max_years", "effective_from"]
    list_filter = ["borrower_kind"]
    ordering = ["borrower_kind", "-effective_from"]
    date_hierarchy = "effective_from"
