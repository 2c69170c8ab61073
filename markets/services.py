"""State changes of the organisation: granting and revoking staff roles; regions made from the
national division table when first needed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.history import delete_with_history, save_with_history
from accounts.models import User

from .models import Division, Market, Membership, Region


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
    try:
        with transaction.atomic():
            save_with_history(membership, actor)
    except IntegrityError as error:
        # A concurrent grant won the race; the constraint says which rule it broke.
        membership.full_clean()
        raise ValidationError(str(error)) from error
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    delete_with_history(membership, actor)


def region_ensure(*, code: str, actor: User | None) -> Region | None:
    """The region with this code: the organisation's own, or else made from the current
    national division table (with its province and city where they are missing), so that any
    county of the country can be a seeker's home county or a posting's place of work.
    ``None`` when the code is no current division. Safe under concurrent calls."""
    region = Region.objects.filter(code=code).first()
    if region is not None:
        return region
    wanted = {code, code[:2] + "0000", code[:4] + "00"}
    divisions = {d.code: d for d in Division.objects.filter(code__in=wanted, is_current=True)}
    if code not in divisions:
        return None
    for step in sorted(divisions, key=lambda c: (not c.endswith("0000"), not c.endswith("00"))):
        if Region.objects.filter(code=step).exists():
            continue
        region = Region(code=step, name=divisions[step].name)
        region.full_clean(validate_unique=False)
        try:
            with transaction.atomic():
                save_with_history(region, actor)
        except IntegrityError:
            pass  # made meanwhile by a concurrent call
    return Region.objects.get(code=code)
