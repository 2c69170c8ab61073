"""State changes of staff accounts: sessions, disabling, the second factor."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from .history import save_with_history
from .models import SavedView, User

BACKUP_DEVICE_NAME = "backup"
TOTP_DEVICE_NAME = "authenticator"


class SecondFactorError(Exception):
    """A second-factor step the user can correct; the message is for the user."""


def user_end_all_sessions(*, user: User) -> None:
    """End every session of ``user`` at once (each session carries the old generation).

    A bulk update on purpose: ending sessions is not an edit of the account, so it must not
    add a history row; sign-outs are logged by django-axes.
    """
    User.objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])


@transaction.atomic
def user_disable(*, actor: User, user: User) -> User:
    """Disable an account: it can no longer sign in, and its open sessions end now."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    user.is_active = False
    save_with_history(user, actor, update_fields=["is_active"])
    user_end_all_sessions(user=user)
    return user


@transaction.atomic
def user_reset_second_factor(*, actor: User, user: User) -> list[str]:
    """Remove a user's authenticator and backup codes; they enrol anew at next sign-in, and
    every open session ends now. Returns the removed devices' descriptions (for the trail)."""
    removed = [
        f"{device._meta.model_name}:{device.name}"
        for queryset in (
            TOTPDevice.objects.filter(user=user),
            StaticDevice.objects.filter(user=user),
        )
        for device in queryset.select_for_update()
    ]
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user_end_all_sessions(user=user)
    return removed


@transaction.atomic
def second_factor_device_delete(*, actor: User, device: TOTPDevice | StaticDevice) -> None:
    """Remove one second-factor device (an authenticator or a set of backup codes): a factor
    taken away ends every open session of its owner, as a reset does."""
    user = device.user
    device.delete()
    user_end_all_sessions(user=user)


def totp_enrolment_device(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is enrolling, created on first request."""
    device, _created = TOTPDevice.objects.get_or_create(
        user=user, confirmed=False, defaults={"name": TOTP_DEVICE_NAME}
    )
    return device


@transaction.atomic
def totp_enrolment_confirm(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator with a code from it; returns the device and fresh backup codes.

    Raises SecondFactorError when the code does not match.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(token.strip()):
        raise SecondFactorError(
            _("The code does not match. Check the time on your phone and enter the current code.")
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return device, backup_codes_issue(user=user)


@transaction.atomic
def backup_codes_issue(*, user: User) -> list[str]:
    """Replace the user's backup codes with a new set; each code works once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": BACKUP_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


# --- Saved views of the case lists --------------------------------------------------------

SAVED_VIEWS_MAX = 50
SAVED_VIEW_NAME_MAX = 80


def _saved_view_name(*, owner: User, name: str, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > SAVED_VIEW_NAME_MAX:
        raise ValidationError(
            {
                "name": _("A name may be at most %(max)d characters long.")
                % {"max": SAVED_VIEW_NAME_MAX}
            }
        )
    taken = SavedView.objects.filter(owner=owner, name=name)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise ValidationError(
            {"name": _("You already have a view named “%(name)s”.") % {"name": name}}
        )
    return name


@transaction.atomic
def saved_view_create(
    *, actor: User, name: str, page: str, market_id: int | None, query: str
) -> SavedView:
    """Save a list's filter (already checked by the list's form) under a name of the actor's."""
    if page not in SavedView.Page.values or (page == SavedView.Page.MARKET) != (
        market_id is not None
    ):
        raise ValueError(page)
    # Lock the owner's row: two saves at once cannot both pass the checks below.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    clean = _saved_view_name(owner=actor, name=name)
    if SavedView.objects.filter(owner=actor).count() >= SAVED_VIEWS_MAX:
        raise ValidationError(
            {
                "name": _("You may keep at most %(max)d views; delete one first.")
                % {"max": SAVED_VIEWS_MAX}
            }
        )
    return SavedView.objects.create(
        owner=actor, name=clean, page=page, market_id=market_id, query=query
    )


@transaction.atomic
def saved_view_rename(*, actor: User, view: SavedView, name: str) -> SavedView:
    if view.owner_id != actor.pk:
        raise PermissionDenied
    view = SavedView.objects.select_for_update().get(pk=view.pk)
    clean = _saved_view_name(owner=actor, name=name, exclude=view.pk)
    if clean != view.name:
        view.name = clean
        view.save(update_fields=["name"])
    return view


@transaction.atomic
def saved_view_delete(*, actor: User, view: SavedView) -> None:
    if view.owner_id != actor.pk:
        raise PermissionDenied
    SavedView.objects.filter(pk=view.pk, owner=actor).delete()
