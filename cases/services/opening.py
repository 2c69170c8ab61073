"""Taking a request in: the case opened with its reference number, first-contact officer
(首问负责制) and clocks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from markets.models import Market, ServiceStation
from sla.models import Deadline, Target
from sla.services import deadlines_start_targets

from .. import events
from .. import permissions as can
from ..counters import case_counted, case_counts_move
from ..crypto import mobile_index
from ..fsm import save_with_history
from ..kinds import kind_get
from ..models import (
    Applicant,
    Case,
    Channel,
    ReferenceSequence,
    State,
)
from ..signals import records_bulk_created
from .applicant_sms import case_received_sms_enqueue
from .base import (
    CASE_SUBJECT,
    SUBJECT_MAX,
    text_clean,
)

# --- Intake -----------------------------------------------------------------------------------


def _references_next(market: Market, year: int, count: int) -> list[str]:
    """``count`` numbers ``<division code>-<year>-<6-digit sequence>``, unique under concurrent
    intake: the counter row of that code and year is locked while they are taken (by the one
    UPDATE that takes them, until the transaction ends)."""
    prefix = market.region.code
    last = _sequence_advance(prefix, year, count)
    if last is None:  # the first number of the year
        ReferenceSequence.objects.get_or_create(prefix=prefix, year=year)
        last = _sequence_advance(prefix, year, count)
    if last is None:
        raise ReferenceSequence.DoesNotExist(f"{prefix}-{year}")
    return [f"{prefix}-{year}-{number:06d}" for number in range(last - count + 1, last + 1)]


def _sequence_advance(prefix: str, year: int, count: int) -> int | None:
    """Move the counter row of ``prefix`` and ``year`` on by ``count`` and return its new last
    number, in one statement (it locks the row, as SELECT … FOR UPDATE would, and reads and
    writes it at once); None when there is no row yet."""
    table = connection.ops.quote_name(ReferenceSequence._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last = last + %s "  # noqa: S608 (the model's own table)
            "WHERE prefix = %s AND year = %s RETURNING last",
            [count, prefix, year],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def _open_check(
    *,
    actor: User,
    market: Market,
    kind: str,
    channel: str,
    station: ServiceStation | None,
    priority: str,
) -> None:
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


def _case_new(
    *,
    actor: User,
    market: Market,
    kind: str,
    channel: str,
    applicant: Applicant,
    subject: str,
    description: str,
    station: ServiceStation | None,
    priority: str,
    contact_mobile: str | None,
    claimed: bool,
    reference: str,
    now: datetime,
) -> Case:
    """The case as intake opens it (not saved)."""
    subject = text_clean(subject, field="subject", label=_("subject"), max_length=SUBJECT_MAX)
    mobile = applicant.mobile if contact_mobile is None else contact_mobile
    return Case(
        reference=reference,
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


def _clocks_start(
    *,
    actor: User,
    cases: list[Case],
    market: Market,
    kind: str,
    channel: str,
    station: ServiceStation | None,
    claimed: bool,
) -> dict[int, Deadline | None]:
    """Start each case's acceptance and completion clocks (stop acceptance when claimed: taken
    in by an officer at intake, accepted there and then); the completion clocks by case id.
    The cases were taken in together, by ``channel`` at ``station``, which the clocks keep."""
    now = cases[0].opened_at
    clocks = deadlines_start_targets(
        subject_type=CASE_SUBJECT,
        subject_ids=[case.pk for case in cases],
        market=market,
        kind=kind,
        targets=[Target.ACCEPTANCE, Target.COMPLETION],
        at=now,
        channel=channel,
        officer=actor if claimed else None,
        station_id=station.pk if station is not None else None,
        met_at_start=[Target.ACCEPTANCE] if claimed else [],
    )
    completion = clocks[Target.COMPLETION]
    return {case.pk: completion.get(case.pk) for case in cases}


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
    default the one on their record. The case keeps it whatever later happens to the record.

    Atomic. Everything it refuses (PermissionDenied, ValidationError) is refused before it
    writes, so inside the caller's transaction it needs no savepoint of its own: a caller may
    catch the refusal and go on."""
    _open_check(
        actor=actor, market=market, kind=kind, channel=channel, station=station, priority=priority
    )
    subject = text_clean(subject, field="subject", label=_("subject"), max_length=SUBJECT_MAX)
    with transaction.atomic(savepoint=False):
        now = timezone.now()
        case = _case_new(
            actor=actor,
            market=market,
            kind=kind,
            channel=channel,
            applicant=applicant,
            subject=subject,
            description=description,
            station=station,
            priority=priority,
            contact_mobile=contact_mobile,
            claimed=claimed,
            reference=_references_next(market, timezone.localtime(now).year, 1)[0],
            now=now,
        )
        # A new case has no clocks for its state to move (``case_save``): they start below.
        save_with_history(case, actor)
        case_counts_move([(None, case.counted_now())])
        case_counted([case])
        completion = _clocks_start(
            actor=actor,
            cases=[case],
            market=market,
            kind=kind,
            channel=channel,
            station=station,
            claimed=claimed,
        )
        events.case_opened_event(case, actor)
        # The applicant's text message: the reference, the time limit and the due date.
        case_received_sms_enqueue(case=case, completion=completion[case.pk], new=True)
    return case


@dataclass(frozen=True)
class CaseRequest:
    """One case of ``case_open_many``: whose, about what, reached at which mobile."""

    applicant: Applicant
    subject: str
    contact_mobile: str | None = None


def case_open_many(
    *,
    actor: User,
    market: Market,
    kind: str,
    channel: str,
    requests: Sequence[CaseRequest],
    claimed: bool = True,
) -> list[Case]:
    """``case_open`` for many requests of one kind and channel at one market, in the caller's
    transaction (bulk intake: a page of the provincial feed): the same checks, cases, clocks,
    history rows, audit events and text messages, written in a few statements for all. They
    are opened at the same moment, with consecutive reference numbers. Raises as
    ``case_open`` for the whole batch (a subject that is no subject: check them first)."""
    if not requests:
        return []
    _open_check(
        actor=actor,
        market=market,
        kind=kind,
        channel=channel,
        station=None,
        priority=Case.Priority.NORMAL,
    )
    now = timezone.now()
    references = _references_next(market, timezone.localtime(now).year, len(requests))
    cases = [
        _case_new(
            actor=actor,
            market=market,
            kind=kind,
            channel=channel,
            applicant=request.applicant,
            subject=request.subject,
            description="",
            station=None,
            priority=Case.Priority.NORMAL,
            contact_mobile=request.contact_mobile,
            claimed=claimed,
            reference=reference,
            now=now,
        )
        for request, reference in zip(requests, references, strict=True)
    ]
    Case.objects.bulk_create(cases, batch_size=500)
    case_counts_move((None, case.counted_now()) for case in cases)
    case_counted(cases)
    Case.history.bulk_history_create(cases, default_user=actor, default_date=now, batch_size=500)
    records_bulk_created.send(sender=Case, instances=cases)
    completion = _clocks_start(
        actor=actor,
        cases=cases,
        market=market,
        kind=kind,
        channel=channel,
        station=None,
        claimed=claimed,
    )
    for case in cases:
        events.case_opened_event(case, actor)
        case_received_sms_enqueue(case=case, completion=completion[case.pk], new=True)
    return cases
