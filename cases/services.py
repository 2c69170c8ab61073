"""State changes of cases, one service per verb.

Each one: lock the case row, check the actor's right and market, run the transition, save,
write the audit event, and schedule side effects (notifications, SMS) on commit. An illegal
or unpermitted action raises and changes nothing:

- ``django.core.exceptions.PermissionDenied``: the actor may not do this to this case;
- ``CaseActionError``: the case's state does not allow it now (message for the user);
- ``django.core.exceptions.ValidationError``: bad input (messages per field where possible).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import can_proceed, has_transition_perm

from accounts.models import User
from markets.models import Market, ServiceStation
from notifications.messages import applicant_language
from notifications.services import notification_send, outbox_enqueue
from sla.models import Target
from sla.services import deadline_start, deadline_stop, deadlines_follow_state, deadlines_move

from . import events
from . import permissions as can
from .crypto import personal_data_index
from .identity import (
    mobile_mask,
    mobile_normalise,
    name_clean,
    resident_id_mask,
    resident_id_parse,
    text_visible,
    uscc_validate,
)
from .kinds import kind_get
from .models import (
    Applicant,
    Case,
    CaseNote,
    Channel,
    ChecklistItem,
    NoticeItem,
    ReferenceSequence,
    SingleNotice,
    SingleNoticeBreach,
    State,
    Transfer,
)
from .notification_messages import (
    CASE_REASSIGNED,
    CASE_TRANSFER_ACCEPTED,
    CASE_TRANSFER_DECLINED,
    CASE_TRANSFERRED,
)
from .selectors import applicant_markets_served_by

CASE_SUBJECT = "cases.case"
FINISHED_STATES = (State.RESOLVED, State.CLOSED, State.WITHDRAWN)
NAME_MAX = 100
SUBJECT_MAX = 200
REASON_MAX = 500


class CaseActionError(Exception):
    """The case's state does not allow the action now. ``str(error)`` is for the user."""


# --- Helpers ----------------------------------------------------------------------------------


def _locked(case: Case) -> Case:
    locked: Case = (
        Case.objects.select_for_update(of=("self",)).select_related("market").get(pk=case.pk)
    )
    return locked


def _text(value: str, *, field: str, label: str, max_length: int | None = None) -> str:
    """Typed text as it is kept: without invisible characters (a value of nothing but
    control, zero-width or right-to-left characters is no value); a name also NFKC-normalised
    on one line (``name_clean``)."""
    value = name_clean(value) if field == "name" else text_visible(value or "", multiline=True)
    if not value:
        raise ValidationError({field: _("Enter the %(label)s.") % {"label": label}})
    if max_length is not None and len(value) > max_length:
        raise ValidationError(
            {
                field: _("The %(label)s may be at most %(max)d characters long.")
                % {"label": label, "max": max_length}
            }
        )
    return value


def _run(case: Case, verb: Callable[..., Any], actor: User, **kwargs: Any) -> None:
    """Run a transition of the state graph after checking state and right."""
    if not can_proceed(verb):
        raise CaseActionError(
            _("Case %(reference)s is “%(state)s”: this action is not possible now.")
            % {"reference": case.reference, "state": case.get_state_display()}
        )
    if not has_transition_perm(verb, actor):
        raise PermissionDenied
    verb(**kwargs)


def _save(case: Case, actor: User) -> None:
    """Save the case and let its clocks follow its state (限时办结): paused while the
    applicant gathers materials, stopped when it is finished, going on when reopened."""
    case._history_user = actor  # type: ignore[attr-defined]
    case.save()
    deadlines_follow_state(
        subject_type=CASE_SUBJECT,
        subject_id=case.pk,
        state=case.state,
        finished=case.state in FINISHED_STATES,
        withdrawn=case.state == State.WITHDRAWN,
        actor=actor,
    )


def _notify_on_commit(
    recipient: User | None, message: str, params: dict[str, Any], case: Case
) -> None:
    """Put ``message`` (``cases.notification_messages``) in ``recipient``'s bell once the
    change commits; it is rendered in the reader's language when shown."""
    if recipient is None:
        return
    link = f"/cases/{case.pk}/"
    transaction.on_commit(
        partial(notification_send, recipient=recipient, message=message, params=params, link=link)
    )


# --- Applicants -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicantFound:
    """What intake found (or registered) for the name and number given.

    Intake never changes a known applicant: a name that differs from the one on record is a
    conflict to show (``name_conflict``), never written; a mobile that differs is this case's
    contact mobile (``contact_mobile``), not the applicant's. Changing either on the record is
    its own audited action (``applicant_change_name``, ``applicant_change_mobile``).
    """

    applicant: Applicant
    created: bool
    name_given: str
    mobile_given: str  # normalised; "" when none was given
    mobile_added: bool = False  # the record had no mobile: the one given was filled in

    @property
    def name_conflict(self) -> bool:
        return not self.created and _name_key(self.name_given) != _name_key(self.applicant.name)

    @property
    def mobile_differs(self) -> bool:
        return bool(self.mobile_given and self.applicant.mobile) and (
            self.mobile_given != self.applicant.mobile
        )

    @property
    def contact_mobile(self) -> str:
        """The mobile a case opened now is reached at: the one given, else the one on record."""
        return self.mobile_given or self.applicant.mobile or ""


def _name_key(name: str) -> str:
    """Names compared as a person reads them: full-width forms and spaces do not count."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def _mobile_given(mobile: str) -> str:
    try:
        return mobile_normalise(mobile) if mobile.strip() else ""
    except ValidationError as error:
        raise ValidationError({"mobile": error.messages}) from error


def _applicant_found(
    actor: User,
    market: Market | None,
    applicant: Applicant | None,
    new: Applicant,
    name: str,
    phone: str,
) -> ApplicantFound:
    """The known applicant unchanged, except that a mobile it lacks is filled in (no value is
    lost, and the change is audited on ``market``'s chain); else ``new``, saved."""
    if applicant is None:
        new.name = name
        if phone:
            new.mobile = phone
            new.mobile_masked = mobile_mask(phone)
        new._history_user = actor  # type: ignore[attr-defined]
        new.save()
        return ApplicantFound(applicant=new, created=True, name_given=name, mobile_given=phone)
    if phone and not applicant.mobile:
        applicant.mobile = phone
        applicant.mobile_masked = mobile_mask(phone)
        applicant._history_user = actor  # type: ignore[attr-defined]
        applicant.save(update_fields=["mobile", "mobile_masked"])
        events.applicant_mobile_changed_event(
            applicant,
            actor,
            market=market,
            old_masked="",
            reason=_("Given at intake; none was on record."),
        )
        return ApplicantFound(
            applicant=applicant,
            created=False,
            name_given=name,
            mobile_given=phone,
            mobile_added=True,
        )
    return ApplicantFound(applicant=applicant, created=False, name_given=name, mobile_given=phone)


@transaction.atomic
def applicant_person_find_or_register(
    *, actor: User, name: str, id_number: str, mobile: str = "", market: Market | None = None
) -> ApplicantFound:
    """The person registered with this ID number, used unchanged, or a new registration.

    ``market`` is the one taking the request in: a mobile filled in on the record is audited on
    its chain (on the global one without a market)."""
    name = _text(name, field="name", label=_("name"), max_length=NAME_MAX)
    try:
        resident = resident_id_parse(id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.messages}) from error
    phone = _mobile_given(mobile)
    index = personal_data_index(resident.number)
    known = Applicant.objects.select_for_update().filter(id_number_index=index).first()
    new = Applicant(
        kind=Applicant.Kind.PERSON,
        id_number_index=index,
        id_number=resident.number,
        id_number_masked=resident_id_mask(resident.number),
        gender=resident.gender,
        birth_date=resident.birth_date,
    )
    return _applicant_found(actor, market, known, new, name, phone)


@transaction.atomic
def applicant_organisation_find_or_register(
    *, actor: User, name: str, credit_code: str, mobile: str = "", market: Market | None = None
) -> ApplicantFound:
    """The organisation registered with this credit code, used unchanged (its name on earlier
    postings and cases stays as it is), or a new registration. ``market`` as for a person."""
    name = _text(name, field="name", label=_("name"), max_length=NAME_MAX)
    try:
        code = uscc_validate(credit_code)
    except ValidationError as error:
        raise ValidationError({"credit_code": error.messages}) from error
    phone = _mobile_given(mobile)
    known = Applicant.objects.select_for_update().filter(credit_code=code).first()
    new = Applicant(kind=Applicant.Kind.ORGANISATION, credit_code=code)
    return _applicant_found(actor, market, known, new, name, phone)


def applicant_person_register(
    *, actor: User, name: str, id_number: str, mobile: str = "", market: Market | None = None
) -> Applicant:
    """Register a person, or find the one registered with that ID number (unchanged)."""
    return applicant_person_find_or_register(
        actor=actor, name=name, id_number=id_number, mobile=mobile, market=market
    ).applicant


def applicant_organisation_register(
    *, actor: User, name: str, credit_code: str, mobile: str = "", market: Market | None = None
) -> Applicant:
    """Register an organisation, or find the one registered with that credit code
    (unchanged)."""
    return applicant_organisation_find_or_register(
        actor=actor, name=name, credit_code=credit_code, mobile=mobile, market=market
    ).applicant


def _applicant_locked_for_change(actor: User, applicant: Applicant) -> tuple[Applicant, Market]:
    """The applicant, locked, and the market on whose behalf ``actor`` changes it: one they
    work in that serves the applicant (has a case of theirs). Anyone else: PermissionDenied."""
    markets = applicant_markets_served_by(user=actor, applicant=applicant)
    if not markets:
        raise PermissionDenied
    locked = Applicant.objects.select_for_update().get(pk=applicant.pk)
    return locked, Market.objects.get(pk=markets[0])


def _reason(reason: str) -> str:
    return _text(reason, field="reason", label=_("reason"), max_length=REASON_MAX)


@transaction.atomic
def applicant_change_name(
    *, actor: User, applicant: Applicant, name: str, reason: str
) -> Applicant:
    """Correct the name of a person or organisation (an employer's new name too) on the record,
    and so on every case and posting that shows it. Only staff of a market that serves the
    applicant; audited with the old and the new name and the reason."""
    applicant, market = _applicant_locked_for_change(actor, applicant)
    name = _text(name, field="name", label=_("name"), max_length=NAME_MAX)
    reason = _reason(reason)
    old = applicant.name
    if name == old:
        return applicant
    applicant.name = name
    applicant._history_user = actor  # type: ignore[attr-defined]
    applicant._change_reason = reason  # type: ignore[attr-defined]
    applicant.save(update_fields=["name"])
    events.applicant_renamed_event(applicant, actor, market=market, old_name=old, reason=reason)
    return applicant


@transaction.atomic
def applicant_change_mobile(
    *, actor: User, applicant: Applicant, mobile: str, reason: str
) -> Applicant:
    """Change the applicant's mobile on the record. Cases opened earlier keep the contact
    mobile they were opened with. Only staff of a market that serves the applicant; audited
    with the old and the new number (masked) and the reason."""
    applicant, market = _applicant_locked_for_change(actor, applicant)
    phone = _mobile_given(mobile)
    if not phone:
        raise ValidationError({"mobile": _("Enter the new mobile.")})
    reason = _reason(reason)
    if phone == applicant.mobile:
        return applicant
    old_masked = applicant.mobile_masked
    applicant.mobile = phone
    applicant.mobile_masked = mobile_mask(phone)
    applicant._history_user = actor  # type: ignore[attr-defined]
    applicant._change_reason = reason  # type: ignore[attr-defined]
    applicant.save(update_fields=["mobile", "mobile_masked"])
    events.applicant_mobile_changed_event(
        applicant, actor, market=market, old_masked=old_masked, reason=reason
    )
    return applicant


@transaction.atomic
def applicant_id_number_reveal(*, actor: User, case: Case) -> str:
    """The whole ID number of the case's applicant, for the case's owner or a team lead of its
    market; every reveal is an audit event."""
    if not can.work_on(case, actor):
        raise PermissionDenied
    applicant = case.applicant
    if not applicant.id_number:
        raise CaseActionError(_("This applicant has no ID number on record."))
    events.personal_data_revealed_event(applicant, case, actor)
    number: str = applicant.id_number
    return number


# --- Intake -----------------------------------------------------------------------------------


def _reference_next(market: Market, year: int) -> str:
    """``<division code>-<year>-<6-digit sequence>``, unique under concurrent intake: the
    counter row of that code and year is locked while the number is taken."""
    prefix = market.region.code
    sequence, _created = ReferenceSequence.objects.get_or_create(prefix=prefix, year=year)
    sequence = ReferenceSequence.objects.select_for_update().get(pk=sequence.pk)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}-{year}-{sequence.last:06d}"


@transaction.atomic
def case_open(
    *,
    actor: User,
    market: Market,
    kind: str,
    channel: str,
    applicant: Applicant,
    subject: str,
    description: str = "",
    station: ServiceStation | None = None,
    priority: str = Case.Priority.NORMAL,
    contact_mobile: str | None = None,
) -> Case:
    """Take a request in. The officer who opens it is its first-contact officer for good.

    ``contact_mobile`` (normalised) is the mobile the applicant gave for this request; by
    default the one on their record. The case keeps it whatever later happens to the record."""
    if not can.works_in(actor, market.pk):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if kind_get(kind) is None:
        errors["kind"] = _("Choose a kind of case.")
    if channel not in Channel.values:
        errors["channel"] = _("Choose how the request came in.")
    if station is not None and station.market_id != market.pk:
        errors["station"] = _("This service station belongs to another market.")
    if priority not in Case.Priority.values:
        errors["priority"] = _("Choose a priority.")
    if errors:
        raise ValidationError(errors)
    subject = _text(subject, field="subject", label=_("subject"), max_length=SUBJECT_MAX)
    now = timezone.now()
    case: Case = Case(
        reference=_reference_next(market, timezone.localtime(now).year),
        kind=kind,
        state=State.IN_PROGRESS,
        market=market,
        station=station,
        channel=channel,
        applicant=applicant,
        contact_mobile=applicant.mobile if contact_mobile is None else contact_mobile,
        subject=subject,
        description=description.strip(),
        first_contact_officer=actor,
        owner=actor,
        priority=priority,
        opened_at=now,
    )
    _save(case, actor)
    for target in (Target.ACCEPTANCE, Target.COMPLETION):
        deadline_start(
            subject_type=CASE_SUBJECT,
            subject_id=case.pk,
            market=market,
            kind=kind,
            target=target,
            at=now,
            channel=channel,
        )
    # Taken in by an officer at intake: accepted there and then.
    deadline_stop(subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.ACCEPTANCE, at=now)
    events.case_opened_event(case, actor)
    return case


# --- Ownership --------------------------------------------------------------------------------


@transaction.atomic
def case_claim(*, actor: User, case: Case) -> Case:
    case = _locked(case)
    _run(case, case.claim, actor, by=actor)
    _save(case, actor)
    deadline_stop(subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.ACCEPTANCE)
    events.case_claimed_event(case, actor)
    return case


@transaction.atomic
def case_transfer(
    *,
    actor: User,
    case: Case,
    to_market: Market,
    to_user: User | None = None,
    reason: str,
) -> Transfer:
    """Hand the case to an officer (of this or another market) or to another market's team.
    Until the receiver accepts, the sender keeps it and the first-contact officer sees it."""
    case = _locked(case)
    reason = _text(reason, field="reason", label=_("reason"))
    if to_user is not None and not can.works_in(to_user, to_market.pk):
        raise ValidationError({"to_user": _("This officer does not work in that market.")})
    if to_user is not None and to_user.pk == case.owner_id:
        raise ValidationError({"to_user": _("The case is already with this officer.")})
    if to_user is None and to_market.pk == case.market_id:
        raise ValidationError({"to_market": _("Choose another market, or an officer.")})
    _run(case, case.transfer, actor)
    _save(case, actor)
    transfer = Transfer(
        case=case, from_user=actor, to_market=to_market, to_user=to_user, reason=reason
    )
    transfer._history_user = actor  # type: ignore[attr-defined]
    transfer.save()
    events.case_transferred_event(transfer, actor)
    params = {"reference": case.reference, "subject": case.subject}
    _notify_on_commit(to_user, CASE_TRANSFERRED, params, case)
    return transfer


def _pending_transfer_locked(transfer: Transfer) -> tuple[Transfer, Case]:
    case = _locked(transfer.case)
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.status != Transfer.Status.PENDING:
        raise CaseActionError(_("This transfer has been decided already."))
    return transfer, case


def _may_receive(actor: User, transfer: Transfer) -> bool:
    if transfer.to_user_id is not None:
        return actor.pk == transfer.to_user_id or can.leads(actor, transfer.to_market_id)
    return can.works_in(actor, transfer.to_market_id)


def _transfer_decided(transfer: Transfer, actor: User, status: str) -> None:
    transfer.status = status
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer._history_user = actor  # type: ignore[attr-defined]
    transfer.save()


@transaction.atomic
def case_transfer_accept(*, actor: User, transfer: Transfer) -> Case:
    transfer, case = _pending_transfer_locked(transfer)
    if not _may_receive(actor, transfer):
        raise PermissionDenied
    _run(case, case.accept_transfer, actor, by=actor, market=transfer.to_market)
    _save(case, actor)
    deadlines_move(subject_type=CASE_SUBJECT, subject_id=case.pk, market=case.market)
    _transfer_decided(transfer, actor, Transfer.Status.ACCEPTED)
    events.case_transfer_accepted_event(transfer, actor)
    params = {"reference": case.reference, "name": str(actor)}
    _notify_on_commit(case.first_contact_officer, CASE_TRANSFER_ACCEPTED, params, case)
    if transfer.from_user_id != case.first_contact_officer_id:
        _notify_on_commit(transfer.from_user, CASE_TRANSFER_ACCEPTED, params, case)
    return case


@transaction.atomic
def case_transfer_decline(*, actor: User, transfer: Transfer, reason: str) -> Case:
    """The receiver refuses: the case goes back to the sender, who still owns it."""
    transfer, case = _pending_transfer_locked(transfer)
    if not _may_receive(actor, transfer):
        raise PermissionDenied
    reason = _text(reason, field="reason", label=_("reason"))
    _run(case, case.decline_transfer, actor)
    _save(case, actor)
    transfer.decline_reason = reason
    _transfer_decided(transfer, actor, Transfer.Status.DECLINED)
    events.case_transfer_declined_event(transfer, actor)
    params = {"reference": case.reference, "reason": reason}
    _notify_on_commit(case.first_contact_officer, CASE_TRANSFER_DECLINED, params, case)
    if transfer.from_user_id != case.first_contact_officer_id:
        _notify_on_commit(transfer.from_user, CASE_TRANSFER_DECLINED, params, case)
    return case


@transaction.atomic
def case_reassign(*, actor: User, case: Case, to_user: User) -> Case:
    """A team lead gives an open case to another officer of the market."""
    case = _locked(case)
    if not can.lead(case, actor):
        raise PermissionDenied
    if not case.is_open or case.state == State.TRANSFER_PENDING:
        raise CaseActionError(
            _("Only an open case that is not being transferred can be reassigned.")
        )
    if not can.works_in(to_user, case.market_id):
        raise ValidationError({"to_user": _("This officer does not work in this market.")})
    previous = case.owner_id
    if previous == to_user.pk:
        return case
    case.owner = to_user
    _save(case, actor)
    events.case_reassigned_event(case, actor, previous)
    _notify_on_commit(to_user, CASE_REASSIGNED, {"reference": case.reference}, case)
    return case


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
    case = _locked(case)
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
    _run(case, case.request_materials, actor)
    _save(case, actor)
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
    case = _locked(case)
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
        item._history_user = actor  # type: ignore[attr-defined]
        item.save(update_fields=["received_at", "received_by"])
    if not pending.exists():
        _run(case, case.receive_materials, actor)
        _save(case, actor)
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
    case = _locked(case)
    if not can.lead(case, actor):
        raise PermissionDenied
    notice = case.notices.first()
    if notice is None:
        raise CaseActionError(_("No single notice has been issued for this case yet."))
    if not case.is_open:
        raise CaseActionError(_("This case is no longer open."))
    name = _text(name, field="name", label=_("material"), max_length=200)
    breach_reason = _text(breach_reason, field="breach_reason", label=_("reason"))
    item = NoticeItem.objects.create(
        notice=notice,
        name=name,
        reason=_text(reason, field="reason", label=_("why it is needed"), max_length=300),
        format=_text(format, field="format", label=_("form"), max_length=100),
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
        _run(case, case.request_materials, actor)
        _save(case, actor)
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


# --- Outcome ----------------------------------------------------------------------------------


@transaction.atomic
def case_resolve(*, actor: User, case: Case, outcome: str) -> Case:
    case = _locked(case)
    outcome = _text(outcome, field="outcome", label=_("outcome"))
    _run(case, case.resolve, actor, outcome=outcome)
    _save(case, actor)
    events.case_resolved_event(case, actor)
    return case


@transaction.atomic
def case_close(*, actor: User, case: Case) -> Case:
    case = _locked(case)
    _run(case, case.close, actor)
    _save(case, actor)
    events.case_closed_event(case, actor)
    return case


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    case = _locked(case)
    reason = _text(reason, field="reason", label=_("reason"))
    _run(case, case.reopen, actor)
    _save(case, actor)
    events.case_reopened_event(case, actor, reason)
    return case


@transaction.atomic
def case_withdraw(*, actor: User, case: Case, reason: str) -> Case:
    """The applicant withdraws the request."""
    case = _locked(case)
    reason = _text(reason, field="reason", label=_("reason"))
    _run(case, case.withdraw, actor)
    _save(case, actor)
    events.case_withdrawn_event(case, actor, reason)
    return case


@transaction.atomic
def case_note_add(*, actor: User, case: Case, text: str) -> CaseNote:
    if not (can.work_on(case, actor) or case.first_contact_officer_id == actor.pk):
        raise PermissionDenied
    note = CaseNote(case=case, author=actor, text=_text(text, field="text", label=_("note")))
    note._history_user = actor  # type: ignore[attr-defined]
    note.save()
    events.case_note_added_event(case, actor)
    return note
