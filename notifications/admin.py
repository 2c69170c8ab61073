"""The outbox in the administration site: read-only, to see what was sent and what failed.

No administrator role holds "notifications.view_outboxmessage" yet (see apps.py), so for now
nobody sees it; the registration is here for when one should.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import OutboxMessage

FIELDS = (
    "channel",
    "to",
    "subject",
    "body",
    "idempotency_key",
    "status",
    "attempts",
    "last_error",
    "created_at",
    "sent_at",
    "next_attempt_at",
    "queued_until",
)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "channel",
        "idempotency_key",
        "status",
        "attempts",
        "sent_at",
        "next_attempt_at",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["idempotency_key"]
    ordering = ["-id"]
    show_full_result_count = False
    fields = FIELDS
    readonly_fields = FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
