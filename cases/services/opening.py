"""Taking a request in: the case opened with its reference number, first-contact officer
(首问负责制) and clocks."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from markets.models import Market, ServiceStation
from sla.models import Target
from sla.services import deadline_start, deadline_stop

from .. import events
from .. import permissions as can
from ..crypto import mobile_index
from ..kinds import kind_get
from ..models import (
    Applicant,
    Case,
    Channel,
    ReferenceSequence,
    State,
)
from .applicant_sms import case_received_sms_enqueue
from .base import (
    CASE_SUBJECT,
    SUBJECT_MAX,
    case_save,
    text_clean,
)

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
    claimed: bool = True,
) -> Case:
    """Take a request in. The officer who opens it is its first-contact officer for good.
    The applicant is texted the reference number (``applicant_sms``) at the contact mobile.

    ``claimed`` (the counter): the officer who opens it owns it, in progress, accepted there
    and then. Not claimed (a request made online, taken in by the market's online desk): the
    case waits in the market's queue to be claimed, its acceptance clock running.

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
    subject = text_clean(subject, field="subject", label=_("subject"), max_length=SUBJECT_MAX)
    now = timezone.now()
    mobile = applicant.mobile if contact_mobile is None else contact_mobile
    case: Case = Case(
        reference=_reference_next(market, timezone.localtime(now).year),
        kind=kind,
        state=State.IN_PROGRESS if claimed else State.NEW,
        market=market,
        station=station,
        channel=channel,
        applicant=applicant,
        contact_mobile=mobile,
        contact_mobile_index=mobile_index(mobile or ""),
        subject=subject,
        description=description.strip(),
        first_contact_officer=actor,
        owner=actor if claimed else None,
        priority=priority,
        opened_at=now,
    )
    case_save(case, actor)
    clocks = {
        target: deadline_start(
            subject_type=CASE_SUBJECT,
            subject_id=case.pk,
            market=market,
            kind=kind,
            target=target,
            at=now,
            channel=channel,
        )
        for target in (Target.ACCEPTANCE, Target.COMPLETION)
    }
    if claimed:
        # Taken in by an officer at intake: accepted there and then.
        deadline_stop(
            subject_type=CASE_SUBJECT, subject_id=case.pk, target=Target.ACCEPTANCE, at=now
        )
    events.case_opened_event(case, actor)
    # The applicant's text message: the reference, the time limit and the due date.
    case_received_sms_enqueue(case=case, completion=clocks[Target.COMPLETION])
    return case
