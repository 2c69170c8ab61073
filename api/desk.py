"""The desk account of an API client (接入系统的受理账号): the actor through which the
postings' and cases' services, which need a member of staff, run for another system.

One account per client (``api-client-<client id>``, its full name the client's), a team lead of
each market the client acts in, so that the audit trail names the client on every change (what
a desk is and may do: ``markets.desks``).
"""

from __future__ import annotations

from accounts.models import User
from markets.desks import desk_account
from markets.models import Market

from .models import ApiClient

DESK_USERNAME = "api-client-{client}"


def client_desk(*, client: ApiClient, market: Market) -> User:
    """The client's desk account, a team lead of ``market`` (both made on first use)."""
    return desk_account(
        username=DESK_USERNAME.format(client=client.pk),
        full_name=f"API · {client.name}",
        market=market,
    )
