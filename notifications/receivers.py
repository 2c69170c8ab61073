"""A notification written or deleted: the number on its recipient's bell is counted afresh
(``notifications.selectors.notification_unread_count``), at once and again when the transaction
commits (a page that counted in between, before the commit, does not keep the old number).
Connected in ``NotificationsConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from .models import Notification
from .selectors import unread_count_key


def _unread_changed(instance: Notification, **kwargs: Any) -> None:
    key = unread_count_key(instance.recipient_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def connect() -> None:
    post_save.connect(_unread_changed, sender=Notification, dispatch_uid="notifications.unread")
    post_delete.connect(
        _unread_changed, sender=Notification, dispatch_uid="notifications.unread.delete"
    )
