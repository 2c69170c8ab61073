"""State changes of the organisation: granting and revoking staff roles."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User

from .models import Market, Membership, Region


def membership_grant(
    *,
    actor: User | None,
    user: User,
    role: str,
    market: Market | None = None,
    region: Region | None = None,
) -> Membership:
    """Give ``user`` a role. Raises ValidationError, with the reason, when the role does not
    fit (wrong scope, already held, or a second administrator role)."""
    membership = Membership(user=user, role=role, market=market, region=region)
    membership.full_clean()
    if actor is not None:
        membership._history_user = actor  # type: ignore[attr-defined]
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:
        # A concurrent grant won the race; the constraint says which rule it broke.
        membership.full_clean()
        raise ValidationError(str(error)) from error
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    if actor is not None:
        membership._history_user = actor  # type: ignore[attr-defined]
    membership.delete()
