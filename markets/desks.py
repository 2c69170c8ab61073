"""Desk accounts (受理账号): accounts no person signs in as, through which the services that need
a member of staff as their actor run for a channel that has none — the online pages
(``online.desk``, one per market) and other systems through the API (``api.desk``, one per
client). The trail then names the channel's desk, never a person who was not there.

A desk has no usable password and no second factor, so nobody can ever sign in with it, and a
team-lead membership of the market it acts in: on an applicant's or a system's behalf it must
act on cases an officer has claimed, which only the owner or a team lead may. The callers act
through it only after their own checks (the applicant's own case, the client's scope and
market). The staff lists leave accounts without a usable password out of every colleague
picker.
"""

from __future__ import annotations

from contextlib import suppress

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User

from .models import Market, Membership, Role
from .services import membership_grant


def desk_account(*, username: str, full_name: str, market: Market) -> User:
    """The desk account ``username``, a team lead of ``market`` (both made on first use; a
    concurrent first use finds what the other made)."""
    desk = User.objects.filter(username=username).first()
    if desk is None:
        try:
            with transaction.atomic():
                desk = User(username=username, full_name=full_name[:64])
                desk.set_unusable_password()
                desk.save()
        except IntegrityError:
            desk = User.objects.get(username=username)
    if not Membership.objects.filter(user=desk, market=market, role=Role.TEAM_LEAD).exists():
        # A concurrent first use may have granted it: the grant then refuses a second one.
        with suppress(ValidationError), transaction.atomic():
            membership_grant(actor=None, user=desk, role=Role.TEAM_LEAD, market=market)
    return desk
