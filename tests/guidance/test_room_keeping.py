"""Rooms for career guidance and the other services (standard art. 6) are kept by the market's
team lead in the back office (issue 10, item 9): added and changed, with clear messages on bad
input and an audit event with old and new values; officers see the rooms but may not change
them; a team lead of another market gets 404."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import time_machine
from conftest import TOTP_KEYS, MarketFactory, UserFactory, add_totp_device
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import translation
from guidance_support import at, events_of, room_make

from accounts.models import User
from markets.models import Market, Membership, Region, Role
from workflows.guidance.models import Room, RoomKind
from workflows.guidance.services import room_book, room_create, room_update

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
NEW = "/guidance/rooms/new/"


@pytest.fixture
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def other_lead(liuzhou: Region) -> User:
    user = UserFactory.create(username="liuzhou_lead")
    market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    Membership.objects.create(user=user, role=Role.TEAM_LEAD, market=market)
    add_totp_device(user, TOTP_KEYS[Role.TEAM_LEAD])
    return user


# --- Services ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("english")
def test_a_team_lead_adds_a_room_with_its_audit_event(
    team_lead: User, nanning_market: Market
) -> None:
    room = room_create(
        actor=team_lead,
        market=nanning_market,
        name="  职业指导室  2 ",
        kind="guidance",
        capacity="6",
    )

    assert (room.name, room.kind, room.capacity, room.is_active) == (
        "职业指导室 2",
        "guidance",
        6,
        True,
    )
    [event] = events_of("guidance.room_created")
    assert (event.actor, event.market) == (team_lead, nanning_market)
    assert event.new_values["name"] == "职业指导室 2"
    assert room.history.get().history_user == team_lead


@pytest.mark.usefixtures("english")
def test_an_officer_may_not_add_or_change_a_room(officer: User, nanning_market: Market) -> None:
    room = room_make(nanning_market)

    with pytest.raises(PermissionDenied):
        room_create(
            actor=officer, market=nanning_market, name="培训室", kind="training", capacity=20
        )
    with pytest.raises(PermissionDenied):
        room_update(
            actor=officer, room=room, name="改名", kind="guidance", capacity=4, is_active=True
        )

    assert Room.objects.count() == 1
    assert events_of("guidance.room_created") == events_of("guidance.room_updated") == []


@pytest.mark.usefixtures("english")
@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"name": "  "}, "name", "Name: give the room a name"),
        ({"name": "室" * 65}, "name", "Name: at most 64 characters."),
        ({"name": "职业指导室"}, "name", "this market has a room called “职业指导室” already"),
        ({"kind": "kitchen"}, "kind", "Kind of room: choose one of"),
        ({"capacity": "0"}, "capacity", "Seats: a whole number from 1 to 500."),
        ({"capacity": "501"}, "capacity", "Seats: a whole number from 1 to 500."),
        ({"capacity": "六"}, "capacity", "Seats: a whole number from 1 to 500."),
        ({"capacity": "-3"}, "capacity", "Seats: a whole number from 1 to 500."),
        ({"capacity": ""}, "capacity", "Seats: a whole number from 1 to 500."),
    ],
)
def test_a_bad_room_is_refused_with_a_clear_message_on_its_field(
    team_lead: User, nanning_market: Market, values: dict[str, str], field: str, message: str
) -> None:
    room_make(nanning_market)  # 职业指导室
    given = {"name": "培训室", "kind": "training", "capacity": "20", **values}

    with pytest.raises(ValidationError) as refused:
        room_create(actor=team_lead, market=nanning_market, **given)

    assert any(message in text for text in refused.value.message_dict[field])
    assert Room.objects.count() == 1


@pytest.mark.usefixtures("english")
def test_a_change_records_old_and_new_values_and_nothing_changed_writes_nothing(
    team_lead: User, nanning_market: Market
) -> None:
    room = room_make(nanning_market)

    room_update(
        actor=team_lead, room=room, name="职业指导室", kind="guidance", capacity="4", is_active=True
    )
    assert events_of("guidance.room_updated") == []

    room = room_update(
        actor=team_lead, room=room, name="职业指导室", kind="guidance", capacity="8", is_active=True
    )

    assert room.capacity == 8
    [event] = events_of("guidance.room_updated")
    assert event.old_values == {"capacity": 4}
    assert event.new_values == {"room_id": room.pk, "capacity": 8}


@pytest.mark.usefixtures("english")
def test_a_room_with_bookings_ahead_is_not_taken_out_of_use(
    team_lead: User, officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    room = room_make(nanning_market)
    room_book(actor=officer, room=room, starts_at=at(9), ends_at=at(10), purpose="一对一职业指导")

    with pytest.raises(ValidationError) as refused:
        room_update(
            actor=team_lead, room=room, name=room.name, kind=room.kind, capacity=4, is_active=False
        )

    assert "has 1 booking from now on" in refused.value.message_dict["is_active"][0]
    assert Room.objects.get(pk=room.pk).is_active is True


# --- Pages -------------------------------------------------------------------------------------


def test_the_team_lead_adds_and_changes_a_room_from_the_rooms_page(
    verified_client: Clients, team_lead: User, nanning_market: Market
) -> None:
    client = verified_client(team_lead)
    rooms = client.get("/guidance/rooms/").content.decode()

    bad = client.post(f"{NEW}?market={nanning_market.pk}", {"name": "", "kind": "guidance"})
    added = client.post(
        f"{NEW}?market={nanning_market.pk}",
        {"name": "职业指导室 3", "kind": RoomKind.GUIDANCE, "capacity": "4"},
    )
    room = Room.objects.get(name="职业指导室 3")
    edit = f"/guidance/rooms/{room.pk}/edit/"
    form = client.get(edit)
    changed = client.post(
        edit, {"name": "职业指导室 3", "kind": RoomKind.GUIDANCE, "capacity": "5", "is_active": ""}
    )
    after = client.get("/guidance/rooms/").content.decode()

    assert f'href="{NEW}?market={nanning_market.pk}"' in rooms
    assert bad.status_code == 200
    assert bad.context["form"].errors["name"]
    assert bad.context["form"].errors["capacity"]
    assert added.status_code == 302
    assert form.status_code == 200
    assert 'value="职业指导室 3"' in form.content.decode()
    assert changed.status_code == 302
    room.refresh_from_db()
    assert (room.capacity, room.is_active) == (5, False)
    assert f'href="{edit}"' in after
    assert [e.action for e in events_of("guidance.room_created")] == ["guidance.room_created"]
    assert len(events_of("guidance.room_updated")) == 1


def test_the_rooms_page_reads_in_english_too(
    verified_client: Clients, team_lead: User, nanning_market: Market
) -> None:
    room_make(nanning_market)
    client = verified_client(team_lead)
    client.cookies["django_language"] = "en"

    html = client.get("/guidance/rooms/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = client.get(NEW, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Rooms of the market" in html and "Add a room" in html
    assert "Career-guidance room" in html
    assert "Seats" in form and "Save the room" in form


def test_officers_see_the_rooms_but_may_not_add_or_change_them(
    verified_client: Clients, officer: User, inspector: User, nanning_market: Market
) -> None:
    room = room_make(nanning_market)
    client = verified_client(officer)

    rooms = client.get("/guidance/rooms/").content.decode()

    assert room.name in rooms
    assert NEW not in rooms and f"/guidance/rooms/{room.pk}/edit/" not in rooms
    assert client.get(NEW).status_code == 403
    assert client.post(f"/guidance/rooms/{room.pk}/edit/", {"name": "x"}).status_code == 403
    assert verified_client(inspector).get(NEW).status_code == 403
    assert Room.objects.get(pk=room.pk).name == "职业指导室"


def test_a_team_lead_of_another_market_gets_404(
    verified_client: Clients, other_lead: User, nanning_market: Market
) -> None:
    room = room_make(nanning_market)
    client = verified_client(other_lead)

    assert client.get(f"/guidance/rooms/{room.pk}/edit/").status_code == 404
    assert client.get(f"{NEW}?market={nanning_market.pk}").status_code == 404
    assert client.get(NEW).status_code == 200  # their own market
