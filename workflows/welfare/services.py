"""Public-welfare job applications (公益性岗位申请, standard art. 20), one service per verb.
Each is one transaction: lock, check the actor's right, validate, transition, save (field
history), audit, and drive the case. Errors change nothing:

- ``django.core.exceptions.PermissionDenied``: the actor may not do this here;
- ``cases.services.CaseActionError``: the application's state does not allow this step now;
- ``django.core.exceptions.ValidationError``: bad input, per field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as can
from cases.fsm import row_locked, save_with_history, transition, transition_run
from cases.identity import text_stored
from cases.models import Channel
from cases.services import CaseActionError, case_open, case_resolve
from markets.models import Market
from workflows.postings.models import Posting
from workflows.postings.models import Status as PostingStatus
from workflows.seekers.models import SeekerProfile

from . import events
from .eligibility import categories_matched, difficulty_labels, eligibility_labels
from .flow import WELFARE_APPLICATION
from .models import SUBSIDY_MONTHS_MAX, Application, Placement, Status, add_months

TEXT_MAX = 2000
SUBSIDY_MONTHLY_MAX = Decimal("100000")


def _text(value: str, *, field: str, label: str, required: bool) -> str:
    return text_stored(
        value, field=field, max_length=TEXT_MAX, required_label=label if required else None
    )


def _locked(application: Application) -> Application:
    locked: Application = row_locked(
        Application, application.pk, related=("case", "market", "posting")
    )
    return locked


def _refused(application: Application) -> str:
    return _("The application %(reference)s is “%(status)s”: this is not possible now.") % {
        "reference": application.case.reference,
        "status": application.get_status_display(),
    }


def _run(application: Application, verb: Callable[..., Any], actor: User, **kwargs: Any) -> None:
    """Check and run the application's transition ``verb``."""
    transition_run(verb, actor, refused=lambda: _refused(application), **kwargs)


def eligibility_refusal(posting: Posting, seeker: SeekerProfile) -> str | None:
    """Why ``seeker`` may not apply for ``posting`` (naming the categories the posting is
    reserved for and the seeker's own), or None when a recorded category qualifies."""
    if categories_matched(posting.eligibility, seeker.difficulty_categories):
        return None
    required = "、".join(eligibility_labels(posting.eligibility)) or _("none named")
    own = "、".join(difficulty_labels(seeker.difficulty_categories)) or _("none recorded")
    return _(
        "This public-welfare job is reserved for: %(required)s. The seeker's recorded "
        "employment-difficulty categories: %(own)s."
    ) % {"required": required, "own": own}


@transaction.atomic
def welfare_apply(
    *, actor: User, market: Market, seeker: SeekerProfile, posting: Posting, channel: str
) -> Application:
    """Take an application for a public-welfare job (公益性岗位申请): a case of kind
    ``welfare_application`` is opened for the seeker. Refused when the posting is not a
    published public-welfare job of this market, when none of the seeker's recorded
    difficulty categories is one the posting is reserved for, or when the seeker has an
    application for it already."""
    if not can.works_in(actor, market.pk):
        raise PermissionDenied
    posting = row_locked(Posting, posting.pk)
    seeker = SeekerProfile.objects.select_related("applicant").get(pk=seeker.pk)
    if channel not in Channel.values:
        raise ValidationError({"channel": [_("Choose how the application came in.")]})
    if posting.market_id != market.pk:
        raise ValidationError({"posting": [_("This posting belongs to another market.")]})
    if not posting.is_public_welfare:
        raise ValidationError({"posting": [_("This posting is not a public-welfare job.")]})
    if posting.status != PostingStatus.PUBLISHED:
        raise ValidationError(
            {"posting": [_("This public-welfare job is not published: it takes no applications.")]}
        )
    refusal = eligibility_refusal(posting, seeker)
    if refusal is not None:
        raise ValidationError({"seeker": [refusal]})
    live = Application.objects.filter(seeker=seeker, posting=posting).exclude(
        status=Status.DECLINED
    )
    if live.exists():
        raise ValidationError({"seeker": [_("This seeker has applied for this job already.")]})
    case = case_open(
        actor=actor,
        market=market,
        kind=WELFARE_APPLICATION.code,
        channel=channel,
        applicant=seeker.applicant,
        subject=_("Public-welfare job application: %(posting)s") % {"posting": posting},
    )
    application: Application = Application(
        case=case,
        seeker=seeker,
        posting=posting,
        market=market,
        categories_matched=categories_matched(posting.eligibility, seeker.difficulty_categories),
        applied_at=case.opened_at,
    )
    save_with_history(application, actor)
    events.welfare_applied_event(application, actor)
    return application


@transaction.atomic
def welfare_approve(*, actor: User, application: Application, note: str = "") -> Application:
    """The team lead approves the application (审核通过); the case stays open until the seeker
    starts work or the application is declined."""
    note = _text(note, field="note", label=_("note"), required=False)
    return transition(
        application,
        "approve",
        actor=actor,
        lock=_locked,
        refused=_refused,
        kwargs={"by": actor, "note": note},
        event=lambda application: events.welfare_approved_event(application, actor),
    )


@transaction.atomic
def welfare_decline(*, actor: User, application: Application, reason: str) -> Application:
    """The team lead declines the application, before or after approval; the case resolves
    with the reason."""
    reason = _text(reason, field="reason", label=_("reason"), required=True)
    application = transition(
        application,
        "decline",
        actor=actor,
        lock=_locked,
        refused=_refused,
        kwargs={"by": actor, "reason": reason},
        event=lambda application: events.welfare_declined_event(application, actor),
    )
    case_resolve(
        actor=actor,
        case=application.case,
        outcome=_("Declined: %(reason)s") % {"reason": reason},
    )
    return application


def _subsidy(months: Any, amount: Any) -> tuple[int, Decimal]:
    errors: dict[str, list[str]] = {}
    if (
        not isinstance(months, int)
        or isinstance(months, bool)
        or not (1 <= months <= SUBSIDY_MONTHS_MAX)
    ):
        errors["subsidy_months"] = [
            _("Enter the subsidy period as whole months from 1 to %(max)d.")
            % {"max": SUBSIDY_MONTHS_MAX}
        ]
    try:
        value = Decimal(str(amount))
    except (InvalidOperation, ValueError):
        value = Decimal(0)
    if not value.is_finite() or not (0 < value <= SUBSIDY_MONTHLY_MAX) or value != round(value, 2):
        errors["subsidy_monthly_amount"] = [
            _("Enter the monthly subsidy in yuan, more than 0 and at most 100000, two decimals.")
        ]
    if errors:
        raise ValidationError(errors)
    return months, value


@transaction.atomic
def welfare_place(
    *,
    actor: User,
    application: Application,
    starts_on: date,
    subsidy_months: int,
    subsidy_monthly_amount: Decimal,
) -> Placement:
    """The approved seeker starts work (上岗): the placement is recorded with its subsidy
    period (``starts_on`` plus ``subsidy_months`` months) and the case resolves."""
    application = _locked(application)
    if not isinstance(starts_on, date):
        raise ValidationError({"starts_on": [_("Enter the first day at work.")]})
    months, amount = _subsidy(subsidy_months, subsidy_monthly_amount)
    applied_on = timezone.localdate(application.applied_at)
    if starts_on < applied_on:
        raise ValidationError(
            {"starts_on": [_("The first day at work cannot be before the application.")]}
        )
    if starts_on > application.posting.end_date:
        raise ValidationError(
            {"starts_on": [_("The first day at work is after the job's last working day.")]}
        )
    _run(application, application.place, actor)
    save_with_history(application, actor)
    placement = Placement(
        application=application,
        seeker_id=application.seeker_id,
        posting_id=application.posting_id,
        market_id=application.market_id,
        starts_on=starts_on,
        subsidy_months=months,
        subsidy_ends_on=add_months(starts_on, months),
        subsidy_monthly_amount=amount,
    )
    save_with_history(placement, actor)
    events.welfare_placed_event(placement, actor)
    case_resolve(
        actor=actor,
        case=application.case,
        outcome=_("Placed from %(starts_on)s; subsidy until %(ends_on)s.")
        % {"starts_on": starts_on.isoformat(), "ends_on": placement.subsidy_ends_on.isoformat()},
    )
    return placement


@transaction.atomic
def placement_end(
    *, actor: User, placement: Placement, ended_on: date, reason: str, note: str = ""
) -> Placement:
    """The seeker left the job (or the subsidy period is over): the day and why."""
    placement = row_locked(Placement, placement.pk)
    if not can.works_in(actor, placement.market_id):
        raise PermissionDenied
    if placement.ended_on is not None:
        raise CaseActionError(_("This placement has ended already."))
    errors: dict[str, list[str]] = {}
    if not isinstance(ended_on, date):
        errors["ended_on"] = [_("Enter the day the seeker left the job.")]
    elif ended_on < placement.starts_on:
        errors["ended_on"] = [_("The last day cannot be before the first day at work.")]
    if reason not in Placement.EndReason.values:
        errors["end_reason"] = [_("Choose why the placement ended.")]
    if errors:
        raise ValidationError(errors)
    placement.ended_on = ended_on
    placement.end_reason = reason
    placement.end_note = _text(note, field="note", label=_("note"), required=False)
    save_with_history(placement, actor)
    events.placement_ended_event(placement, actor)
    return placement
