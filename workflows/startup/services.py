"""Start-up help (创业服务, standard art. 23): take the request in (``startup_take_in``: the
person and the case, from any channel), open the case, record each service item's outcome,
pre-check a start-up guaranteed loan (创业担保贷款), complete the case.

Each service is one transaction: lock the case, check the actor's right, validate, save (field
history), audit. Errors change nothing:

- ``django.core.exceptions.PermissionDenied``: the actor may not work on this case;
- ``cases.services.CaseActionError``: the case's state does not allow it now;
- ``django.core.exceptions.ValidationError``: bad input, per field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from cases import permissions as can
from cases.fsm import row_locked, save_with_history
from cases.identity import text_stored
from cases.intake import IntakeErrors, applicant_person_find_for_intake
from cases.models import Applicant, Case, ChecklistItem, State
from cases.services import (
    ApplicantFound,
    CaseActionError,
    case_close,
    case_open,
    case_request_materials,
    case_resolve,
)
from markets.models import Market

from . import events
from .flow import STARTUP_HELP
from .models import (
    Answer,
    BorrowerKind,
    EligibilityGroup,
    LoanLimits,
    LoanPreCheck,
    PreCheckResult,
    ServiceOutcome,
    StartupItem,
    StartupService,
)

SUBJECT_MAX = 200
NOTE_MAX = 2000
PLAN_MAX = 4000
AMOUNT_MAX = Decimal("9999999999.99")
WORKING_STATES = (State.IN_PROGRESS, State.AWAITING_MATERIALS)


@dataclass(frozen=True)
class Criterion:
    """One criterion of the loan pre-check and the checklist item (by name) that proves it."""

    code: str
    label: Any  # a lazy string
    material: str


# In the order the single notice lists the materials. Names are those of the checklist seeded
# by migration 0002; an administrator who renames an item must rename it here too.
CRITERIA: dict[str, Criterion] = {
    c.code: c
    for c in (
        Criterion("identity", gettext_lazy("Identity"), "居民身份证"),
        Criterion("eligibility_group", gettext_lazy("Eligibility group"), "就业创业证"),
        Criterion(
            "hires_share",
            gettext_lazy("Share of eligible new hires (small business)"),
            "新招用人员劳动合同及社会保险缴费凭证",
        ),
        Criterion("business_registration", gettext_lazy("Business registration"), "营业执照"),
        Criterion("plan", gettext_lazy("Business plan"), "创业计划书"),
        Criterion("credit", gettext_lazy("Credit record"), "信用报告"),
        Criterion("other_loan", gettext_lazy("Other start-up loans outstanding"), "信用报告"),
        Criterion("guarantee", gettext_lazy("Collateral or guarantor"), "担保或反担保材料"),
    )
}


def _locked(case: Case) -> Case:
    locked: Case = row_locked(Case, case.pk, related=("market", "applicant"))
    return locked


def _startup_case(case: Case, actor: User) -> Case:
    """The case locked, after checking it is start-up help and the actor may work on it."""
    case = _locked(case)
    if case.kind != STARTUP_HELP.code:
        raise CaseActionError(_("This case is not a start-up help case."))
    if not can.work_on(case, actor):
        raise PermissionDenied
    return case


def _working(case: Case) -> None:
    if case.state not in WORKING_STATES:
        raise CaseActionError(
            _("Case %(reference)s is “%(state)s”: this action is not possible now.")
            % {"reference": case.reference, "state": case.get_state_display()}
        )


def _note(note: str, *, field: str = "note", max_length: int = NOTE_MAX) -> str:
    return text_stored(note, field=field, max_length=max_length)


# --- Opening ----------------------------------------------------------------------------------


@transaction.atomic
def startup_open(
    *,
    actor: User,
    market: Market,
    applicant: Applicant,
    channel: str,
    plan_summary: str,
    contact_mobile: str | None = None,
) -> Case:
    """Open a start-up help case for a person, with its four service items pending.
    ``contact_mobile``: the mobile given for this request, as ``case_open`` takes it."""
    if applicant.kind != Applicant.Kind.PERSON:
        raise ValidationError({"applicant": _("Start-up help is given to a person.")})
    plan = _note(plan_summary, field="plan_summary", max_length=PLAN_MAX)
    if not plan:
        raise ValidationError({"plan_summary": _("Describe the start-up plan in a few words.")})
    first_line = plan.splitlines()[0]
    subject = first_line if len(first_line) <= SUBJECT_MAX else first_line[: SUBJECT_MAX - 1] + "…"
    case = case_open(
        actor=actor,
        market=market,
        kind=STARTUP_HELP.code,
        channel=channel,
        applicant=applicant,
        subject=subject,
        description=plan,
        contact_mobile=contact_mobile,
    )
    for item in StartupItem.values:
        service = StartupService(case=case, item=item)
        save_with_history(service, actor)
    events.startup_opened_event(case, actor)
    return case


@transaction.atomic
def startup_take_in(
    *,
    actor: User,
    market: Market,
    name: str,
    id_number: str,
    mobile: str,
    channel: str,
    plan_summary: str,
    use_registered_name: bool = False,
) -> Case:
    """The whole intake of start-up help: find or register the person and open the case
    (``startup_open``), in one transaction, every problem reported at once. A known person is
    used unchanged (a name that disagrees with the record is a conflict unless
    ``use_registered_name``); the mobile given is the case's contact mobile.

    Raises ``cases.intake.IntakeRefused`` (per field; a name conflict with the name on
    record), PermissionDenied when the actor does not work in ``market``."""
    errors = IntakeErrors()
    found: ApplicantFound | None = None
    with errors.collect():
        found = applicant_person_find_for_intake(
            actor=actor,
            market=market,
            name=name,
            id_number=id_number,
            mobile=mobile,
            use_registered_name=use_registered_name,
        )
    with errors.collect():
        if not _note(plan_summary, field="plan_summary", max_length=PLAN_MAX):
            errors.add("plan_summary", _("Describe the start-up plan in a few words."))
    if found is None or errors:
        errors.refuse()
    return startup_open(
        actor=actor,
        market=market,
        applicant=found.applicant,
        channel=channel,
        plan_summary=plan_summary,
        contact_mobile=found.contact_mobile,
    )


# --- Service items ----------------------------------------------------------------------------


@transaction.atomic
def startup_item_record(
    *, actor: User, case: Case, item: str, outcome: str, note: str = ""
) -> StartupService:
    """Record what came of one service item. A referral says where to (in the note)."""
    case = _startup_case(case, actor)
    _working(case)
    errors: dict[str, str] = {}
    if item not in StartupItem.values:
        errors["item"] = _("Choose one of the four start-up services.")
    if outcome not in ServiceOutcome.values or outcome == ServiceOutcome.PENDING:
        errors["outcome"] = _("Choose an outcome.")
    if errors:
        raise ValidationError(errors)
    note = _note(note)
    if outcome == ServiceOutcome.REFERRED and not note:
        raise ValidationError({"note": _("Say where the applicant was referred to.")})
    service = StartupService.objects.select_for_update().get(case=case, item=item)
    service.case = case
    old = service.outcome
    if old == outcome and service.note == note:
        return service
    service.outcome = outcome
    service.note = note
    service.officer = actor
    service.date = timezone.localdate()
    save_with_history(service, actor, update_fields=["outcome", "note", "officer", "date"])
    events.startup_item_recorded_event(service, actor, old)
    return service


# --- Completion -------------------------------------------------------------------------------


def _summary(case: Case) -> str:
    lines = [
        f"{service.get_item_display()}: {service.get_outcome_display()}"
        + (f" ({service.note})" if service.note else "")
        for service in StartupService.objects.filter(case=case).order_by("pk")
    ]
    check = LoanPreCheck.objects.filter(case=case).first()
    if check is not None:
        lines.append(
            _("Loan pre-check: %(result)s, %(amount)s yuan asked")
            % {"result": check.get_result_display(), "amount": check.amount}
        )
    return "\n".join(lines)


@transaction.atomic
def startup_close(*, actor: User, case: Case) -> Case:
    """Complete the case once every item has an outcome: resolved with a summary of the
    outcomes (and of the latest loan pre-check), then closed."""
    case = _startup_case(case, actor)
    pending = [
        str(service.get_item_display())
        for service in StartupService.objects.filter(
            case=case, outcome=ServiceOutcome.PENDING
        ).order_by("pk")
    ]
    if pending:
        raise CaseActionError(
            _("Record an outcome for every service first; still pending: %(items)s.")
            % {"items": "、".join(pending)}
        )
    case = case_resolve(actor=actor, case=case, outcome=_summary(case))
    case = case_close(actor=actor, case=case)
    events.startup_closed_event(case, actor)
    return case


# --- Loan pre-check ---------------------------------------------------------------------------


def loan_limit_in_force(*, borrower_kind: str, on: date) -> LoanLimits | None:
    """The latest limit for the kind of borrower in force on ``on``."""
    limit: LoanLimits | None = (
        LoanLimits.objects.filter(borrower_kind=borrower_kind, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    return limit


def _years_between(earlier: date, later: date) -> int:
    years = later.year - earlier.year
    return years - 1 if (later.month, later.day) < (earlier.month, earlier.day) else years


def _answer(data: Mapping[str, Any], field: str, errors: dict[str, str]) -> str:
    value = data.get(field) or Answer.UNKNOWN
    if value not in Answer.values:
        errors[field] = _("Choose yes, no, or not known yet.")
        return Answer.UNKNOWN
    return str(value)


def _amount(value: Any, errors: dict[str, str]) -> Decimal | None:
    try:
        amount = Decimal(str(value).replace(",", "").replace(" ", "").strip())
    except (InvalidOperation, ValueError):
        errors["amount"] = _("Enter the amount asked, in yuan.")
        return None
    if not amount.is_finite() or amount <= 0 or amount > AMOUNT_MAX:
        errors["amount"] = _("Enter the amount asked, in yuan.")
        return None
    return amount.quantize(Decimal("0.01"))


def _registered_on(value: Any, today: date, errors: dict[str, str]) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        registered = value
    else:
        try:
            registered = date.fromisoformat(str(value).strip())
        except ValueError:
            errors["business_registered_on"] = _("Enter a date such as 2025-06-30.")
            return None
    if registered > today:
        errors["business_registered_on"] = _("The registration date cannot be in the future.")
        return None
    return registered


def _materials(missing: list[str]) -> list[ChecklistItem]:
    """The checklist items of start-up help that prove the missing criteria, each once."""
    names = list(dict.fromkeys(CRITERIA[code].material for code in missing))
    found = {
        item.name: item
        for item in ChecklistItem.objects.filter(
            kind=STARTUP_HELP.code, name__in=names, is_active=True
        )
    }
    lacking = [name for name in names if name not in found]
    if lacking:
        raise CaseActionError(
            _(
                "The checklist of start-up help has no item in use for %(names)s: ask the "
                "system administrator to restore it before issuing the notice."
            )
            % {"names": "、".join(lacking)}
        )
    return sorted(found.values(), key=lambda item: (item.position, item.pk))


@transaction.atomic
def loan_precheck(*, actor: User, case: Case, data: Mapping[str, Any]) -> LoanPreCheck:
    """Pre-check a start-up guaranteed loan against the limits and criteria in force today.

    An amount above the limit is refused (ValidationError on ``amount``, naming the limit).
    Otherwise the check is recorded: what rules the applicant out (``failed``) and what cannot
    be decided for want of a material (``missing``). When nothing rules them out but something
    is missing, one single notice lists every missing material (一次性告知). The engine issues
    one notice per case: a later check with materials missing records the engine's refusal in
    ``notice_refused`` instead."""
    case = _startup_case(case, actor)
    _working(case)
    today = timezone.localdate()
    errors: dict[str, str] = {}
    borrower_kind = str(data.get("borrower_kind") or "")
    if borrower_kind not in BorrowerKind.values:
        errors["borrower_kind"] = _("Choose who borrows: the person, or a small business.")
    amount = _amount(data.get("amount"), errors)
    group = str(data.get("eligibility_group") or "")
    if group and group not in EligibilityGroup.values:
        errors["eligibility_group"] = _("Choose a group from the list.")
    registered_on = _registered_on(data.get("business_registered_on"), today, errors)
    answers = {
        field: _answer(data, field, errors)
        for field in (
            "hires_share_met",
            "identity_checked",
            "plan_submitted",
            "good_credit",
            "no_other_loan",
            "guarantee_available",
        )
    }
    limit = None
    if borrower_kind in BorrowerKind.values:
        limit = loan_limit_in_force(borrower_kind=borrower_kind, on=today)
        if limit is None:
            errors["borrower_kind"] = _("No loan limit is in force for this borrower today.")
    if limit is not None and amount is not None and amount > limit.max_amount:
        errors["amount"] = _(
            "At most %(limit)s yuan may be lent to a borrower of this kind (limit in force "
            "since %(since)s). Lower the amount asked."
        ) % {"limit": f"{limit.max_amount:,.0f}", "since": limit.effective_from.isoformat()}
    if errors:
        raise ValidationError(errors)
    assert limit is not None and amount is not None  # noqa: S101  (no errors: both are set)

    missing: list[str] = []
    failed: list[str] = []

    def judge(code: str, answer: str) -> None:
        if answer == Answer.UNKNOWN:
            missing.append(code)
        elif answer == Answer.NO:
            failed.append(code)

    # No ID card or no plan yet: the applicant brings it (a missing material, never a refusal).
    for code, field in (("identity", "identity_checked"), ("plan", "plan_submitted")):
        if answers[field] != Answer.YES:
            missing.append(code)
    if borrower_kind == BorrowerKind.INDIVIDUAL:
        if not group:
            missing.append("eligibility_group")
        elif group == EligibilityGroup.NONE:
            failed.append("eligibility_group")
    else:
        judge("hires_share", answers["hires_share_met"])
    if registered_on is None:
        missing.append("business_registration")
    elif limit.business_max_years is not None and (
        _years_between(registered_on, today) >= limit.business_max_years
    ):
        failed.append("business_registration")
    judge("credit", answers["good_credit"])
    judge("other_loan", answers["no_other_loan"])
    judge("guarantee", answers["guarantee_available"])
    order = list(CRITERIA)
    missing.sort(key=order.index)
    failed.sort(key=order.index)

    if failed:
        result = PreCheckResult.NOT_ELIGIBLE
    elif missing:
        result = PreCheckResult.INCOMPLETE
    else:
        result = PreCheckResult.PRE_ELIGIBLE
    check = LoanPreCheck(
        case=case,
        borrower_kind=borrower_kind,
        amount=amount,
        limit=limit,
        eligibility_group=group if borrower_kind == BorrowerKind.INDIVIDUAL else "",
        business_registered_on=registered_on,
        result=result,
        missing=missing,
        failed=failed,
        officer=actor,
        **answers,
    )
    if result == PreCheckResult.INCOMPLETE:
        items = _materials(missing)
        try:
            check.notice = case_request_materials(actor=actor, case=case, items=items)
        except CaseActionError as error:
            check.notice_refused = str(error)
    save_with_history(check, actor)
    events.loan_prechecked_event(check, actor)
    return check


def criterion_labels(codes: list[str]) -> list[str]:
    """The criteria's names, for pages and messages."""
    return [str(CRITERIA[code].label) for code in codes if code in CRITERIA]
