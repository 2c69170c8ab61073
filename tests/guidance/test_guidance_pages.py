"""The career-guidance pages and the room calendar as each role sees them: officers and team
leads of the market work there; inspectors over the region read (posts 403); an officer of
another market gets 404 for a case or seeker of this one; administrators 403. Bad input
re-renders the form with everything as typed and the message on the field."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import time_machine
from conftest import TOTP_KEYS, MarketFactory, RegionFactory, UserFactory, add_totp_device
from django.test import Client
from django.utils import translation
from guidance_support import (
    TUESDAY,
    at,
    employer_make,
    guidance_make,
    posting_make,
    regions_make,
    room_make,
    seeker_make,
)

from accounts.models import User
from cases.models import Case, State
from markets.models import Market, Membership, Role
from workflows.guidance.models import GuidanceReferral, GuidanceSession, Room, RoomBooking
from workflows.guidance.services import room_book
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile

Clients = Callable[[User], Client]
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setting(frozen_time: time_machine.Traveller) -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def seeker(officer: User, nanning_market: Market) -> SeekerProfile:
    regions_make()
    return seeker_make(officer, nanning_market)


@pytest.fixture
def posting(officer: User, nanning_market: Market, seeker: SeekerProfile) -> Posting:
    return posting_make(employer_make(officer), nanning_market)


@pytest.fixture
def case(officer: User, nanning_market: Market, seeker: SeekerProfile) -> Case:
    return guidance_make(officer, nanning_market, seeker)


@pytest.fixture
def room(nanning_market: Market) -> Room:
    return room_make(nanning_market)


@pytest.fixture
def other_officer(seeker: SeekerProfile) -> User:
    """An officer of the 柳州 market (regions made by the seeker fixture)."""
    liuzhou = RegionFactory.create(code="450200", name="柳州市")
    market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    user = UserFactory.create(username="liuzhou_officer")
    Membership.objects.create(user=user, role=Role.OFFICER, market=market)
    add_totp_device(user, TOTP_KEYS[Role.OFFICER])
    return user


PAGES = {
    "/guidance/new/?seeker={seeker}": {"officer": 200, "team_lead": 200, "inspector": 403},
    "/guidance/{case}/": {"officer": 200, "team_lead": 200, "inspector": 200},
    "/guidance/rooms/?market={market}": {"officer": 200, "team_lead": 200, "inspector": 200},
}
ROLES = ["officer", "team_lead", "inspector", "other_officer", "system_admin", "audit_admin"]


@pytest.mark.parametrize("pattern", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer_on_each_guidance_page(
    request: pytest.FixtureRequest,
    verified_client: Clients,
    case: Case,
    seeker: SeekerProfile,
    room: Room,
    nanning_market: Market,
    pattern: str,
    role: str,
) -> None:
    user = request.getfixturevalue(role)
    url = pattern.format(seeker=seeker.pk, case=case.pk, market=nanning_market.pk)

    response = verified_client(user).get(url)

    if role in ("system_admin", "audit_admin"):
        assert response.status_code == 403
    elif role == "other_officer":
        assert response.status_code == 404
    else:
        assert response.status_code == PAGES[pattern][role]


def test_another_markets_officer_sees_their_own_rooms(
    verified_client: Clients, other_officer: User, room: Room
) -> None:
    response = verified_client(other_officer).get("/guidance/rooms/")

    assert response.status_code == 200
    assert response.context["market"].name == "柳州市零工市场"


def test_an_officer_opens_guidance_from_the_page(
    verified_client: Clients, officer: User, seeker: SeekerProfile, nanning_market: Market
) -> None:
    client = verified_client(officer)
    url = f"/guidance/new/?seeker={seeker.pk}"

    refused = client.post(url, {"market": nanning_market.pk, "channel": "counter", "topic": " "})
    response = client.post(
        url, {"market": nanning_market.pk, "channel": "counter", "topic": "找周末<零工>"}
    )

    assert refused.status_code == 200
    assert refused.context["form"].errors["topic"]
    case = Case.objects.get(kind="career_guidance")
    assert response.status_code == 302 and response["Location"] == f"/guidance/{case.pk}/"
    html = client.get(f"/guidance/{case.pk}/").content.decode()
    assert "找周末&lt;零工&gt;" in html and "找周末<零工>" not in html


def test_a_session_with_bad_input_keeps_what_was_typed(
    verified_client: Clients, officer: User, case: Case
) -> None:
    client = verified_client(officer)

    response = client.post(f"/guidance/{case.pk}/sessions/", {"notes": "<b>谈了</b>", "advice": ""})

    assert response.status_code == 200
    form = response.context["session_form"]
    assert form.errors["advice"]
    assert "&lt;b&gt;谈了&lt;/b&gt;</textarea>" in response.content.decode()
    assert GuidanceSession.objects.count() == 0


def test_the_officer_records_a_session_refers_sets_an_outcome_and_closes(
    verified_client: Clients, officer: User, case: Case, posting: Posting
) -> None:
    client = verified_client(officer)
    page = client.get(f"/guidance/{case.pk}/").content.decode()
    assert str(posting) in page and f"/guidance/{case.pk}/refer/" in page

    client.post(f"/guidance/{case.pk}/sessions/", {"notes": "谈了", "advice": "去面试"})
    client.post(f"/guidance/{case.pk}/refer/", {"posting": posting.pk, "note": ""})
    link = GuidanceReferral.objects.get()
    client.post(
        f"/guidance/{case.pk}/referrals/{link.referral_id}/outcome/", {"outcome": "referred"}
    )
    response = client.post(f"/guidance/{case.pk}/close/", {"outcome": "已转介"})

    link.referral.refresh_from_db()
    assert link.referral.outcome == "referred"
    assert link.session is not None
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == State.CLOSED


def test_the_inspector_reads_the_guidance_page_without_forms_and_may_post_none(
    verified_client: Clients, inspector: User, case: Case, posting: Posting, room: Room
) -> None:
    client = verified_client(inspector)

    html = client.get(f"/guidance/{case.pk}/").content.decode()
    rooms = client.get("/guidance/rooms/").content.decode()
    refused = [
        client.post(f"/guidance/{case.pk}/sessions/", {"notes": "n", "advice": "a"}),
        client.post(f"/guidance/{case.pk}/refer/", {"posting": posting.pk}),
        client.post(f"/guidance/{case.pk}/close/", {"outcome": "o"}),
        client.post("/guidance/rooms/", {"room": room.pk}),
    ]

    assert case.reference in html
    assert "/sessions/" not in html and "/refer/" not in html and "/close/" not in html
    assert 'class="filters booking-form"' not in rooms
    assert [r.status_code for r in refused] == [403, 403, 403, 403]
    assert GuidanceSession.objects.count() == 0 and RoomBooking.objects.count() == 0


def _booking(room: Room, **changes: str) -> dict[str, str]:
    data = {
        "room": str(room.pk),
        "day": TUESDAY.isoformat(),
        "starts_at": "09:00",
        "ends_at": "10:00",
        "purpose": "职业指导",
        "case": "",
    }
    data.update(changes)
    return data


def test_a_room_is_booked_from_the_calendar_and_shown_in_its_week(
    verified_client: Clients, officer: User, room: Room, nanning_market: Market
) -> None:
    client = verified_client(officer)

    response = client.post(f"/guidance/rooms/?market={nanning_market.pk}", _booking(room))
    calendar = client.get(response["Location"]).content.decode()

    assert response.status_code == 302
    booking = RoomBooking.objects.get()
    assert booking.starts_at == at(9)
    assert "09:00–10:00" in calendar and "职业指导" in calendar


def test_a_double_booking_is_refused_naming_the_conflict_and_keeping_the_input(
    verified_client: Clients, officer: User, team_lead: User, room: Room
) -> None:
    room_book(
        actor=team_lead, room=room, starts_at=at(9), ends_at=at(10), purpose="招聘洽谈 邕江餐饮"
    )
    client = verified_client(officer)

    response = client.post(
        "/guidance/rooms/", _booking(room, starts_at="09:30", ends_at="10:30", purpose="指导 韦")
    )

    assert response.status_code == 200
    [error] = response.context["form"].errors["starts_at"]
    assert "招聘洽谈 邕江餐饮" in error and "09:00" in error
    html = response.content.decode()
    assert 'value="09:30"' in html and 'value="10:30"' in html and 'value="指导 韦"' in html
    assert RoomBooking.objects.count() == 1


def test_a_booking_is_cancelled_from_the_calendar(
    verified_client: Clients, officer: User, room: Room
) -> None:
    booking = room_book(actor=officer, room=room, starts_at=at(9), ends_at=at(10), purpose="p")

    response = verified_client(officer).post(f"/guidance/rooms/bookings/{booking.pk}/cancel/")

    booking.refresh_from_db()
    assert response.status_code == 302 and booking.cancelled_at is not None
