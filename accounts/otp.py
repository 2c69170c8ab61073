"""The second factor, as the rest of the code asks about it."""

from __future__ import annotations

from typing import Any


def is_verified(user: Any) -> bool:
    """True when the session's user passed the second factor (set by django-otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())
