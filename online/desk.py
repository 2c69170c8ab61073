"""The online desk (网上办事窗口) of a market: the account through which the market takes in
what applicants do online, so that the same services as the counter's run (they need an
actor) and the trail names the channel's desk, never a person who was not there.

One desk account per market (``online-desk-<market id>``; what a desk is and may do:
``markets.desks``). It acts only through the online services, each of which checks first that
the case is the signed-in applicant's own.
"""

from __future__ import annotations

from accounts.models import User
from markets.desks import desk_account
from markets.models import Market

DESK_USERNAME = "online-desk-{market}"


def online_desk(*, market: Market) -> User:
    """The market's online desk account (made, with its membership, on first use)."""
    return desk_account(
        username=DESK_USERNAME.format(market=market.pk),
        full_name=f"{market.name} · 网上办事",
        market=market,
    )
