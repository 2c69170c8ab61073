"""The single notice (一次性告知): every missing item at once, items handed in, an item
demanded later (a breach, approved by a team lead)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from notifications.messages import applicant_language
from notifications.services import outbox_enqueue

from .. import events
from .. import permissions as can
from ..fsm import save_with_history
from ..kinds import kind_get
from ..models import (
    Case,
    ChecklistItem,
    NoticeItem,
    SingleNotice,
    SingleNoticeBreach,
    State,
)
from .base import (
    CaseActionError,
    case_locked,
    case_save,
    case_transition_run,
    text_clean,
)

# --- Single notice (一次性告知) ----------------------------------------------------------------


# Text messages to applicants are in the applicants' language (Chinese), whatever language the
# officer's page is in (see notifications.messages).
SMS_NOTICE = gettext_lazy(
    "[%(market)s] Case %(reference)s: please hand in %(items)s within %(days)d working "
    "days. Enquiries: %(phone)s."
)
SMS_ITEM_ADDED_LATER = gettext_lazy(
    "[%(market)s] Case %(reference)s: we must also ask you for %(item)s, which "
    "our notice did not list. We apologise. Enquiries: %(phone)s."
)


def _applicant_sms(text: Any, values: dict[str, Any]) -> str:
    with translation.override(applicant_language()):
        return str(text) % values


def _notice_sms(case: Case, items: Sequence[ChecklistItem], days: int) -> str:
    names = "；".join(f"{n}. {item.name}" for n, item in enumerate(items, start=1))
    return _applicant_sms(
        SMS_NOTICE,
        {
            "market": case.market.name,
            "reference": case.reference,
            "items": names,
            "days": days,
            "phone": case.market.service_phone,
        },
    )


@transaction.atomic
def case_request_materials(
    *, actor: User, case: Case, items: Sequence[ChecklistItem]
) -> SingleNotice:
    """Issue the single notice: every missing item at once, frozen, printed and sent by SMS.
    A case gets one notice; an item demanded later is a breach (notice_item_add_later)."""
    case = case_locked(case)
    kind = kind_get(case.kind)
    if not items:
        raise ValidationError({"items": _("Tick every missing item: the notice lists them all.")})
    if any(item.kind != case.kind or not item.is_active for item in items):
        raise ValidationError({"items": _("Choose items from this kind of case's checklist.")})
    if case.notices.exists():
        raise CaseActionError(
            _(
                "The single notice for this case has been issued already. An item it did not "
                "list can only be added by a team lead, and counts as a breach."
            )
        )
    case_transition_run(case, case.request_materials, actor)
    case_save(case, actor)
    market = case.market
    days = kind.notice_time_limit_days if kind else 5
    notice = SingleNotice.objects.create(
        case=case,
        issued_by=actor,
        legal_basis=str(kind.notice_legal_basis) if kind else "",
        time_limit_days=days,
        where_to_submit=_(
            "%(market)s, service counter, %(address)s; working days %(opens)s–%(closes)s. "
            "Bring this notice, or quote reference %(reference)s."
        )
        % {
            "market": market.name,
            "address": market.address,
            "opens": market.opens_at.strftime("%H:%M"),
            "closes": market.closes_at.strftime("%H:%M"),
            "reference": case.reference,
        },
        how_to_complain=_(
            "If you disagree with this notice or are asked for anything it does not list, call "
            "%(phone)s or the 12333 human-resources and social-security hotline."
        )
        % {"phone": market.service_phone},
        sms_text=_notice_sms(case, items, days),
    )
    NoticeItem.objects.bulk_create(
        NoticeItem(
            notice=notice,
            name=item.name,
            reason=item.reason,
            format=item.format,
            copies=item.copies,
            issuing_body=item.issuing_body,
        )
        for item in items
    )
    events.case_materials_requested_event(notice, actor, len(items))
    if case.contact_mobile:
        mobile = case.contact_mobile
        transaction.on_commit(
            partial(
                outbox_enqueue,
                channel="sms",
                to=mobile,
                body=notice.sms_text,
                idempotency_key=f"single-notice:{notice.pk}",
            )
        )
    return notice


@transaction.atomic
def case_receive_materials(*, actor: User, case: Case, items: Sequence[NoticeItem]) -> Case:
    """Tick off the items handed in; when none is outstanding the case is back in progress."""
    case = case_locked(case)
    if not can.work_on(case, actor):
        raise PermissionDenied
    if case.state != State.AWAITING_MATERIALS:
        raise CaseActionError(_("This case is not waiting for materials."))
    pending = NoticeItem.objects.filter(notice__case=case, received_at__isnull=True)
    chosen = pending.filter(pk__in=[item.pk for item in items])
    count = chosen.count()
    if count == 0:
        raise ValidationError({"items": _("Tick the items that were handed in.")})
    now = timezone.now()
    for item in chosen:
        item.received_at = now
        item.received_by = actor
        save_with_history(item, actor, update_fields=["received_at", "received_by"])
    if not pending.exists():
        case_transition_run(case, case.receive_materials, actor)
        case_save(case, actor)
    events.case_materials_received_event(case, actor, count)
    return case


@transaction.atomic
def notice_item_add_later(
    *,
    actor: User,
    case: Case,
    name: str,
    reason: str,
    format: str,
    breach_reason: str,
    copies: int = 1,
    issuing_body: str = "",
) -> SingleNoticeBreach:
    """Demand an item the notice did not list. Only a team lead may approve it, and it is
    recorded as a single-notice breach against the officer who issued the notice."""
    case = case_locked(case)
    if not can.lead(case, actor):
        raise PermissionDenied
    notice = case.notices.first()
    if notice is None:
        raise CaseActionError(_("No single notice has been issued for this case yet."))
    if not case.is_open:
        raise CaseActionError(_("This case is no longer open."))
    name = text_clean(name, field="name", label=_("material"), max_length=200)
    breach_reason = text_clean(breach_reason, field="breach_reason", label=_("reason"))
    item = NoticeItem.objects.create(
        notice=notice,
        name=name,
        reason=text_clean(reason, field="reason", label=_("why it is needed"), max_length=300),
        format=text_clean(format, field="format", label=_("form"), max_length=100),
        copies=copies,
        issuing_body=issuing_body.strip(),
        added_later=True,
    )
    breach = SingleNoticeBreach.objects.create(
        notice=notice,
        item=item,
        officer=notice.issued_by,
        market=case.market,
        approved_by=actor,
        reason=breach_reason,
    )
    if case.state == State.IN_PROGRESS:
        case_transition_run(case, case.request_materials, actor)
        case_save(case, actor)
    events.notice_breach_recorded_event(breach, actor)
    if case.contact_mobile:
        transaction.on_commit(
            partial(
                outbox_enqueue,
                channel="sms",
                to=case.contact_mobile,
                body=_applicant_sms(
                    SMS_ITEM_ADDED_LATER,
                    {
                        "market": case.market.name,
                        "reference": case.reference,
                        "item": item.name,
                        "phone": case.market.service_phone,
                    },
                ),
                idempotency_key=f"single-notice-item:{item.pk}",
            )
        )
    return breach
