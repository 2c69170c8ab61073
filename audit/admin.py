"""The event log in the administration site: read-only for everyone, superusers included."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .actions import action_label
from .models import AuditEvent

FIELDS = (
    "occurred_at",
    "action",
    "success",
    "actor",
    "actor_label",
    "target_type",
    "target_id",
    "target_label",
    "market",
    "ip_address",
    "old_values",
    "new_values",
    "chain",
    "sequence",
    "prev_hash",
    "hash",
    "mac_key_id",
)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = [
        "occurred_at",
        "action_display",
        "actor_label",
        "target_label",
        "market",
        "success",
        "ip_address",
        "chain",
        "sequence",
    ]
    list_filter = ["action", "market", "success"]
    search_fields = ["actor_label", "target_label"]
    list_select_related = ["market"]
    # Newest first by id (rows are inserted in time order): the primary key index serves it,
    # where ordering by occurred_at would sort the whole log for every page.
    ordering = ["-id"]
    show_full_result_count = False  # COUNT(*) over a long log on every page is wasted work
    fields = FIELDS
    readonly_fields = FIELDS

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, event: AuditEvent) -> str:
        return str(action_label(event.action))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
