"""Absence cover (AB岗) in the case engine: while an officer is away (``markets.Absence``),
what is meant for them goes to their deputy, decided at the moment it is sent:

- a new transfer to the officer is made to the deputy (``case_transfer``, which says so in
  its audit event);
- the reminders of the SLA sweep (``cases.reminders``) and the notifications about cases
  (``notify_on_commit``) go to the deputy, in a wording that names the absent officer;
- the deputy may work on the officer's cases (``cases.permissions.work_on``) and sees them on
  their own page (``cases.selectors.case_list_covered``).

Nothing is reassigned: the cases stay the officer's, and when the absence ends (or is ended
early) everything reaches the officer again. Cover is one step: a deputy is never away at the
same time (``markets.absences`` refuses it), so no chain is ever followed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accounts.models import User
from markets.models import Absence
from markets.selectors import absence_map_running

from .notification_messages import COVERING


@dataclass(frozen=True)
class Recipient:
    """Who receives something meant for ``meant_for``: themselves, or their deputy while they
    are away (``absence`` then says which absence)."""

    user: User
    meant_for: User
    absence: Absence | None = None


def recipients_route(users: Iterable[User], *, market_id: int) -> list[Recipient]:
    """Each of ``users`` (in order), or their deputy when they are away today in the market;
    each person once: a deputy who receives something in their own right gets it once, as
    themselves. One query."""
    people = list(users)
    away = absence_map_running(
        market_id=market_id,
        officer_ids=[user.pk for user in people],
        on=timezone.localdate(),
    )
    own = {user.pk for user in people if user.pk not in away}
    routed: dict[int, Recipient] = {}
    for user in people:
        absence = away.get(user.pk)
        if absence is None:
            routed[user.pk] = Recipient(user=user, meant_for=user)
        elif absence.deputy_id not in own and absence.deputy_id not in routed:
            routed[absence.deputy_id] = Recipient(
                user=absence.deputy, meant_for=user, absence=absence
            )
    return list(routed.values())


def recipient_route(user: User, *, market_id: int) -> Recipient:
    """``user``, or their deputy while they are away today in the market."""
    return recipients_route([user], market_id=market_id)[0]


def message_for(
    recipient: Recipient, message: str, params: Mapping[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The message as ``recipient`` gets it: for a deputy, the wording that names the absent
    officer (a message with no such wording is sent as it is)."""
    if recipient.absence is None or message not in COVERING:
        return message, dict(params)
    return COVERING[message], {**params, "absent": str(recipient.meant_for)}
