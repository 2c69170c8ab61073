"""Text messages to the applicant about their case (短信): one when it is taken in, with its
reference number and time limit, and one when it is resolved. Through the outbox
(``notifications.services.outbox_enqueue``), to the case's own contact mobile, in the
applicant's language; none when the case has no mobile.

The outbox row names the case (``case-contact:<case id>``), never the mobile: the number stays
encrypted in the case's row and is read only when the message is sent
(``notifications.channels.address_resolve``; a case anonymised meanwhile is texted nothing).

Each message names the fact it reports in its idempotency key, so each is sent once however
often the code that queues it runs: ``case-received:<case id>`` once per case, and
``case-resolved:<case id>:<resolved at>`` once per resolution (a case resolved again after a
reopening is told again)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone, translation

from notifications.messages import applicant_language, message_render_in
from notifications.models import OutboxMessage
from notifications.services import outbox_enqueue
from sla.models import Deadline

from ..kinds import kind_get
from ..models import Case
from ..notification_messages import (
    CASE_RECEIVED_SMS,
    CASE_RECEIVED_SMS_NO_LIMIT,
    CASE_RESOLVED_SMS,
    CASE_RESOLVED_SMS_RATE,
)

CONTACT_SCHEME = "case-contact"

# The address of a page where the applicant rates the resolved case ("" for none), made by the
# satisfaction ratings (workflows.ratings, registered from its ready()): the engine may not
# import them.
ResolvedSmsLink = Callable[[Case], str]
_RESOLVED_SMS_LINKS: list[ResolvedSmsLink] = []


def resolved_sms_link_register(link: ResolvedSmsLink) -> None:
    if link not in _RESOLVED_SMS_LINKS:
        _RESOLVED_SMS_LINKS.append(link)


def case_contact_address(case_id: str) -> str:
    """The contact mobile of the case ``case_id`` ("" when there is none, or no such case):
    the outbox's address resolver for ``case-contact:<id>`` (registered in ``cases.apps``)."""
    if not case_id.isdigit():
        return ""
    case = Case.objects.filter(pk=int(case_id)).only("contact_mobile").first()
    return (case.contact_mobile or "") if case is not None else ""


def _service(case: Case) -> str:
    kind = kind_get(case.kind)
    with translation.override(applicant_language()):
        return str(kind.label) if kind is not None else case.subject


def _enqueue(
    case: Case, message: str, params: dict[str, Any], key: str, *, new: bool = False
) -> OutboxMessage | None:
    if not case.contact_mobile:
        return None
    values = {
        "market": case.market.name,
        "reference": case.reference,
        "service": _service(case),
        "phone": case.market.service_phone,
        **params,
    }
    body = message_render_in(applicant_language(), message, values)
    return outbox_enqueue(
        channel="sms", to=f"{CONTACT_SCHEME}:{case.pk}", body=body, idempotency_key=key, new=new
    )


def case_received_sms_enqueue(
    *, case: Case, completion: Deadline | None, new: bool = False
) -> OutboxMessage | None:
    """Queue "your request is accepted, reference …" (with the completion time limit and due
    date when the case has a completion clock); inside the intake's transaction. ``new``: the
    case was opened in this transaction, so no message can be queued for it yet
    (``outbox_enqueue``)."""
    if completion is None:
        return _enqueue(case, CASE_RECEIVED_SMS_NO_LIMIT, {}, f"case-received:{case.pk}", new=new)
    with translation.override(applicant_language()):
        limit = completion.policy.time_limit_text
    due = timezone.localtime(completion.due_at).strftime("%Y-%m-%d")
    return _enqueue(
        case, CASE_RECEIVED_SMS, {"limit": limit, "due": due}, f"case-received:{case.pk}", new=new
    )


def case_resolved_sms_enqueue(*, case: Case) -> OutboxMessage | None:
    """Queue "your case … has been completed", with the link to rate the service when a
    registered hook gives one; inside the resolution's transaction."""
    if case.resolved_at is None:
        raise ValueError("the case is not resolved")
    stamp = case.resolved_at.strftime("%Y%m%dT%H%M%S%fZ")
    key = f"case-resolved:{case.pk}:{stamp}"
    if not case.contact_mobile:
        return None
    queued = OutboxMessage.objects.filter(idempotency_key=key).first()
    if queued is not None:  # told already: no new rating link for a message never sent
        return queued
    link = next((url for make in _RESOLVED_SMS_LINKS if (url := make(case))), "")
    if link:
        return _enqueue(case, CASE_RESOLVED_SMS_RATE, {"link": link}, key)
    return _enqueue(case, CASE_RESOLVED_SMS, {}, key)
