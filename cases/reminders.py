"""Who hears about a case's deadline, and how (the handler the SLA sweep calls).

- due soon: the owner;
- overdue: the owner, the first-contact officer and the market's team leads;
- escalated (overdue for some working days): the team leads and the inspectors over the
  market's region (督查).
Whoever of them is away from the market that day (AB岗) is replaced by their deputy, who is
told whom they cover for (``cases.cover``).
Each person gets an in-app notification and, with an e-mail address, an e-mail, each sent
once (keyed by deadline, level and person), however often delivery is retried.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from markets.models import Role
from notifications.messages import message_render_in, recipient_language
from notifications.services import notification_send, outbox_enqueue
from sla.models import Level

from .cover import Recipient, message_for, recipients_route
from .models import Case
from .notification_messages import CASE_DUE_SOON, CASE_ESCALATED, CASE_OVERDUE
from .services import CASE_SUBJECT

if TYPE_CHECKING:
    from sla.models import Deadline


def _recipients(case: Case, level: str) -> list[User]:
    people: dict[int, User] = {}
    if level in (Level.WARNING, Level.BREACH) and case.owner is not None:
        people[case.owner.pk] = case.owner
    if level == Level.BREACH:
        people[case.first_contact_officer.pk] = case.first_contact_officer
    if level in (Level.BREACH, Level.ESCALATION):
        region = case.market.region
        covering = Q(memberships__role=Role.TEAM_LEAD, memberships__market=case.market)
        if level == Level.ESCALATION:
            prefixes = {region.code[:2] + "0000", region.code[:4] + "00", region.code}
            covering |= Q(memberships__role=Role.INSPECTOR, memberships__region__code__in=prefixes)
        for user in User.objects.filter(covering, is_active=True).distinct():
            people[user.pk] = user
    return [user for user in people.values() if user.is_active]


def _recipients_covered(case: Case, level: str) -> list[Recipient]:
    """The recipients, with the deputy of each one away today (AB岗, ``cases.cover``)."""
    routed = recipients_route(_recipients(case, level), market_id=case.market_id)
    return [recipient for recipient in routed if recipient.user.is_active]


def _message(case: Case, deadline: Deadline, level: str) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {
        "reference": case.reference,
        "subject": case.subject,
        "due": timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M"),
    }
    if level == Level.WARNING:
        return CASE_DUE_SOON, params
    if level == Level.BREACH:
        return CASE_OVERDUE, params
    return CASE_ESCALATED, params


def case_deadline_reached(deadline: Deadline, level: str) -> None:
    if deadline.subject_type != CASE_SUBJECT:
        return
    case = (
        Case.objects.select_related("market__region", "owner", "first_contact_officer")
        .filter(pk=deadline.subject_id)
        .first()
    )
    if case is None:
        return
    link = f"/cases/{case.pk}/"
    for recipient in _recipients_covered(case, level):
        user = recipient.user
        # A deputy is told whom they cover for; the officer's own reminders wait for nobody.
        message, params = message_for(recipient, *_message(case, deadline, level))
        key = f"sla:{deadline.pk}:{level}:{user.pk}"
        # The bell renders it in the reader's language; the e-mail goes in the recipient's.
        notification_send(recipient=user, message=message, params=params, link=link, key=key)
        if user.email:
            text = message_render_in(recipient_language(user), message, params)
            outbox_enqueue(
                channel="email",
                to=user.email,
                subject=text[:200],
                body=text,
                idempotency_key=key,
            )
