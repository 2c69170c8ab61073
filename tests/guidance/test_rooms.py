"""Rooms of a market (standard art. 6) and their bookings: no two bookings of a room overlap
(checked with the room row locked), bookings stay within the market's opening hours, and a
cancelled booking frees its slot."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, datetime

import pytest
import time_machine
from conftest import MarketFactory, RegionFactory, UserFactory
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.utils import translation
from guidance_support import at, events_of, room_make

from accounts.models import User
from markets.models import Market, Membership, Role
from workflows.guidance.models import Room, RoomBooking
from workflows.guidance.services import room_book, room_booking_cancel


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def room(nanning_market: Market) -> Room:
    return room_make(nanning_market)


def book(actor: User, room: Room, start: datetime, end: datetime, **kwargs: object) -> RoomBooking:
    values: dict[str, object] = {"purpose": "一对一职业指导"}
    values.update(kwargs)
    return room_book(actor=actor, room=room, starts_at=start, ends_at=end, **values)  # type: ignore[arg-type]


pytestmark = pytest.mark.usefixtures("frozen_time")


@pytest.mark.django_db
def test_a_booking_is_made_with_its_audit_event(officer: User, room: Room) -> None:
    booking = book(officer, room, at(9), at(10))

    assert (booking.room, booking.booked_by, booking.cancelled_at) == (room, officer, None)
    [event] = events_of("guidance.room_booked")
    assert event.actor == officer
    assert event.new_values["booking_id"] == booking.pk
    assert event.new_values["starts_at"] == at(9).isoformat()
    assert booking.history.count() == 1


@pytest.mark.django_db
def test_a_double_booking_overlapping_by_one_minute_is_refused_naming_the_first(
    officer: User, team_lead: User, room: Room
) -> None:
    book(officer, room, at(9), at(10), purpose="韦小宝 职业指导")

    with pytest.raises(ValidationError) as refused:
        book(team_lead, room, at(9, 59), at(11))

    message = refused.value.message_dict["starts_at"][0]
    assert "2026-03-03 09:00" in message and "10:00" in message and "韦小宝 职业指导" in message
    assert RoomBooking.objects.count() == 1
    assert len(events_of("guidance.room_booked")) == 1


@pytest.mark.django_db
def test_a_booking_inside_another_is_refused(officer: User, room: Room) -> None:
    book(officer, room, at(9), at(11))

    with pytest.raises(ValidationError):
        book(officer, room, at(9, 30), at(10))


@pytest.mark.django_db
def test_back_to_back_bookings_are_allowed(officer: User, room: Room) -> None:
    book(officer, room, at(9), at(10))
    book(officer, room, at(10), at(11))
    book(officer, room, at(8, 30), at(9))

    assert RoomBooking.objects.count() == 3


@pytest.mark.django_db
def test_the_same_slot_in_another_room_is_allowed(
    officer: User, room: Room, nanning_market: Market
) -> None:
    other = room_make(nanning_market, name="招聘洽谈室", kind="recruitment")
    book(officer, room, at(9), at(10))
    book(officer, other, at(9), at(10))

    assert RoomBooking.objects.count() == 2


@pytest.mark.django_db
def test_a_cancelled_booking_frees_the_slot(officer: User, room: Room) -> None:
    first = book(officer, room, at(9), at(10))

    cancelled = room_booking_cancel(actor=officer, booking=first)
    again = room_booking_cancel(actor=officer, booking=first)
    second = book(officer, room, at(9), at(10))

    assert cancelled.cancelled_at is not None and cancelled.cancelled_by == officer
    assert again.cancelled_at == cancelled.cancelled_at
    assert second.pk != first.pk
    [event] = events_of("guidance.room_booking_cancelled")
    assert event.new_values["booking_id"] == first.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        (at(10), at(9), "ends_at"),  # ends before it starts
        (at(10), at(10), "ends_at"),  # no length
        (at(8), at(9), "starts_at"),  # before opening
        (at(17), at(18), "starts_at"),  # after closing
        (at(11, 30), at(15), "starts_at"),  # across the lunch break
        (at(12, 30), at(13, 30), "starts_at"),  # in the lunch break
        (at(9, day=date(2026, 3, 7)), at(10, day=date(2026, 3, 7)), "starts_at"),  # Saturday
        (at(16, day=date(2026, 3, 2)), at(17, day=date(2026, 3, 4)), "starts_at"),  # two days
        (at(8, 30, day=date(2026, 3, 2)), at(9, day=date(2026, 3, 2)), "starts_at"),  # past
    ],
)
def test_bookings_outside_opening_hours_or_out_of_order_are_refused(
    officer: User, room: Room, start: datetime, end: datetime, field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        book(officer, room, start, end)

    assert field in refused.value.message_dict
    assert RoomBooking.objects.count() == 0
    assert events_of("guidance.room_booked") == []


@pytest.mark.django_db
def test_an_empty_purpose_and_an_unused_room_are_refused(
    officer: User, nanning_market: Market
) -> None:
    unused = room_make(nanning_market, is_active=False)

    with pytest.raises(ValidationError) as refused:
        book(officer, unused, at(9), at(10), purpose="  ")

    assert set(refused.value.message_dict) == {"room", "purpose"}


@pytest.mark.django_db
def test_a_room_of_another_market_cannot_be_booked(officer: User, guangxi: object) -> None:
    liuzhou = RegionFactory.create(code="450200", name="柳州市")
    other_market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    other_room = room_make(other_market)

    with pytest.raises(PermissionDenied):
        book(officer, other_room, at(9), at(10))
    assert RoomBooking.objects.count() == 0


@pytest.mark.django_db
def test_a_case_of_another_market_cannot_be_attached(
    officer: User, room: Room, guangxi: object
) -> None:
    from conftest import case_make

    liuzhou = RegionFactory.create(code="450200", name="柳州市")
    other_market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    stranger = UserFactory.create(username="liuzhou_officer")
    Membership.objects.create(user=stranger, role=Role.OFFICER, market=other_market)
    other_case = case_make(stranger)

    with pytest.raises(ValidationError) as refused:
        book(officer, room, at(9), at(10), case=other_case)

    assert "case" in refused.value.message_dict


@pytest.mark.django_db
def test_another_markets_officer_cannot_cancel(officer: User, room: Room, guangxi: object) -> None:
    booking = book(officer, room, at(9), at(10))
    stranger = UserFactory.create(username="stranger")

    with pytest.raises(PermissionDenied):
        room_booking_cancel(actor=stranger, booking=booking)
    booking.refresh_from_db()
    assert booking.cancelled_at is None


@pytest.mark.django_db
def test_load_demo_rooms_is_idempotent(nanning_market: Market) -> None:
    call_command("load_demo_rooms", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_demo_rooms", stdout=open("/dev/null", "w"))  # noqa: SIM115

    rooms = Room.objects.filter(market=nanning_market)
    assert sorted(rooms.values_list("kind", flat=True)) == [
        "guidance",
        "recruitment",
        "startup",
        "training",
    ]


# --- Two bookings of one slot at once (needs real row locks) ------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks (SELECT … FOR UPDATE) and real concurrent connections: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_bookings_of_one_slot_have_exactly_one_winner(
    nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    room = room_make(nanning_market)
    bookers = []
    for n in range(2):
        user = UserFactory.create(username=f"booker{n}")
        Membership.objects.create(user=user, role=Role.OFFICER, market=nanning_market)
        bookers.append(user)
    start = threading.Barrier(2)
    won: list[int] = []
    refused: list[ValidationError] = []
    errors: list[BaseException] = []

    def attempt(actor_pk: int) -> None:
        try:
            actor = User.objects.get(pk=actor_pk)
            start.wait(timeout=30)
            book(actor, room, at(9), at(10))
            won.append(actor_pk)
        except ValidationError as error:
            refused.append(error)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user.pk,)) for user in bookers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(won) == 1 and len(refused) == 1
    assert "starts_at" in refused[0].message_dict
    assert RoomBooking.objects.filter(cancelled_at__isnull=True).count() == 1
    assert len(events_of("guidance.room_booked")) == 1
