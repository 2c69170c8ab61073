"""What a staff session remembers about itself, for the idle timeout and the absolute lifetime."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

SIGNED_IN_AT = "accounts.signed_in_at"
LAST_SEEN_AT = "accounts.last_seen_at"


def session_start(request: HttpRequest) -> None:
    now = timezone.now().isoformat()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def session_time(request: HttpRequest, key: str) -> datetime | None:
    value = request.session.get(key)
    return datetime.fromisoformat(value) if value else None
