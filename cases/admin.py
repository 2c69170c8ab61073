from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ChecklistItem


@admin.register(ChecklistItem)
class ChecklistItemAdmin(SimpleHistoryAdmin):
    """The materials checklist of each kind of case (材料清单): what a single notice can ask for.
    Notices copy their items, so editing the checklist never changes a notice issued."""

    list_display = ["kind", "position", "name", "format", "copies", "issuing_body", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    ordering = ["kind", "position"]
