"""State changes of complaints (投诉与维权, standard art. 24), one service per verb.

Each runs in one transaction with the case engine's services it calls: lock the complaint
and its case, check the actor's right, validate, run the complaint's transition, save (field
history), drive the case and its clocks, write the audit event. An illegal or unpermitted
action raises and changes nothing:

- ``django.core.exceptions.PermissionDenied``: the actor may not do this;
- ``cases.services.CaseActionError``: the complaint's state does not allow it now;
- ``django.core.exceptions.ValidationError``: bad input, per field.

``complaint_take_in`` is the whole intake of any channel: it finds or registers the
complainant (and the employer, given its credit code) and files the complaint, in one
transaction.

Time limits (限时办结), seeded by migration 0002 and changed by administrators afterwards:

- acceptance decision (受理决定): 5 working days from filing, on a clock of the complaint itself
  (subject ``complaints.complaint``): the case engine stops the case's own acceptance clock at
  counter intake (the officer took the complaint in), so the decision needs its own clock. It
  stops at accept, decline or referral. Chosen after the Regulations on Labour Security
  Supervision (劳动保障监察条例) and the MOHRSS rules implementing them (劳社部令第25号), under
  which a labour-inspection department decides within 5 working days of receiving a
  complaint whether to accept it (uncertain: from memory, to be checked by the legal team).
- completion (办结): 20 working days from filing, the clock standing still while labour
  inspection has the complaint (state ``complaint_referred``) and while the complainant
  gathers materials (single notice). Inspection itself has 60 working days from filing its own
  case (劳动保障监察条例 art. 17, extendable by 30; uncertain) — time the market cannot
  shorten and should not be measured against. 20 working days is our choice for mediation and
  follow-up by a market (the practice of 人力资源社会保障行政部门 hotlines such as 12333 is
  commonly 15–20 working days; uncertain).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as can
from cases.fsm import row_locked, save_with_history, transition_check
from cases.identity import text_stored
from cases.intake import (
    IntakeErrors,
    applicant_organisation_find_for_intake,
    applicant_person_find_for_intake,
)
from cases.models import Applicant, Case, Channel
from cases.services import (
    CASE_SUBJECT,
    ApplicantFound,
    CaseActionError,
    case_close,
    case_open,
    case_resolve,
)
from markets.models import Market, ServiceStation
from sla.models import Target
from sla.services import deadline_start, deadline_stop, deadlines_follow_state
from workflows.postings.models import Posting
from workflows.postings.services import posting_withdraw

from . import events
from .flow import COMPLAINT, REFERRED_PAUSE_STATE
from .models import (
    REFERRAL_STEPS,
    Category,
    Complaint,
    InspectionReferral,
    ReferralStatus,
    Satisfaction,
    Status,
)
from .reminders import COMPLAINT_SUBJECT

SUSPEND_REASON = "suspended after a complaint"
TEXT_MAX = 4000
NAME_MAX = 100


# --- Helpers ----------------------------------------------------------------------------------


def _text(value: str, *, field: str, message: str, max_length: int = TEXT_MAX) -> str:
    """Required free text of a complaint, refused with ``message`` when empty."""
    return text_stored(value, field=field, max_length=max_length, required_message=message)


def _locked(complaint: Complaint) -> Complaint:
    """Lock the case row, then the complaint (always in that order)."""
    list(
        Case.objects.select_for_update(of=("self",))
        .filter(pk=complaint.case_id)
        .values_list("pk", flat=True)
    )
    return row_locked(
        Complaint,
        complaint.pk,
        related=("case__market", "case__applicant", "posting", "employer"),
    )


def _may_work_on(complaint: Complaint, actor: User) -> None:
    if not can.work_on(complaint.case, actor):
        raise PermissionDenied


def _step(complaint: Complaint, verb_name: str) -> None:
    """Refuse unless the complaint's state allows the transition ``verb_name`` (the actor's
    right is checked by ``_may_work_on``)."""
    transition_check(
        getattr(complaint, verb_name),
        None,
        refused=lambda: (
            _("Complaint %(reference)s is “%(status)s”: this action is not possible now.")
            % {"reference": complaint.case.reference, "status": complaint.get_status_display()}
        ),
    )


def _decision_clock_stop(complaint: Complaint) -> None:
    deadline_stop(subject_type=COMPLAINT_SUBJECT, subject_id=complaint.pk)


def _clock_follow(case: Case, actor: User, *, referred: bool) -> None:
    """Pause the case's completion clock while labour inspection has the complaint; let it
    follow the case's own state again afterwards."""
    deadlines_follow_state(
        subject_type=CASE_SUBJECT,
        subject_id=case.pk,
        state=REFERRED_PAUSE_STATE if referred else case.state,
        finished=False,
        actor=actor,
    )


# --- Filing -----------------------------------------------------------------------------------


@transaction.atomic
def complaint_file(
    *,
    actor: User,
    market: Market,
    complainant: Applicant,
    category: str,
    description: str,
    desired_outcome: str = "",
    anonymous: bool = False,
    employer: Applicant | None = None,
    employer_name: str = "",
    posting_id: int | None = None,
    channel: str = Channel.COUNTER,
    station: ServiceStation | None = None,
    contact_mobile: str | None = None,
) -> Complaint:
    """Take a complaint in: opens a case of kind ``complaint`` (the officer is its
    first-contact officer) and starts the 5-working-day clock of the acceptance decision.
    ``contact_mobile``: the mobile given for this complaint, as ``case_open`` takes it."""
    if not can.works_in(actor, market.pk):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if category not in Category.values:
        errors["category"] = _("Category: choose what the complaint is about.")
    if complainant.kind != Applicant.Kind.PERSON:
        errors["complainant"] = _("The complainant must be a registered person.")
    if employer is not None and employer.kind != Applicant.Kind.ORGANISATION:
        errors["employer"] = _("The employer must be a registered organisation.")
    posting: Posting | None = None
    if posting_id is not None:
        posting = Posting.objects.select_related("employer").filter(pk=posting_id).first()
        if posting is None:
            errors["posting"] = _("Job posting: there is no posting with number %(id)s.") % {
                "id": posting_id
            }
    employer_name = (employer_name or "").strip()
    if len(employer_name) > NAME_MAX:
        errors["employer_name"] = _("At most %(max)d characters, please.") % {"max": NAME_MAX}
    try:
        description = _text(
            description,
            field="description",
            message=_("What happened: describe the complaint."),
        )
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    desired_outcome = (desired_outcome or "").strip()
    if len(desired_outcome) > TEXT_MAX:
        errors["desired_outcome"] = _("At most %(max)d characters, please.") % {"max": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    if employer is None and posting is not None:
        employer = posting.employer
    if employer is not None and not employer_name:
        employer_name = employer.name
    label = Category(category).label
    subject = f"{label} · {employer_name}" if employer_name else str(label)
    case = case_open(
        actor=actor,
        market=market,
        kind=COMPLAINT.code,
        channel=channel,
        applicant=complainant,
        subject=subject[:200],
        description=description,
        station=station,
        contact_mobile=contact_mobile,
    )
    complaint = Complaint(
        case=case,
        category=category,
        anonymous=anonymous,
        employer=employer,
        employer_name=employer_name,
        posting=posting,
        description=description,
        desired_outcome=desired_outcome,
    )
    save_with_history(complaint, actor)
    deadline_start(
        subject_type=COMPLAINT_SUBJECT,
        subject_id=complaint.pk,
        market=market,
        kind=COMPLAINT.code,
        target=Target.ACCEPTANCE,
        at=case.opened_at,
        channel=channel,
    )
    events.complaint_filed_event(complaint, actor)
    return complaint


@transaction.atomic
def complaint_take_in(
    *,
    actor: User,
    market: Market,
    name: str,
    id_number: str,
    mobile: str,
    category: str,
    description: str,
    desired_outcome: str = "",
    anonymous: bool = False,
    employer_name: str = "",
    credit_code: str = "",
    posting_id: int | None = None,
    channel: str = Channel.COUNTER,
    station: ServiceStation | None = None,
    use_registered_name: bool = False,
) -> Complaint:
    """The whole intake of a complaint: find or register the complainant (``name``,
    ``id_number``, ``mobile``) and, given its ``credit_code``, the employer, then file the
    complaint (``complaint_file``), in one transaction.

    A known person or employer is used unchanged: a name that disagrees with the record is a
    conflict (``employer_name`` for the employer's) unless ``use_registered_name`` (one
    answer for both; the complaint then names the employer as on record). The mobile given is
    the case's contact mobile. Raises ``cases.intake.IntakeRefused`` with the applicants'
    problems; then what ``complaint_file`` raises."""
    errors = IntakeErrors()
    complainant: ApplicantFound | None = None
    employer: ApplicantFound | None = None
    with errors.collect():
        complainant = applicant_person_find_for_intake(
            actor=actor,
            market=market,
            name=name,
            id_number=id_number,
            mobile=mobile,
            use_registered_name=use_registered_name,
        )
    if credit_code.strip():
        # Both names are checked before the officer decides: one answer for both conflicts.
        with errors.collect({"name": "employer_name"}):
            employer = applicant_organisation_find_for_intake(
                actor=actor,
                market=market,
                name=employer_name,
                credit_code=credit_code,
                use_registered_name=use_registered_name,
            )
    if complainant is None or errors:
        errors.refuse()
    if employer is not None and employer.name_conflict:
        employer_name = employer.applicant.name
    return complaint_file(
        actor=actor,
        market=market,
        complainant=complainant.applicant,
        category=category,
        description=description,
        desired_outcome=desired_outcome,
        anonymous=anonymous,
        employer=employer.applicant if employer is not None else None,
        employer_name=employer_name,
        posting_id=posting_id,
        channel=channel,
        station=station,
        contact_mobile=complainant.contact_mobile,
    )


# --- The acceptance decision (受理决定) ---------------------------------------------------------


@transaction.atomic
def complaint_accept(*, actor: User, complaint: Complaint) -> Complaint:
    complaint = _locked(complaint)
    _may_work_on(complaint, actor)
    _step(complaint, "accept")
    complaint.accept(by=actor)
    save_with_history(complaint, actor)
    _decision_clock_stop(complaint)
    events.complaint_accepted_event(complaint, actor)
    return complaint


@transaction.atomic
def complaint_decline_to_accept(*, actor: User, complaint: Complaint, reason: str) -> Complaint:
    """Not accepted (不予受理), with the reason: the case is resolved with it and closed."""
    complaint = _locked(complaint)
    _may_work_on(complaint, actor)
    reason = _text(reason, field="reason", message=_("Reason: say why it is not accepted."))
    _step(complaint, "decline")
    complaint.decline(by=actor, reason=reason)
    save_with_history(complaint, actor)
    _decision_clock_stop(complaint)
    case = case_resolve(
        actor=actor,
        case=complaint.case,
        outcome=_("Not accepted: %(reason)s") % {"reason": reason},
    )
    case_close(actor=actor, case=case)
    events.complaint_declined_event(complaint, actor)
    return complaint


# --- Referral to labour inspection (移送劳动保障监察) -------------------------------------------


def referral_letter(complaint: Complaint) -> str:
    """The text sent to labour inspection. When the complainant asked for anonymity it names
    no complainant at all (no name, ID number or mobile): the market passes messages on."""
    case = complaint.case
    lines = [
        _("Referral of complaint %(reference)s from %(market)s (service phone %(phone)s).")
        % {
            "reference": case.reference,
            "market": case.market.name,
            "phone": case.market.service_phone,
        },
        _("Category: %(category)s") % {"category": complaint.get_category_display()},
        _("Employer: %(employer)s") % {"employer": complaint.employer_label or _("not named")},
    ]
    if complaint.employer is not None and complaint.employer.credit_code:
        lines.append(
            _("Unified social credit code: %(code)s") % {"code": complaint.employer.credit_code}
        )
    if complaint.posting_id is not None:
        lines.append(_("Job posting number: %(id)s") % {"id": complaint.posting_id})
    if complaint.anonymous:
        lines.append(
            _(
                "The complainant asked not to be named to the employer. Contact them only "
                "through the market, quoting the reference above."
            )
        )
    else:
        applicant = case.applicant
        lines.append(
            _("Complainant: %(name)s, ID number %(id)s, mobile %(mobile)s")
            % {
                "name": applicant.name,
                "id": applicant.id_number_masked,
                "mobile": applicant.mobile_masked or "—",
            }
        )
    lines.append(_("What happened: %(text)s") % {"text": complaint.description})
    if complaint.desired_outcome:
        lines.append(_("Outcome wanted: %(text)s") % {"text": complaint.desired_outcome})
    return "\n".join(str(line) for line in lines)


@transaction.atomic
def complaint_refer_to_labour_inspection(
    *, actor: User, complaint: Complaint, authority: str, note: str = ""
) -> InspectionReferral:
    """Hand the complaint to labour inspection (wage arrears, unsafe work … are theirs to
    investigate). Also the acceptance decision when the complaint was still waiting for one.
    The case's completion clock stands still until the inspection's outcome is back."""
    complaint = _locked(complaint)
    _may_work_on(complaint, actor)
    authority = _text(
        authority,
        field="authority",
        message=_("Labour inspection body: name the body it is sent to."),
        max_length=200,
    )
    _step(complaint, "refer")
    complaint.refer(by=actor)
    save_with_history(complaint, actor)
    _decision_clock_stop(complaint)
    referral = InspectionReferral(
        complaint=complaint,
        authority=authority,
        letter=referral_letter(complaint),
        sent_by=actor,
        last_note=(note or "").strip(),
    )
    save_with_history(referral, actor)
    _clock_follow(complaint.case, actor, referred=True)
    events.complaint_referred_event(referral, actor)
    return referral


@transaction.atomic
def complaint_referral_update(
    *,
    actor: User,
    referral: InspectionReferral,
    status: str,
    at: datetime | None = None,
    note: str = "",
    outcome: str = "",
    inspection_reference: str = "",
) -> InspectionReferral:
    """Record a step of the inspection's progress (acknowledged, investigating, concluded),
    forward only, on the day it happened (``at``, default now). The conclusion needs the
    outcome; with it the complaint comes back to the market and the clock goes on."""
    complaint = _locked(referral.complaint)
    _may_work_on(complaint, actor)
    referral = InspectionReferral.objects.select_for_update().get(pk=referral.pk)
    referral.complaint = complaint
    now = timezone.now()
    moment = at or now
    if status not in REFERRAL_STEPS[1:]:
        raise ValidationError({"status": _("Step: choose the step the inspection reached.")})
    if referral.status == ReferralStatus.CONCLUDED:
        raise CaseActionError(_("This referral is concluded already."))
    if REFERRAL_STEPS.index(status) <= REFERRAL_STEPS.index(referral.status):
        raise ValidationError({"status": _("Step: the referral has reached this step already.")})
    if moment > now or moment < referral.sent_at:
        raise ValidationError(
            {"at": _("Date: between the day the referral was sent and today, please.")}
        )
    outcome = (outcome or "").strip()
    if status == ReferralStatus.CONCLUDED and not outcome:
        raise ValidationError({"outcome": _("Outcome: record what the inspection concluded.")})
    old_status = referral.status
    referral.status = status
    if status == ReferralStatus.ACKNOWLEDGED:
        referral.acknowledged_at = moment
    elif status == ReferralStatus.INVESTIGATING:
        referral.investigating_at = moment
        referral.acknowledged_at = referral.acknowledged_at or moment
    else:
        referral.concluded_at = moment
        referral.outcome = outcome
    if inspection_reference.strip():
        referral.inspection_reference = inspection_reference.strip()[:64]
    referral.last_note = (note or "").strip()
    save_with_history(referral, actor)
    if status == ReferralStatus.CONCLUDED:
        _step(complaint, "referral_concluded")
        complaint.referral_concluded()
        save_with_history(complaint, actor)
        _clock_follow(complaint.case, actor, referred=False)
    events.complaint_referral_updated_event(referral, actor, old_status=old_status)
    return referral


# --- The complained-about posting ----------------------------------------------------------------


@transaction.atomic
def complaint_posting_suspend(*, actor: User, complaint: Complaint) -> Complaint:
    """A team lead takes the complained-about posting off every screen at once. Postings have
    no "suspended" status: the posting is withdrawn (postings.posting_withdraw) with the reason
    "suspended after a complaint"; publishing it again means taking it in anew."""
    complaint = _locked(complaint)
    if not can.lead(complaint.case, actor):
        raise PermissionDenied
    if complaint.posting is None:
        raise CaseActionError(_("This complaint is not about a job posting."))
    if complaint.posting_suspended_at is not None:
        raise CaseActionError(_("The posting has been suspended already."))
    posting_withdraw(actor=actor, posting=complaint.posting, reason=SUSPEND_REASON)
    complaint.posting_suspended_at = timezone.now()
    complaint.posting_suspended_by = actor
    save_with_history(complaint, actor)
    events.complaint_posting_suspended_event(complaint, actor)
    return complaint


# --- Outcome and return visit (回访) ------------------------------------------------------------


@transaction.atomic
def complaint_resolve(*, actor: User, complaint: Complaint, outcome: str) -> Complaint:
    complaint = _locked(complaint)
    _may_work_on(complaint, actor)
    outcome = _text(outcome, field="outcome", message=_("Outcome: record how it was resolved."))
    _step(complaint, "resolve")
    complaint.resolve()
    complaint.case = case_resolve(actor=actor, case=complaint.case, outcome=outcome)
    save_with_history(complaint, actor)
    events.complaint_resolved_event(complaint, actor)
    return complaint


@transaction.atomic
def complaint_satisfaction_record(
    *, actor: User, complaint: Complaint, satisfaction: str, note: str = ""
) -> Complaint:
    """The complainant's satisfaction at the return visit, once, after the resolution; the
    case is closed with it."""
    complaint = _locked(complaint)
    _may_work_on(complaint, actor)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Satisfaction: choose one of the answers.")})
    if complaint.status != Status.RESOLVED:
        raise CaseActionError(_("Satisfaction is recorded once the complaint is resolved."))
    if complaint.satisfaction:
        raise CaseActionError(_("The satisfaction has been recorded already."))
    complaint.satisfaction = satisfaction
    complaint.satisfaction_note = (note or "").strip()[:TEXT_MAX]
    complaint.satisfaction_recorded_at = timezone.now()
    save_with_history(complaint, actor)
    complaint.case = case_close(actor=actor, case=complaint.case)
    events.complaint_satisfaction_recorded_event(complaint, actor)
    return complaint
