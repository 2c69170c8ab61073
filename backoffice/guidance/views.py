"""The career-guidance pages (职业指导, standard art. 17) and the room calendar (art. 6).

- ``/guidance/new/?seeker=<pk>``: open a guidance case for a registered seeker;
- ``/guidance/<pk>/`` (``pk`` of the engine's case): sessions and advice, the postings that fit
  with their reasons and a refer button, the referrals and their outcomes, close;
- ``/guidance/rooms/``: this week's bookings per room of a market, and a booking form.

Officers and team leads of the market work here (the case's owner or a team lead acts on a
case); inspectors read the pages of the markets in their regions (posts are 403 for them); a
case or seeker of a market one may not see is 404; administrators (三员分立) get 403.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import permissions as can
from cases.models import Case, State
from cases.services import CaseActionError
from markets.models import Market
from markets.selectors import market_ids_visible_to, market_list_visible_to, market_list_worked_in
from workflows.guidance.matching import match_postings
from workflows.guidance.models import GuidanceCase, Referral, Room, RoomBooking
from workflows.guidance.selectors import (
    booking_list_for_week,
    guidance_for_case,
    guidance_referral_list,
    guidance_session_list,
    room_list_all_for_market,
    room_list_for_market,
)
from workflows.guidance.services import (
    guidance_close,
    guidance_open,
    guidance_refer,
    guidance_session_record,
    referral_outcome_set,
    room_book,
    room_booking_cancel,
    room_create,
    room_update,
)
from workflows.postings.models import Posting, Status
from workflows.seekers.selectors import seeker_get_visible

from ..common.access import (
    back_office_required,
    led_market_ids,
    market_staff_required,
    staff_user,
    team_lead_required,
    visible_or_404,
)
from ..common.forms import errors_from
from ..common.intake import receipt_offer
from ..common.once import submit_once
from ..common.params import DAY_FIRST, DAY_LAST, id_parse, monday_parse
from ..counter.forms import ReferralForm, ReferralOutcomeForm
from . import forms as guidance_forms


def _guidance_visible(request: HttpRequest, pk: int) -> GuidanceCase:
    guidance = guidance_for_case(
        case_id=pk, market_ids=market_ids_visible_to(user=staff_user(request))
    )
    if guidance is None:
        raise Http404
    return guidance


def _back(guidance: GuidanceCase, anchor: str = "") -> HttpResponse:
    url = reverse("backoffice:guidance_detail", args=[guidance.case_id])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- Open ------------------------------------------------------------------------------------


@market_staff_required
@require_http_methods(["GET", "POST"])
@submit_once
def guidance_new(request: HttpRequest) -> HttpResponse:
    """/guidance/new/?seeker=<pk>: open one-to-one guidance for a registered seeker."""
    seeker = visible_or_404(
        seeker_get_visible, user=staff_user(request), pk=request.GET.get("seeker")
    )
    user = staff_user(request)
    markets = market_list_worked_in(user=user)
    form = guidance_forms.GuidanceOpenForm(request.POST or None, markets=markets)
    if request.method == "POST" and form.is_valid():
        try:
            case = guidance_open(
                actor=user,
                market=form.cleaned_data["market"],
                seeker=seeker,
                channel=form.cleaned_data["channel"],
                topic=form.cleaned_data["topic"],
            )
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(
                request, _("Guidance case %(reference)s opened.") % {"reference": case.reference}
            )
            receipt_offer(request, case)
            return redirect("backoffice:guidance_detail", pk=case.pk)
    return render(request, "backoffice/guidance/new.html", {"seeker": seeker, "form": form})


# --- The guidance page -------------------------------------------------------------------------


def _detail(
    request: HttpRequest,
    guidance: GuidanceCase,
    *,
    session_form: guidance_forms.SessionForm | None = None,
    close_form: guidance_forms.CloseForm | None = None,
) -> HttpResponse:
    user = staff_user(request)
    case = guidance.case
    acts = case.state == State.IN_PROGRESS and can.work_on(case, user)
    referrals = [
        {
            "referral": referral,
            "form": form if acts and form["outcome"].field.choices else None,  # type: ignore[attr-defined]
        }
        for referral in guidance_referral_list(guidance=guidance)
        for form in [ReferralOutcomeForm(referral=referral)]
    ]
    referred = set(
        Referral.objects.filter(seeker=guidance.seeker).values_list("posting_id", flat=True)
    )
    return render(
        request,
        "backoffice/guidance/detail.html",
        {
            "guidance": guidance,
            "case": case,
            "seeker": guidance.seeker,
            "acts": acts,
            "sessions": guidance_session_list(guidance=guidance),
            "matches": match_postings(guidance.seeker) if acts else [],
            "referred_posting_ids": referred,
            "referrals": referrals,
            "session_form": session_form or guidance_forms.SessionForm(),
            "close_form": close_form or guidance_forms.CloseForm(),
            "bookings": case.room_bookings.filter(cancelled_at__isnull=True).select_related("room"),
        },
    )


@back_office_required
@require_GET
def guidance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _guidance_visible(request, pk))


def _refused(request: HttpRequest, error: Exception) -> None:
    if isinstance(error, ValidationError):
        messages.error(request, " ".join(error.messages))
    elif isinstance(error, PermissionDenied):
        messages.error(request, _("You may not do this on this case."))
    else:
        messages.error(request, str(error))


@market_staff_required
@require_POST
@submit_once
def guidance_session(request: HttpRequest, pk: int) -> HttpResponse:
    guidance = _guidance_visible(request, pk)
    form = guidance_forms.SessionForm(request.POST)
    if form.is_valid():
        try:
            guidance_session_record(
                actor=staff_user(request),
                case=guidance.case,
                notes=form.cleaned_data["notes"],
                advice=form.cleaned_data["advice"],
            )
        except ValidationError as error:
            errors_from(form, error)
        except (PermissionDenied, CaseActionError) as error:
            _refused(request, error)
            return _back(guidance)
        else:
            messages.success(request, _("The guidance session is recorded."))
            return _back(guidance, "sessions")
    return _detail(request, guidance, session_form=form)


@market_staff_required
@require_POST
@submit_once
def guidance_refer_view(request: HttpRequest, pk: int) -> HttpResponse:
    guidance = _guidance_visible(request, pk)
    form = ReferralForm(request.POST)
    posting = (
        Posting.objects.filter(pk=form.cleaned_data["posting"], status=Status.PUBLISHED).first()
        if form.is_valid()
        else None
    )
    if posting is None:
        messages.error(request, _("This posting is not published: it cannot be recommended."))
        return _back(guidance)
    try:
        guidance_refer(
            actor=staff_user(request),
            case=guidance.case,
            posting=posting,
            note=form.cleaned_data["note"],
        )
    except (ValidationError, PermissionDenied, CaseActionError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("“%(posting)s” is recommended.") % {"posting": posting})
    return _back(guidance, "referrals")


@market_staff_required
@require_POST
def guidance_referral_outcome(request: HttpRequest, pk: int, referral_pk: int) -> HttpResponse:
    guidance = _guidance_visible(request, pk)
    referral = (
        Referral.objects.filter(pk=referral_pk, guidance_link__guidance=guidance)
        .select_related("posting")
        .first()
    )
    if referral is None:
        raise Http404
    if not can.work_on(guidance.case, staff_user(request)):
        raise PermissionDenied
    form = ReferralOutcomeForm(request.POST, referral=referral)
    if not form.is_valid():
        messages.error(request, _("Choose an outcome this referral can have now."))
        return _back(guidance, "referrals")
    try:
        referral_outcome_set(
            actor=staff_user(request),
            referral=referral,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
        )
    except (ValidationError, PermissionDenied, CaseActionError) as error:
        _refused(request, error)
    else:
        messages.success(request, _("The outcome of the referral is recorded."))
    return _back(guidance, "referrals")


@market_staff_required
@require_POST
def guidance_close_view(request: HttpRequest, pk: int) -> HttpResponse:
    guidance = _guidance_visible(request, pk)
    form = guidance_forms.CloseForm(request.POST)
    if form.is_valid():
        try:
            guidance_close(
                actor=staff_user(request), case=guidance.case, outcome=form.cleaned_data["outcome"]
            )
        except ValidationError as error:
            errors_from(form, error)
        except (PermissionDenied, CaseActionError) as error:
            _refused(request, error)
            return _back(guidance)
        else:
            messages.success(request, _("The guidance case is closed."))
            return _back(guidance)
    return _detail(request, guidance, close_form=form)


# --- Rooms -------------------------------------------------------------------------------------


def _rooms_market(request: HttpRequest) -> Market:
    """The market whose rooms are shown: ``?market=<pk>`` among those the user may see (404
    otherwise), by default the first one they work in, else the first one they inspect."""
    user = staff_user(request)
    visible = market_list_visible_to(user=user)
    raw = request.GET.get("market")
    if raw:
        market: Market | None = visible.filter(pk=id_parse(raw) or 0).first()
    else:
        work = market_list_worked_in(user=user)
        market = work[0] if work else visible.order_by("pk").first()
    if market is None:
        raise Http404
    return market


def _monday(request: HttpRequest) -> date:
    """The Monday of ``?week=YYYY-MM-DD`` (any day of it); this week's when it is left out,
    and, with a message, when it is malformed or out of the supported years."""
    raw = request.GET.get("week")
    if raw:
        try:
            return monday_parse(raw)
        except ValueError:
            messages.error(
                request,
                _("Give the week as one of its days, YYYY-MM-DD, between %(first)s and %(last)s.")
                % {"first": DAY_FIRST.isoformat(), "last": DAY_LAST.isoformat()},
            )
    return _week_of(timezone.localdate())


def _week_of(day: date) -> date:
    """The Monday of the week holding ``day``."""
    return day - timedelta(days=day.weekday())


@back_office_required
@require_http_methods(["GET", "POST"])
@submit_once
def guidance_rooms(request: HttpRequest) -> HttpResponse:
    """/guidance/rooms/: this week's bookings per room, and a booking form (market staff)."""
    user = staff_user(request)
    market = _rooms_market(request)
    works = can.works_in(user, market.pk)
    if request.method == "POST" and not works:
        raise PermissionDenied
    monday = _monday(request)
    initial = {"case": request.GET.get("case") or None, "day": timezone.localdate()}
    form = guidance_forms.BookingForm(request.POST or None, market=market, initial=initial)
    if request.method == "POST" and form.is_valid():
        case_pk = form.cleaned_data["case"]
        case = Case.objects.filter(pk=case_pk, market=market).first() if case_pk else None
        starts_at, ends_at = form.instants()
        try:
            booking = room_book(
                actor=user,
                room=form.cleaned_data["room"],
                starts_at=starts_at,
                ends_at=ends_at,
                purpose=form.cleaned_data["purpose"],
                case=case,
            )
        except ValidationError as error:
            errors_from(form, error)
            messages.error(request, _("The room is not booked: see the form below."))
        else:
            messages.success(request, _("Booked: %(booking)s.") % {"booking": booking})
            week = _week_of(timezone.localdate(booking.starts_at))
            url = reverse("backoffice:guidance_rooms")
            return redirect(f"{url}?market={market.pk}&week={week.isoformat()}")
    rooms = list(room_list_for_market(market=market))
    days = [monday + timedelta(days=n) for n in range(7)]
    bookings = list(booking_list_for_week(market=market, monday=monday))
    grid = [
        {
            "room": room,
            "days": [
                [
                    b
                    for b in bookings
                    if b.room_id == room.pk and timezone.localdate(b.starts_at) == day
                ]
                for day in days
            ],
        }
        for room in rooms
    ]
    return render(
        request,
        "backoffice/guidance/rooms.html",
        {
            "market": market,
            "markets": market_list_visible_to(user=user).order_by("pk"),
            "works": works,
            "form": form,
            "days": days,
            "grid": grid,
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "all_rooms": room_list_all_for_market(market=market),
            "keeps_rooms": market.pk in led_market_ids(user),
        },
    )


@market_staff_required
@require_POST
def guidance_booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = (
        RoomBooking.objects.filter(
            pk=pk, room__market_id__in=market_ids_visible_to(user=staff_user(request))
        )
        .select_related("room")
        .first()
    )
    if booking is None:
        raise Http404
    booking = room_booking_cancel(actor=staff_user(request), booking=booking)
    messages.success(request, _("Booking cancelled: %(booking)s.") % {"booking": booking})
    week = _week_of(timezone.localdate(booking.starts_at))
    url = reverse("backoffice:guidance_rooms")
    return redirect(f"{url}?market={booking.room.market_id}&week={week.isoformat()}")


# --- Keeping the rooms: the market's team lead --------------------------------------------------


def _led_market(request: HttpRequest) -> Market:
    """The market whose room is added: ``?market=<pk>`` among those the user leads (404
    otherwise), by default the first."""
    user = staff_user(request)
    led = led_market_ids(user)
    raw = request.GET.get("market")
    market_id = (id_parse(raw) if raw else led[0]) or 0
    if market_id not in led:
        raise Http404
    market: Market = Market.objects.get(pk=market_id)
    return market


def _rooms_url(market_id: int) -> str:
    return f"{reverse('backoffice:guidance_rooms')}?market={market_id}#rooms"


@team_lead_required
@require_http_methods(["GET", "POST"])
@submit_once
def guidance_room_new(request: HttpRequest) -> HttpResponse:
    """/guidance/rooms/new/?market=<pk>: a new room of a market one leads."""
    market = _led_market(request)
    form = guidance_forms.RoomForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            room = room_create(actor=staff_user(request), market=market, **form.cleaned_data)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("Room “%(room)s” added.") % {"room": room.name})
            return redirect(_rooms_url(market.pk))
    return render(
        request,
        "backoffice/guidance/room_form.html",
        {"form": form, "market": market, "room": None},
    )


@team_lead_required
@require_http_methods(["GET", "POST"])
@submit_once
def guidance_room_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """/guidance/rooms/<pk>/edit/: change a room of a market one leads (404 for any other)."""
    user = staff_user(request)
    room = (
        Room.objects.filter(pk=pk, market_id__in=led_market_ids(user))
        .select_related("market")
        .first()
    )
    if room is None:
        raise Http404
    form = guidance_forms.RoomForm(
        request.POST or None,
        editing=True,
        initial={
            "name": room.name,
            "kind": room.kind,
            "capacity": room.capacity,
            "is_active": room.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            room = room_update(actor=user, room=room, **form.cleaned_data)
        except ValidationError as error:
            errors_from(form, error)
        else:
            messages.success(request, _("Room “%(room)s” saved.") % {"room": room.name})
            return redirect(_rooms_url(room.market_id))
    return render(
        request,
        "backoffice/guidance/room_form.html",
        {"form": form, "market": room.market, "room": room},
    )
