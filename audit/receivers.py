"""Signal receivers that turn other apps' signals into events. They only record.

Connected in ``AuditConfig.ready()``: sign-in signals from Django and django-axes, and
django-simple-history's records of ``markets.Membership`` (so every way a role is granted or
revoked, through the service or the administration site, leaves an event with the same actor
the history row names).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from accounts.models import User

from . import events


def _user(value: Any) -> User | None:
    return value if isinstance(value, User) else None


def on_user_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if (actor := _user(user)) is not None:
        events.signed_in_event(request, actor)


def on_user_logged_out(
    sender: Any, request: HttpRequest | None, user: Any = None, **kwargs: Any
) -> None:
    if (actor := _user(user)) is not None:  # None when nobody was signed in
        events.signed_out_event(request, actor)


def on_user_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in ``credentials``; only the user name is taken.
    username = credentials.get(User.USERNAME_FIELD)
    events.sign_in_failed_event(request, username if isinstance(username, str) else None)


def on_user_locked_out(
    sender: Any, request: HttpRequest | None = None, username: str | None = None, **kwargs: Any
) -> None:
    events.locked_out_event(request, username)


def on_membership_history(
    sender: Any, instance: Any, history_instance: Any, history_user: Any = None, **kwargs: Any
) -> None:
    actor = _user(history_user)
    match history_instance.history_type:
        case "+":
            events.role_granted_event(instance, actor)
        case "~":
            events.role_changed_event(instance, actor, history_instance.prev_record)
        case "-":
            events.role_revoked_event(instance, actor)
