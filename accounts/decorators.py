"""Marks on views that the sign-in middleware reads."""

from collections.abc import Callable
from typing import TypeVar

V = TypeVar("V", bound=Callable[..., object])


def second_factor_not_required(view: V) -> V:
    """The view is for a signed-in user who has not (yet) passed the second factor."""
    view.second_factor_required = False  # type: ignore[attr-defined]
    return view


def password_expiry_exempt(view: V) -> V:
    """The view stays reachable when the user's password has expired."""
    view.password_expiry_exempt = True  # type: ignore[attr-defined]
    return view
