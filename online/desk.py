"""The online desk (网上办事窗口) of a market: the account through which the market takes in
what applicants do online, so that the same services as the counter's run (they need an
actor) and the trail names the channel's desk, never a person who was not there.

One desk account per market (``online-desk-<market id>``), made on first use: no usable
password and no second factor, so nobody can ever sign in with it; a team-lead membership of
its market, because on an applicant's behalf it must act on their case after an officer has
claimed it (hand in materials, withdraw), which only the owner or a team lead may. It acts
only through the online services, each of which checks first that the case is the signed-in
applicant's own.
"""

from __future__ import annotations

from contextlib import suppress

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from markets.models import Market, Membership, Role
from markets.services import membership_grant

DESK_USERNAME = "online-desk-{market}"


def online_desk(*, market: Market) -> User:
    """The market's online desk account (made, with its membership, on first use)."""
    username = DESK_USERNAME.format(market=market.pk)
    desk = User.objects.filter(username=username).first()
    if desk is None:
        try:
            with transaction.atomic():
                desk = User(username=username, full_name=f"{market.name} · 网上办事"[:64])
                desk.set_unusable_password()
                desk.save()
        except IntegrityError:
            desk = User.objects.get(username=username)
    if not Membership.objects.filter(user=desk, market=market, role=Role.TEAM_LEAD).exists():
        # A concurrent first use may have granted it: the grant then refuses a second one.
        with suppress(ValidationError), transaction.atomic():
            membership_grant(actor=None, user=desk, role=Role.TEAM_LEAD, market=market)
    return desk


def is_online_desk(user: User) -> bool:
    return user.username.startswith("online-desk-") and not user.has_usable_password()
