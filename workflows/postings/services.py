"""State changes of job postings (招聘信息, standard art. 13–14, 20), one service per verb.

Each runs inside one transaction with the case engine's services it calls: lock the posting
row, check the actor's right, validate, run the posting's transition, save (field history),
drive the review case (kind ``posting_review``) and write the audit event. An illegal or
unpermitted action raises and changes nothing:

- ``django.core.exceptions.PermissionDenied``: the actor may not do this;
- ``cases.services.CaseActionError``: the posting's (or its case's) state does not allow it;
- ``django.core.exceptions.ValidationError``: bad details, per field (``posting_validate``).

"Instant quick hiring" (即时快招, art. 2, 12): at the counter a clean posting is taken in and
published in the same sitting (``posting_intake_and_publish``). ``posting_take_in`` is the
whole intake of any channel: it also finds or registers the employer, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as can
from cases.fsm import row_locked, save_with_history, transition, transition_run
from cases.identity import phone_mask
from cases.intake import (
    ApplicantGiven,
    IntakeErrors,
    applicant_organisation_find_for_intake,
    applicant_person_find_for_intake,
)
from cases.models import (
    Applicant,
    Case,
    Channel,
    ChecklistItem,
    NoticeItem,
    SingleNotice,
    State,
)
from cases.services import (
    ApplicantFound,
    CaseActionError,
    case_close,
    case_open,
    case_receive_materials,
    case_request_materials,
    case_resolve,
    case_withdraw,
)
from markets.models import Market, ServiceStation

from . import events
from .flow import POSTING_REVIEW
from .models import Occupation, Posting, Status
from .signals import Change, posting_changed_send
from .validation import PostingInput, posting_end_date_validate, posting_validate

OUTCOME_PUBLISHED = "published"
SUBJECT_MAX = 200


# --- Helpers ----------------------------------------------------------------------------------


def _locked(posting: Posting) -> Posting:
    locked: Posting = row_locked(Posting, posting.pk, related=("market", "occupation", "case"))
    return locked


def _refused(posting: Posting) -> str:
    return _("This posting is “%(status)s”: this action is not possible now.") % {
        "status": posting.get_status_display()
    }


def _run(posting: Posting, verb: Callable[..., Any], actor: User | None) -> None:
    """Check and run the posting's transition ``verb`` (``actor`` None: the system)."""
    transition_run(verb, actor, refused=lambda: _refused(posting))


def _may_except(actor: User, market: Market, cleaned: PostingInput) -> None:
    """Letting a phrase the screen flags through needs a team lead of the market."""
    if cleaned.screening_exceptions and not can.leads(actor, market.pk):
        raise PermissionDenied


def _apply(posting: Posting, cleaned: PostingInput, actor: User) -> dict[str, Any]:
    """Copy the checked details onto the posting; return the old values of what changed."""
    changed: dict[str, Any] = {}
    for name in PostingInput.MODEL_FIELDS:
        value = getattr(cleaned, name)
        old = getattr(posting, name, None) if posting.pk else None
        if posting.pk and old != value:
            # The audit trail keeps the contact phone masked, never in plain text.
            changed[name] = posting.contact_phone_masked if name == "contact_phone" else old
        setattr(posting, name, value)
    posting.contact_phone_masked = phone_mask(posting.contact_phone)
    posting.screening_findings = cleaned.findings_json()
    posting.screening_exception_by = actor if cleaned.screening_exceptions else None
    return changed


def _occupation_of_market(cleaned: PostingInput, market: Market) -> None:
    """A market's own occupation (本市场工种) is named by that market's postings only."""
    market_id = cleaned.occupation.market_id
    if market_id is not None and market_id != market.pk:
        raise ValidationError(
            {
                "occupation": _(
                    "%(occupation)s is another market's own occupation: choose one of the "
                    "national classification or of this market."
                )
                % {"occupation": cleaned.occupation}
            }
        )


def _industry_settle(posting: Posting, employer: Applicant, actor: User) -> None:
    """A posting that names no industry takes its employer's; an employer whose industry is
    unknown takes the first one a posting of theirs names (kept in the employer's history).
    Neither known: the posting's industry stays unknown (NULL)."""
    if posting.industry_id is None:
        posting.industry_id = employer.industry_id
    elif employer.industry_id is None:
        employer = Applicant.objects.select_for_update().get(pk=employer.pk)
        if employer.industry_id is None:
            employer.industry_id = posting.industry_id
            save_with_history(employer, actor, update_fields=["industry"])


def _subject(cleaned: PostingInput) -> str:
    subject = _("Job posting: %(occupation)s × %(headcount)d, %(county)s") % {
        "occupation": cleaned.occupation.name,
        "headcount": cleaned.headcount,
        "county": cleaned.county.name,
    }
    return subject[:SUBJECT_MAX]


def _case_locked(posting: Posting) -> Case:
    if posting.case_id is None:
        raise CaseActionError(_("This posting has no review case."))
    case: Case = Case.objects.select_for_update().get(pk=posting.case_id)
    return case


# --- Intake -----------------------------------------------------------------------------------
# ``posting_new``, ``publishable_check``, ``subject_of``, ``may_except`` and ``run`` are the
# intake's building blocks, shared with the bulk intake (``bulk.posting_take_in_many``).


def posting_new(
    *, employer: Applicant, market: Market, cleaned: PostingInput, actor: User
) -> Posting:
    """A new posting with the checked details (not saved, no case yet), its industry settled
    with its employer's (``_industry_settle``)."""
    posting: Posting = Posting(employer=employer, market=market)
    _apply(posting, cleaned, actor)
    _industry_settle(posting, employer, actor)
    return posting


def publishable_check(posting: Posting) -> None:
    """Raise CaseActionError unless the posting may be published: a blocking finding of the
    screen, or a last working day already passed, keeps it from the screens."""
    if any(finding.get("severity") == "block" for finding in posting.screening_findings):
        raise CaseActionError(_("The content screen blocks this posting: correct it first."))
    if posting.status == Status.IN_REVIEW and posting.end_date < timezone.localdate():
        raise CaseActionError(
            _("The last working day (%(date)s) has passed: the posting cannot be published.")
            % {"date": posting.end_date.isoformat()}
        )


subject_of = _subject
may_except = _may_except
run = _run


@transaction.atomic
def posting_intake(
    *,
    actor: User,
    market: Market,
    channel: str,
    employer: Applicant,
    data: Mapping[str, Any],
    station: ServiceStation | None = None,
    contact_mobile: str | None = None,
    claimed: bool = True,
) -> Posting:
    """Take a posting in from any channel: check and screen it, open its review case
    (the actor is its first-contact officer; ``contact_mobile`` and ``claimed`` as
    ``case_open`` takes them) and leave it in review."""
    if not can.works_in(actor, market.pk):
        raise PermissionDenied
    cleaned = posting_validate(data)
    _occupation_of_market(cleaned, market)
    _may_except(actor, market, cleaned)
    case = case_open(
        actor=actor,
        market=market,
        kind=POSTING_REVIEW.code,
        channel=channel,
        applicant=employer,
        subject=_subject(cleaned),
        station=station,
        contact_mobile=contact_mobile,
        claimed=claimed,
    )
    posting = posting_new(employer=employer, market=market, cleaned=cleaned, actor=actor)
    posting.case = case
    _run(posting, posting.submit, actor)
    save_with_history(posting, actor)
    events.posting_taken_in_event(posting, actor, exceptions=cleaned.screening_exceptions)
    return posting


@transaction.atomic
def posting_publish(*, actor: User, posting: Posting) -> Posting:
    """Publish a reviewed posting: resolve and close its case with the outcome "published".
    A posting whose screen has a blocking finding, or whose last working day has passed, is
    not published."""
    posting = _locked(posting)
    publishable_check(posting)
    _run(posting, posting.publish, actor)
    case = _case_locked(posting)
    if case.state != State.IN_PROGRESS:
        raise CaseActionError(
            _("The review case %(reference)s is “%(state)s”: it must be in progress.")
            % {"reference": case.reference, "state": case.get_state_display()}
        )
    save_with_history(posting, actor)
    case = case_resolve(actor=actor, case=case, outcome=OUTCOME_PUBLISHED)
    case_close(actor=actor, case=case)
    events.posting_published_event(posting, actor)
    posting_changed_send(posting, Change.PUBLISHED, actor)
    return posting


@transaction.atomic
def posting_intake_and_publish(
    *,
    actor: User,
    market: Market,
    employer: Applicant,
    data: Mapping[str, Any],
    channel: str = Channel.COUNTER,
    station: ServiceStation | None = None,
    contact_mobile: str | None = None,
) -> Posting:
    """Instant quick hiring (即时快招): a clean posting taken at the counter is reviewed and
    published in the same sitting. Anything refused leaves nothing behind."""
    posting = posting_intake(
        actor=actor,
        market=market,
        channel=channel,
        employer=employer,
        data=data,
        station=station,
        contact_mobile=contact_mobile,
    )
    published: Posting = posting_publish(actor=actor, posting=posting)
    return published


# The employer's fields, as ``posting_take_in`` names them in its errors (the posting's own
# fields have a ``name`` and a ``mobile`` of their own: the contact's).
EMPLOYER_FIELDS = {
    "name": "employer_name",
    "id_number": "employer_id_number",
    "credit_code": "credit_code",
    "mobile": "employer_mobile",
}


def _employer_find(
    *, actor: User, market: Market, employer: ApplicantGiven, use_registered_name: bool
) -> ApplicantFound:
    """The employer as an applicant: an organisation by its credit code, a person by their ID
    number (and mobile); a known one unchanged, its name on earlier postings untouched. A name
    that disagrees with the record is refused as a conflict unless ``use_registered_name``.
    Errors under the service's own field names (the keys of ``EMPLOYER_FIELDS``)."""
    credit_code, id_number = employer.credit_code.strip(), employer.id_number.strip()
    if bool(credit_code) == bool(id_number):
        raise ValidationError(
            {
                "credit_code": _(
                    "Give the unified social credit code of an organisation, or the ID number "
                    "of a person who hires, not both."
                )
                if credit_code
                else _(
                    "Give the unified social credit code of an organisation, or the ID number "
                    "of a person who hires."
                )
            }
        )
    if credit_code:
        return applicant_organisation_find_for_intake(
            actor=actor,
            market=market,
            name=employer.name,
            credit_code=credit_code,
            mobile=employer.mobile,
            use_registered_name=use_registered_name,
        )
    if not employer.mobile.strip():
        raise ValidationError({"mobile": _("Give the mobile of a person who hires.")})
    return applicant_person_find_for_intake(
        actor=actor,
        market=market,
        name=employer.name,
        id_number=id_number,
        mobile=employer.mobile,
        use_registered_name=use_registered_name,
    )


@transaction.atomic
def posting_take_in(
    *,
    actor: User,
    market: Market,
    employer: ApplicantGiven,
    data: Mapping[str, Any],
    publish: bool,
    channel: str = Channel.COUNTER,
    station: ServiceStation | None = None,
    use_registered_name: bool = False,
    claimed: bool = True,
) -> Posting:
    """The whole intake of a posting: find or register the employer and take the posting in
    (``posting_intake``); with ``publish``, publish it in the same sitting (即时快招,
    ``posting_intake_and_publish``). One transaction: a refused posting leaves no employer
    record behind.

    Raises ``cases.intake.IntakeRefused`` with the employer's problems (under
    ``EMPLOYER_FIELDS``' names; a name conflict with the name on record) and the posting's
    together; PermissionDenied, CaseActionError as the posting's services do.

    ``claimed`` False (online): the review case waits in the market's queue to be claimed
    (``case_open``); a posting to publish at once is always claimed."""
    errors = IntakeErrors()
    found: ApplicantFound | None = None
    with errors.collect(EMPLOYER_FIELDS):
        found = _employer_find(
            actor=actor, market=market, employer=employer, use_registered_name=use_registered_name
        )
    if found is None:
        with errors.collect():
            posting_validate(data)
        errors.refuse()
    if publish:
        return posting_intake_and_publish(
            actor=actor,
            market=market,
            employer=found.applicant,
            data=data,
            channel=channel,
            station=station,
            contact_mobile=found.contact_mobile,
        )
    return posting_intake(
        actor=actor,
        market=market,
        channel=channel,
        employer=found.applicant,
        data=data,
        station=station,
        contact_mobile=found.contact_mobile,
        claimed=claimed,
    )


# --- Correction -------------------------------------------------------------------------------


@transaction.atomic
def posting_return_for_correction(
    *, actor: User, posting: Posting, items: Sequence[ChecklistItem]
) -> SingleNotice:
    """Send the posting back to the employer with one single notice (一次性告知) listing
    every correction needed; the case waits (its clock paused) until they answer."""
    posting = _locked(posting)
    if posting.status != Status.IN_REVIEW:
        raise CaseActionError(
            _("This posting is “%(status)s”: only a posting in review can be returned.")
            % {"status": posting.get_status_display()}
        )
    case = _case_locked(posting)
    notice = case_request_materials(actor=actor, case=case, items=items)
    events.posting_returned_event(posting, actor, items=[item.name for item in items])
    return notice


@transaction.atomic
def posting_resubmit(*, actor: User, posting: Posting, data: Mapping[str, Any]) -> Posting:
    """The employer's corrected details: checked and screened again, the notice's items
    received, and the case back in progress for review. ``data`` may hold only what
    changed; the rest is kept."""
    posting = _locked(posting)
    if posting.status != Status.IN_REVIEW:
        raise CaseActionError(
            _("This posting is “%(status)s”: only a posting in review can be corrected.")
            % {"status": posting.get_status_display()}
        )
    case = _case_locked(posting)
    if case.state != State.AWAITING_MATERIALS:
        raise CaseActionError(_("This posting has not been returned for correction."))
    if not can.work_on(case, actor):
        raise PermissionDenied
    cleaned = posting_validate({**posting_as_data(posting), **data})
    _occupation_of_market(cleaned, posting.market)
    _may_except(actor, posting.market, cleaned)
    changed = _apply(posting, cleaned, actor)
    save_with_history(posting, actor)
    pending = list(NoticeItem.objects.filter(notice__case=case, received_at__isnull=True))
    case_receive_materials(actor=actor, case=case, items=pending)
    events.posting_resubmitted_event(posting, actor, changed=changed)
    posting_changed_send(posting, Change.UPDATED, actor)
    return posting


def posting_as_data(posting: Posting) -> dict[str, Any]:
    """A posting's details in the shape ``posting_validate`` takes."""
    return {
        "contact_name": posting.contact_name,
        "contact_phone": posting.contact_phone,
        "occupation": posting.occupation,
        "skill_requirements": posting.skill_requirements,
        "county": posting.county,
        "address": posting.address,
        "latitude": posting.latitude,
        "longitude": posting.longitude,
        "start_date": posting.start_date,
        "end_date": posting.end_date,
        "working_days": posting.working_days,
        "days_per_week": posting.days_per_week,
        "start_time": posting.start_time,
        "end_time": posting.end_time,
        "break_minutes": posting.break_minutes,
        "pay_min": posting.pay_min,
        "pay_max": posting.pay_max,
        "pay_method": posting.pay_method,
        "settlement": posting.settlement,
        "headcount": posting.headcount,
        "employment_form": posting.employment_form,
        "is_public_welfare": posting.is_public_welfare,
        "eligibility": list(posting.eligibility),
        "description": posting.description,
        "industry": posting.industry,
    }


# --- Refusal and endings ----------------------------------------------------------------------


@transaction.atomic
def posting_reject(*, actor: User, posting: Posting, reason: str) -> Posting:
    """A team lead refuses to publish the posting (unlawful, or not a real job); the case is
    resolved and closed with the reason."""
    posting = _locked(posting)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reason: give the reason for the rejection.")})
    _run(posting, posting.reject, actor)
    case = _case_locked(posting)
    if case.state != State.IN_PROGRESS:
        raise CaseActionError(
            _("The review case %(reference)s is “%(state)s”: it must be in progress.")
            % {"reference": case.reference, "state": case.get_state_display()}
        )
    save_with_history(posting, actor)
    outcome = _("rejected: %(reason)s") % {"reason": reason}
    case = case_resolve(actor=actor, case=case, outcome=outcome)
    case_close(actor=actor, case=case)
    events.posting_rejected_event(posting, actor, reason=reason)
    posting_changed_send(posting, Change.REJECTED, actor)
    return posting


@transaction.atomic
def posting_withdraw(*, actor: User, posting: Posting, reason: str) -> Posting:
    """The employer takes the posting back; a case still open is withdrawn with it."""
    posting = _locked(posting)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Reason: give the reason for the withdrawal.")})
    _run(posting, posting.withdraw, actor)
    save_with_history(posting, actor)
    if posting.case_id is not None:
        case = _case_locked(posting)
        if case.is_open:
            case_withdraw(actor=actor, case=case, reason=reason)
    events.posting_withdrawn_event(posting, actor, reason=reason)
    posting_changed_send(posting, Change.WITHDRAWN, actor)
    return posting


@transaction.atomic
def posting_fill(*, actor: User, posting: Posting) -> Posting:
    """Every place is taken, by the officer's word (the employer hired outside the market's
    referrals): the posting leaves the screens."""

    def filled(posting: Posting) -> None:
        events.posting_filled_event(posting, actor)
        posting_changed_send(posting, Change.FILLED, actor)

    return transition(posting, "fill", actor=actor, lock=_locked, refused=_refused, event=filled)


@transaction.atomic
def posting_fill_when_hired_out(*, actor: User, posting: Posting, hired: int) -> Posting:
    """Fill a published posting automatically once the referrals hired for it (``hired``)
    reach its headcount. Called by the referral-outcome service in its transaction, which
    locks the posting (``posting_lock``) *before* counting, so two hires recorded at once are
    counted one after the other and the posting is filled once. The fill is a system step (the
    officer who recorded the hire may work in the seeker's market, not the posting's); the
    audit event names them. A posting not published, or with places left, is unchanged."""
    locked = _locked(posting)
    if locked.status != Status.PUBLISHED or hired < locked.headcount:
        return locked
    _run(locked, locked.fill, None)
    save_with_history(locked, actor)
    events.posting_filled_event(locked, actor, hired=hired)
    posting_changed_send(locked, Change.FILLED, actor)
    return locked


def posting_lock(*, pk: int) -> Posting:
    """The posting row locked until the caller's transaction ends."""
    return _locked(Posting(pk=pk))


@transaction.atomic
def posting_extend(*, actor: User, posting: Posting, end_date: date | str) -> Posting:
    """Extend a published posting (or one in review) to a later last working day: not in
    the past, and within the rules' limit from its first working day
    (``posting_end_date_validate``). It stays on the screens until then."""
    posting = _locked(posting)
    if not can.works_in(actor, posting.market_id):
        raise PermissionDenied
    if posting.status not in (Status.PUBLISHED, Status.IN_REVIEW):
        raise CaseActionError(_refused(posting))
    old_end_date = posting.end_date
    posting.end_date = posting_end_date_validate(
        start_date=posting.start_date, current=old_end_date, value=end_date
    )
    save_with_history(posting, actor, update_fields=["end_date"])
    events.posting_extended_event(posting, actor, old_end_date=old_end_date)
    posting_changed_send(posting, Change.EXTENDED, actor)
    return posting


def posting_expire_due(*, today: date | None = None) -> int:
    """Expire every published posting whose last working day is before ``today`` (default:
    today in the display zone). Idempotent: a second run, or one after an outage, finds only
    what is still published. Returns how many expired."""
    today = today or timezone.localdate()
    due = list(
        Posting.objects.filter(status=Status.PUBLISHED, end_date__lt=today).values_list(
            "pk", flat=True
        )
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            posting: Posting | None = (
                Posting.objects.select_for_update(of=("self",))
                .select_related("market")
                .filter(pk=pk, status=Status.PUBLISHED, end_date__lt=today)
                .first()
            )
            if posting is None:
                continue
            _run(posting, posting.expire, None)
            save_with_history(posting, None)
            events.posting_expired_event(posting)
            posting_changed_send(posting, Change.EXPIRED)
            expired += 1
    return expired


# --- The market's own occupations (本市场工种) ---------------------------------------------------

LOCAL_OCCUPATIONS_MAX = 999  # per middle group: the code has three digits


@transaction.atomic
def occupation_local_add(
    *, actor: User, market: Market, middle_code: str, name: str, aliases: str = ""
) -> Occupation:
    """Add one of the market's own occupations (本市场工种) under a middle group (中类) of the
    national classification: its code is the 中类, ``L`` and the next free number
    (``4-03-L001``), so the statistics count it with its 中类. A team lead of the market only;
    a name the market or the classification already has under that 中类 is refused."""
    if not can.leads(actor, market.pk):
        raise PermissionDenied
    middle = (
        Occupation.objects.select_for_update()
        .filter(code=middle_code.strip(), level=Occupation.Level.MIDDLE, is_active=True)
        .first()
    )
    if middle is None:
        raise ValidationError(
            {"middle_code": _("Choose a middle group (中类) of the classification, such as 4-03.")}
        )
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": _("Give the occupation's name (at most 100 characters).")})
    taken = Occupation.objects.filter(code__startswith=f"{middle.code}-", name=name).filter(
        Q(market__isnull=True) | Q(market=market)
    )
    if taken.exists():
        raise ValidationError({"name": _("This middle group has an occupation of that name.")})
    codes = Occupation.objects.filter(
        level=Occupation.Level.LOCAL, code__startswith=f"{middle.code}-L"
    ).values_list("code", flat=True)
    number = max((int(code.rsplit("L", 1)[1]) for code in codes), default=0) + 1
    if number > LOCAL_OCCUPATIONS_MAX:
        raise ValidationError({"middle_code": _("This middle group has no free local code left.")})
    occupation = Occupation(
        code=f"{middle.code}-L{number:03d}",
        name=name,
        aliases=aliases.strip()[:200],
        market=market,
    )
    occupation.full_clean()
    save_with_history(occupation, actor)
    events.occupation_local_added_event(occupation, actor)
    return occupation
