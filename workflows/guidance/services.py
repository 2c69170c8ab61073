"""Referrals (岗位推荐, standard art. 17): an officer recommends a posting to a seeker, and
records what came of it. Each service is one transaction: lock, check the actor's right,
validate, transition, save (field history), audit. Errors change nothing:

- ``django.core.exceptions.PermissionDenied``: the actor works neither in the posting's market
  nor in a market where the seeker registered;
- ``cases.services.CaseActionError``: the referral's outcome does not allow this step;
- ``django.core.exceptions.ValidationError``: bad input, per field.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from cases import permissions as can
from cases.fsm import row_locked, save_with_history, transition_run
from cases.identity import text_stored
from cases.models import Case
from cases.models import State as CaseState
from cases.services import (
    SUBJECT_MAX,
    CaseActionError,
    case_close,
    case_open,
    case_resolve,
)
from markets.models import Market
from sla.calendar import is_working_day
from sla.selectors import market_hours, overrides_for
from workflows.postings.models import Posting, Status
from workflows.postings.services import posting_fill_when_hired_out, posting_lock
from workflows.seekers.flow import SEEKER_REGISTRATION
from workflows.seekers.models import SeekerProfile

from . import events
from .flow import CAREER_GUIDANCE
from .matching import Match, match_one
from .models import (
    OUTCOME_TRANSITIONS,
    GuidanceCase,
    GuidanceReferral,
    GuidanceSession,
    Outcome,
    Referral,
    Room,
    RoomBooking,
    RoomKind,
)

NOTE_MAX = 2000


def _note(note: str) -> str:
    return text_stored(note, field="note", max_length=NOTE_MAX)


def _referral_market(actor: User, seeker: SeekerProfile, posting: Posting) -> Market:
    """Where the referral is made: the posting's market if the actor works there, else the
    latest market where the seeker registered and the actor works."""
    if can.works_in(actor, posting.market_id):
        return posting.market
    registered = (
        Case.objects.filter(kind=SEEKER_REGISTRATION.code, applicant_id=seeker.applicant_id)
        .order_by("-opened_at")
        .values_list("market_id", flat=True)
    )
    for market_id in registered:
        if can.works_in(actor, market_id):
            market: Market = Market.objects.get(pk=market_id)
            return market
    raise PermissionDenied


@transaction.atomic
def referral_record(
    *,
    actor: User,
    seeker: SeekerProfile,
    posting: Posting,
    match: Match | None = None,
    note: str = "",
) -> Referral:
    """Recommend ``posting`` to ``seeker`` (推荐岗位). The score and reasons of ``match`` (as
    ``match_postings`` or ``match_seekers`` gave them), or of the pair scored now, are kept as
    they are. Only a published posting whose last working day has not passed is recommended,
    and a seeker only once for a posting."""
    posting = Posting.objects.select_related("market", "occupation", "county").get(pk=posting.pk)
    market = _referral_market(actor, seeker, posting)
    note = _note(note)
    if posting.status != Status.PUBLISHED or posting.end_date < timezone.localdate():
        raise ValidationError(
            {"posting": [_("Only a published posting that has not ended can be recommended.")]}
        )
    if match is not None and (match.seeker.pk != seeker.pk or match.posting.pk != posting.pk):
        raise ValueError("The match is of another seeker or posting.")
    if Referral.objects.filter(seeker=seeker, posting=posting).exists():
        raise ValidationError(
            {"posting": [_("This seeker was recommended for this posting already.")]}
        )
    match = match or match_one(seeker, posting)
    referral: Referral = Referral(
        seeker=seeker,
        posting=posting,
        officer=actor,
        market=market,
        recommended_at=timezone.now(),
        score=match.score,
        reasons=match.reasons_json(),
        note=note,
    )
    save_with_history(referral, actor)
    events.referral_recorded_event(referral, actor)
    return referral


@transaction.atomic
def referral_outcome_set(
    *, actor: User, referral: Referral, outcome: str, note: str = ""
) -> Referral:
    """Record what came of a referral: referred to the employer, interviewed, hired or
    declined. Forward only (``Referral``'s state graph); the same outcome again changes
    nothing."""
    locked: Referral = row_locked(Referral, referral.pk, related=("posting", "market"))
    if not (can.works_in(actor, locked.market_id) or can.works_in(actor, locked.posting.market_id)):
        raise PermissionDenied
    if outcome not in Outcome.values:
        raise ValidationError(
            {"outcome": [_("Choose the outcome: referred, interviewed, hired or declined.")]}
        )
    note = _note(note)
    if outcome == locked.outcome:
        return locked

    def refused() -> str:
        return _("A referral that is “%(current)s” cannot become “%(outcome)s”.") % {
            "current": locked.get_outcome_display(),
            "outcome": Outcome(outcome).label,
        }

    transition = OUTCOME_TRANSITIONS.get(Outcome(outcome))
    if not transition:
        raise CaseActionError(refused())
    old = locked.outcome
    transition_run(getattr(locked, transition), actor, refused=refused)
    if note:
        locked.note = f"{locked.note}\n{note}".strip()
    save_with_history(locked, actor)
    events.referral_outcome_set_event(locked, actor, old=old)
    if locked.outcome == Outcome.HIRED:
        _posting_fill_when_hired_out(actor=actor, posting_id=locked.posting_id)
    return locked


def _posting_fill_when_hired_out(*, actor: User, posting_id: int) -> None:
    """A hire was recorded: the posting is filled once its hired referrals reach its
    headcount. The posting row is locked before the hires are counted, so two hires recorded
    at the same moment are counted one after the other (the second sees the first)."""
    posting = posting_lock(pk=posting_id)
    if posting.status != Status.PUBLISHED:
        return
    hired = Referral.objects.filter(posting_id=posting_id, outcome=Outcome.HIRED).count()
    posting_fill_when_hired_out(actor=actor, posting=posting, hired=hired)


# --- One-to-one career guidance (职业指导, standard art. 17) -------------------------------------
# A guidance case is an engine case of kind ``career_guidance`` (``case_open``: first-contact
# officer, deadlines), plus a ``GuidanceCase`` row naming the seeker and the topic. ``case`` is
# always the engine's ``Case``; ``case.guidance`` is the guidance row.

GUIDANCE_TEXT_MAX = 4000
PURPOSE_MAX = 200


def _long_text(value: str, *, field: str, label: str, max_length: int = GUIDANCE_TEXT_MAX) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: [_("Enter the %(label)s.") % {"label": label}]})
    if "\x00" in value:
        raise ValidationError({field: [_("The text contains a character that cannot be stored.")]})
    if len(value) > max_length:
        raise ValidationError(
            {field: [_("Enter at most %(max)d characters.") % {"max": max_length}]}
        )
    return value


def _guidance_locked(case: Case, actor: User) -> tuple[Case, GuidanceCase]:
    """The guidance case locked, with its guidance row, after checking that the actor may work
    on it (its owner or a team lead of its market) and that it is still in progress."""
    locked: Case = row_locked(Case, case.pk, related=("market",))
    guidance: GuidanceCase | None = (
        GuidanceCase.objects.select_related("seeker").filter(case=locked).first()
    )
    if locked.kind != CAREER_GUIDANCE.code or guidance is None:
        raise ValueError("Not a career-guidance case.")
    guidance.case = locked
    if not can.work_on(locked, actor):
        raise PermissionDenied
    if locked.state != CaseState.IN_PROGRESS:
        raise CaseActionError(
            _("Case %(reference)s is “%(state)s”: this action is not possible now.")
            % {"reference": locked.reference, "state": locked.get_state_display()}
        )
    return locked, guidance


@transaction.atomic
def guidance_open(
    *, actor: User, market: Market, seeker: SeekerProfile, channel: str, topic: str
) -> Case:
    """Open one-to-one career guidance (职业指导) for a registered seeker at ``market``. The
    officer is the case's first-contact officer and owner; the deadline follows the kind's
    policy (10 working days by default, migration 0003)."""
    if not can.works_in(actor, market.pk):
        raise PermissionDenied
    topic = _long_text(topic, field="topic", label=_("topic"), max_length=SUBJECT_MAX)
    case = case_open(
        actor=actor,
        market=market,
        kind=CAREER_GUIDANCE.code,
        channel=channel,
        applicant=seeker.applicant,
        subject=topic,
    )
    guidance = GuidanceCase(case=case, seeker=seeker, topic=topic)
    save_with_history(guidance, actor)
    events.guidance_opened_event(guidance, actor)
    return case


@transaction.atomic
def guidance_session_record(*, actor: User, case: Case, notes: str, advice: str) -> GuidanceSession:
    """Record a sitting of guidance now: what was talked about and the advice given."""
    _locked, guidance = _guidance_locked(case, actor)
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, str] = {}
    for field, value, label in (
        ("notes", notes, _("notes")),
        ("advice", advice, _("advice given")),
    ):
        try:
            cleaned[field] = _long_text(value, field=field, label=label)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    session = GuidanceSession(
        guidance=guidance,
        held_at=timezone.now(),
        officer=actor,
        notes=cleaned["notes"],
        advice=cleaned["advice"],
    )
    save_with_history(session, actor)
    events.guidance_session_recorded_event(session, actor)
    return session


@transaction.atomic
def guidance_refer(*, actor: User, case: Case, posting: Posting, note: str = "") -> Referral:
    """Recommend ``posting`` to the case's seeker (``referral_record``: score and reasons kept)
    and link the referral to the case and to its latest session."""
    _locked, guidance = _guidance_locked(case, actor)
    referral = referral_record(actor=actor, seeker=guidance.seeker, posting=posting, note=note)
    link = GuidanceReferral(
        guidance=guidance,
        session=guidance.sessions.order_by("-held_at", "-pk").first(),
        referral=referral,
    )
    link.save()
    events.guidance_referral_linked_event(link, actor)
    return referral


@transaction.atomic
def guidance_close(*, actor: User, case: Case, outcome: str) -> Case:
    """Resolve and close the guidance case with its outcome (what the seeker takes away).
    At least one session must have been recorded: guidance without a sitting is no guidance."""
    locked, guidance = _guidance_locked(case, actor)
    sessions = guidance.sessions.count()
    if not sessions:
        raise ValidationError(
            {"outcome": [_("Record at least one guidance session before closing the case.")]}
        )
    outcome = _long_text(outcome, field="outcome", label=_("outcome"))
    locked = case_resolve(actor=actor, case=locked, outcome=outcome)
    locked = case_close(actor=actor, case=locked)
    guidance.case = locked
    referrals = Referral.objects.filter(guidance_link__guidance=guidance)
    events.guidance_closed_event(
        guidance,
        actor,
        sessions=sessions,
        referrals=referrals.count(),
        hired=referrals.filter(outcome=Outcome.HIRED).count(),
    )
    return locked


# --- Rooms (standard art. 6) -------------------------------------------------------------------


def _booking_times_check(
    room: Room, starts_at: datetime, ends_at: datetime
) -> dict[str, list[str]]:
    """What is wrong with the times of a booking: naive, in the wrong order, in the past, on a
    day the market is closed or outside one of its opening periods (a booking does not span
    the lunch break)."""
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("Booking times must be aware.")
    if ends_at <= starts_at:
        return {"ends_at": [_("The booking must end after it starts.")]}
    if starts_at < timezone.now():
        return {"starts_at": [_("A booking cannot start in the past.")]}
    market = room.market
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    day = start.date()
    if not is_working_day(day, overrides_for(market)):
        return {"starts_at": [_("The market is closed on %(day)s.") % {"day": day.isoformat()}]}
    periods = market_hours(market).periods
    if end.date() != day or not any(
        opens <= start.time() and end.time() <= closes for opens, closes in periods
    ):
        hours = "、".join(f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in periods)
        return {
            "starts_at": [
                _("Book within the market's opening hours (%(hours)s).") % {"hours": hours}
            ]
        }
    return {}


def booking_conflict(*, room: Room, starts_at: datetime, ends_at: datetime) -> RoomBooking | None:
    """The first booking of ``room`` not cancelled that overlaps [starts_at, ends_at): one
    that ends when the other starts does not overlap."""
    conflict: RoomBooking | None = (
        RoomBooking.objects.filter(
            room=room, cancelled_at__isnull=True, starts_at__lt=ends_at, ends_at__gt=starts_at
        )
        .select_related("booked_by", "room")
        .order_by("starts_at", "pk")
        .first()
    )
    return conflict


@transaction.atomic
def room_book(
    *,
    actor: User,
    room: Room,
    starts_at: datetime,
    ends_at: datetime,
    purpose: str,
    case: Case | None = None,
) -> RoomBooking:
    """Book a room of the actor's market (场地预约). The room row is locked before the check
    for overlapping bookings, so two bookings of the same slot made at once cannot both pass:
    the second waits for the first to commit and then sees it."""
    locked: Room = row_locked(Room, room.pk, related=("market",))
    if not can.works_in(actor, locked.market_id):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if not locked.is_active:
        errors["room"] = [_("This room is not in use.")]
    if case is not None and case.market_id != locked.market_id:
        errors["case"] = [_("The case belongs to another market.")]
    try:
        purpose = _long_text(purpose, field="purpose", label=_("purpose"), max_length=PURPOSE_MAX)
    except ValidationError as error:
        errors.update(error.message_dict)
    errors.update(_booking_times_check(locked, starts_at, ends_at))
    if not errors:
        conflict = booking_conflict(room=locked, starts_at=starts_at, ends_at=ends_at)
        if conflict is not None:
            errors["starts_at"] = [
                _("%(room)s is booked already from %(start)s to %(end)s: “%(purpose)s” (%(by)s).")
                % {
                    "room": locked.name,
                    "start": f"{timezone.localtime(conflict.starts_at):%Y-%m-%d %H:%M}",
                    "end": f"{timezone.localtime(conflict.ends_at):%H:%M}",
                    "purpose": conflict.purpose,
                    "by": conflict.booked_by,
                }
            ]
    if errors:
        raise ValidationError(errors)
    booking = RoomBooking(
        room=locked,
        starts_at=starts_at,
        ends_at=ends_at,
        purpose=purpose,
        booked_by=actor,
        booked_at=timezone.now(),
        case=case,
    )
    save_with_history(booking, actor)
    events.room_booked_event(booking, actor)
    return booking


@transaction.atomic
def room_booking_cancel(*, actor: User, booking: RoomBooking) -> RoomBooking:
    """Cancel a booking: the slot is free again. Cancelling twice changes nothing."""
    Room.objects.select_for_update(of=("self",)).filter(pk=booking.room_id).first()
    locked: RoomBooking = row_locked(RoomBooking, booking.pk, related=("room__market",))
    if not can.works_in(actor, locked.room.market_id):
        raise PermissionDenied
    if locked.cancelled_at is not None:
        return locked
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    save_with_history(locked, actor, update_fields=["cancelled_at", "cancelled_by"])
    events.room_booking_cancelled_event(locked, actor)
    return locked


# --- Keeping the rooms (standard art. 6): the market's team lead --------------------------------

ROOM_NAME_MAX = 64
ROOM_SEATS_MAX = 500


def _room_checked(
    *, market: Market, name: str, kind: str, capacity: Any, room: Room | None = None
) -> tuple[str, str, int]:
    """The room's name, kind and seats checked, every problem at once, per field."""
    errors: dict[str, list[str]] = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = [_("Name: give the room a name, such as 职业指导室 1.")]
    elif len(name) > ROOM_NAME_MAX:
        errors["name"] = [_("Name: at most %(max)d characters.") % {"max": ROOM_NAME_MAX}]
    elif (
        Room.objects.filter(market=market, name__iexact=name)
        .exclude(pk__in=[room.pk] if room is not None else [])
        .exists()
    ):
        errors["name"] = [
            _("Name: this market has a room called “%(name)s” already.") % {"name": name}
        ]
    if kind not in RoomKind.values:
        errors["kind"] = [
            _("Kind of room: choose one of %(kinds)s.")
            % {"kinds": "、".join(str(label) for label in RoomKind.labels)}
        ]
    text = str(capacity if capacity is not None else "").strip()
    seats = int(text) if text.isascii() and text.isdigit() and len(text) <= 4 else 0
    if not 1 <= seats <= ROOM_SEATS_MAX:
        errors["capacity"] = [
            _("Seats: a whole number from 1 to %(max)d.") % {"max": ROOM_SEATS_MAX}
        ]
    if errors:
        raise ValidationError(errors)
    return name, kind, seats


@transaction.atomic
def room_create(*, actor: User, market: Market, name: str, kind: str, capacity: Any) -> Room:
    """A new room of ``market`` (功能区), in use at once; the market's team lead only."""
    if not can.leads(actor, market.pk):
        raise PermissionDenied
    Market.objects.select_for_update().filter(pk=market.pk).first()  # one name at a time
    name, kind, seats = _room_checked(market=market, name=name, kind=kind, capacity=capacity)
    room = Room(market=market, name=name, kind=kind, capacity=seats, is_active=True)
    save_with_history(room, actor)
    events.room_created_event(room, actor)
    return room


@transaction.atomic
def room_update(
    *, actor: User, room: Room, name: str, kind: str, capacity: Any, is_active: bool
) -> Room:
    """Change a room's name, kind or seats, or take it out of use (its bookings from now on
    must be cancelled first); the market's team lead only. Nothing changed: nothing written."""
    locked: Room = row_locked(Room, room.pk, related=("market",))
    if not can.leads(actor, locked.market_id):
        raise PermissionDenied
    Market.objects.select_for_update().filter(pk=locked.market_id).first()
    name, kind, seats = _room_checked(
        market=locked.market, name=name, kind=kind, capacity=capacity, room=locked
    )
    if locked.is_active and not is_active:
        ahead = RoomBooking.objects.filter(
            room=locked, cancelled_at__isnull=True, ends_at__gt=timezone.now()
        ).count()
        if ahead:
            raise ValidationError(
                {
                    "is_active": [
                        ngettext(
                            "In use: the room has %(count)d booking from now on; cancel it "
                            "first, or keep the room in use.",
                            "In use: the room has %(count)d bookings from now on; cancel them "
                            "first, or keep the room in use.",
                            ahead,
                        )
                        % {"count": ahead}
                    ]
                }
            )
    old = {
        "name": locked.name,
        "kind": locked.kind,
        "capacity": locked.capacity,
        "is_active": locked.is_active,
    }
    new = {"name": name, "kind": kind, "capacity": seats, "is_active": bool(is_active)}
    if new == old:
        return locked
    for field, value in new.items():
        setattr(locked, field, value)
    save_with_history(locked, actor, update_fields=list(new))
    events.room_updated_event(locked, actor, old=old)
    return locked
