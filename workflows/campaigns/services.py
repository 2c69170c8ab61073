"""Campaigns and job fairs (standard art. 11), one service per change. A campaign is no case
(no applicant asks for it): these services check the actor works in the campaign's market,
validate, save (field history) and write one event each. Errors change nothing:

- ``django.core.exceptions.PermissionDenied``: the actor does not work in the market;
- ``django.core.exceptions.ValidationError``: bad input, per field.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as can
from cases.fsm import row_locked, save_with_history
from cases.identity import text_stored
from cases.intake import applicant_organisation_find_for_intake
from cases.models import Applicant
from markets.models import Market
from workflows.postings.models import Posting
from workflows.postings.models import Status as PostingStatus
from workflows.seekers.models import SeekerProfile

from . import events
from .models import Campaign, CampaignAttendance, CampaignEmployer, CampaignOutcome, Kind

NAME_MAX = 100
PLACE_MAX = 200
BOOTH_MAX = 20
TEXT_MAX = 4000
COUNT_MAX = 1_000_000


def _text(value: str, *, field: str, label: str, max_length: int, required: bool) -> str:
    return text_stored(
        value, field=field, max_length=max_length, required_label=label if required else None
    )


def _count(value: int, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= COUNT_MAX:
        raise ValidationError({field: [_("Enter a whole number from 0 to 1000000.")]})
    return value


def _staff(actor: User, campaign: Campaign) -> Campaign:
    locked: Campaign = row_locked(Campaign, campaign.pk, related=("market",))
    if not can.works_in(actor, locked.market_id):
        raise PermissionDenied
    return locked


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    market: Market,
    name: str,
    kind: str,
    starts_on: date,
    ends_on: date,
    place: str,
    description: str = "",
) -> Campaign:
    if not can.works_in(actor, market.pk):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    fields: dict[str, str] = {}
    for field, value, label, max_length, required in [
        ("name", name, _("name"), NAME_MAX, True),
        ("place", place, _("place"), PLACE_MAX, True),
        ("description", description, _("description"), TEXT_MAX, False),
    ]:
        try:
            fields[field] = _text(
                value, field=field, label=label, max_length=max_length, required=required
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if kind not in Kind.values:
        errors["kind"] = [_("Choose the kind: job fair, special campaign or local event.")]
    if not isinstance(starts_on, date):
        errors["starts_on"] = [_("Enter the first day.")]
    if not isinstance(ends_on, date):
        errors["ends_on"] = [_("Enter the last day.")]
    elif isinstance(starts_on, date) and ends_on < starts_on:
        errors["ends_on"] = [_("The last day cannot be before the first day.")]
    if errors:
        raise ValidationError(errors)
    campaign: Campaign = Campaign(
        market=market, kind=kind, starts_on=starts_on, ends_on=ends_on, created_by=actor, **fields
    )
    save_with_history(campaign, actor)
    events.campaign_created_event(campaign, actor)
    return campaign


@transaction.atomic
def campaign_employer_add(
    *, actor: User, campaign: Campaign, employer: Applicant, booth: str = ""
) -> CampaignEmployer:
    """An employer (an organisation) takes part, at ``booth``; each employer once."""
    campaign = _staff(actor, campaign)
    booth = _text(booth, field="booth", label=_("booth"), max_length=BOOTH_MAX, required=False)
    if employer.kind != Applicant.Kind.ORGANISATION:
        raise ValidationError({"employer": [_("Only an organisation takes part as employer.")]})
    if CampaignEmployer.objects.filter(campaign=campaign, employer=employer).exists():
        raise ValidationError({"credit_code": [_("This employer takes part already.")]})
    row = CampaignEmployer(campaign=campaign, employer=employer, booth=booth)
    save_with_history(row, actor)
    events.campaign_employer_added_event(campaign, actor, employer_id=employer.pk, booth=booth)
    return row


@transaction.atomic
def campaign_employer_take_in(
    *,
    actor: User,
    campaign: Campaign,
    name: str,
    credit_code: str,
    booth: str = "",
    use_registered_name: bool = False,
) -> CampaignEmployer:
    """The whole intake of an employer at a campaign: find or register the organisation by its
    credit code and add it (``campaign_employer_add``), in one transaction. A known employer is
    used unchanged: a name that disagrees with the record is a conflict
    (``cases.intake.IntakeRefused``) unless ``use_registered_name``."""
    campaign = _staff(actor, campaign)
    found = applicant_organisation_find_for_intake(
        actor=actor,
        market=campaign.market,
        name=name,
        credit_code=credit_code,
        use_registered_name=use_registered_name,
    )
    return campaign_employer_add(
        actor=actor, campaign=campaign, employer=found.applicant, booth=booth
    )


@transaction.atomic
def campaign_posting_link(*, actor: User, campaign: Campaign, posting: Posting) -> Campaign:
    """Offer a published posting of the campaign's market at the campaign."""
    campaign = _staff(actor, campaign)
    if posting.market_id != campaign.market_id:
        raise ValidationError({"posting": [_("This posting belongs to another market.")]})
    if posting.status != PostingStatus.PUBLISHED:
        raise ValidationError({"posting": [_("Only a published posting can be offered.")]})
    if campaign.postings.filter(pk=posting.pk).exists():
        raise ValidationError({"posting": [_("This posting is offered at the campaign already.")]})
    campaign.postings.add(posting)
    events.campaign_posting_linked_event(campaign, actor, posting_id=posting.pk)
    return campaign


@transaction.atomic
def campaign_attendance_record(
    *,
    actor: User,
    campaign: Campaign,
    day: date,
    headcount: int | None = None,
    seeker: SeekerProfile | None = None,
) -> CampaignAttendance:
    """Record the day's door count (a new count replaces the day's earlier one) or one
    registered seeker who came that day."""
    campaign = _staff(actor, campaign)
    if not isinstance(day, date) or not campaign.starts_on <= day <= campaign.ends_on:
        raise ValidationError({"day": [_("Choose a day of the campaign.")]})
    if (headcount is None) == (seeker is None):
        raise ValidationError(
            {"headcount": [_("Give either the number of people counted or a registered seeker.")]}
        )
    old: int | None = None
    if seeker is None:
        count = _count(headcount, field="headcount")  # type: ignore[arg-type]
        row = CampaignAttendance.objects.filter(
            campaign=campaign, day=day, seeker__isnull=True
        ).first() or CampaignAttendance(campaign=campaign, day=day)
        old = row.headcount
        row.headcount = count
    else:
        if CampaignAttendance.objects.filter(campaign=campaign, day=day, seeker=seeker).exists():
            raise ValidationError({"seeker": [_("This seeker is recorded for that day already.")]})
        row = CampaignAttendance(campaign=campaign, day=day, seeker=seeker)
    save_with_history(row, actor)
    events.campaign_attendance_recorded_event(
        campaign,
        actor,
        day=day,
        headcount=row.headcount,
        seeker_id=row.seeker_id,
        old_headcount=old,
    )
    return row


@transaction.atomic
def campaign_outcome_record(
    *,
    actor: User,
    campaign: Campaign,
    intentions: int,
    hired: int,
    note: str = "",
    employer: CampaignEmployer | None = None,
) -> CampaignOutcome:
    campaign = _staff(actor, campaign)
    errors: dict[str, list[str]] = {}
    for field, value in (("intentions", intentions), ("hired", hired)):
        try:
            _count(value, field=field)
        except ValidationError as error:
            errors.update(error.message_dict)
    if employer is not None and employer.campaign_id != campaign.pk:
        errors["employer"] = [_("This employer does not take part in the campaign.")]
    if errors:
        raise ValidationError(errors)
    note = _text(note, field="note", label=_("note"), max_length=TEXT_MAX, required=False)
    outcome = CampaignOutcome(
        campaign=campaign,
        employer=employer,
        intentions=intentions,
        hired=hired,
        note=note,
        recorded_by=actor,
    )
    save_with_history(outcome, actor)
    events.campaign_outcome_recorded_event(
        campaign, actor, outcome_id=outcome.pk, intentions=intentions, hired=hired
    )
    return outcome
