"""The desk account of an API client (接入系统的受理账号): the actor through which the
postings' and cases' services, which need a member of staff, run for another system.

One account per client (``api-client-<client id>``, its full name the client's), made on first
use, with a team-lead membership of each market of the client's the client acts in (made when
first needed), so that the audit trail names the client on every change. No usable password
and no second factor: nobody can sign in with it (the same rule as the online pages' desk).
"""

from __future__ import annotations

from contextlib import suppress

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from markets.models import Market, Membership, Role
from markets.services import membership_grant

from .models import ApiClient

DESK_USERNAME = "api-client-{client}"


def client_desk(*, client: ApiClient, market: Market) -> User:
    """The client's desk account, a team lead of ``market`` (both made on first use)."""
    username = DESK_USERNAME.format(client=client.pk)
    desk = User.objects.filter(username=username).first()
    if desk is None:
        try:
            with transaction.atomic():
                desk = User(username=username, full_name=f"API · {client.name}"[:64])
                desk.set_unusable_password()
                desk.save()
        except IntegrityError:
            desk = User.objects.get(username=username)
    if not Membership.objects.filter(user=desk, market=market, role=Role.TEAM_LEAD).exists():
        with suppress(ValidationError), transaction.atomic():
            membership_grant(actor=None, user=desk, role=Role.TEAM_LEAD, market=market)
    return desk
