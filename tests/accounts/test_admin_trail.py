"""Administrators who stay in their lane: a history page reverts only for those who may change
the record, nobody reads another person's second-factor secret, a second factor taken away
ends its owner's sessions, and every change made in the administration site is an event on
the hash-chained audit trail (not only in Django's admin log and the history tables)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from admin_support import main_form
from conftest import ServiceStationFactory, is_signed_in
from django.contrib import admin
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services import backup_codes_issue
from audit.models import AuditEvent
from audit.selectors import chain_verify
from markets.models import Market
from sla.models import CalendarDay

OLD_PHONE = "0771-5501234"
NEW_PHONE = "0771-5509999"


def _revert(client: Client, obj_url: str, history_id: int) -> tuple[int, int]:
    """GET the revert form of one version as the client sees it, and POST it back."""
    url = f"{obj_url}history/{history_id}/"
    page = client.get(url)
    data = main_form(page.content)
    data.pop("csrfmiddlewaretoken", None)
    return page.status_code, client.post(url, data).status_code


@pytest.fixture
def market_with_new_phone(nanning_market: Market) -> Market:
    nanning_market.service_phone = NEW_PHONE
    nanning_market.save()
    return nanning_market


def _first_version(obj: Market | User) -> int:
    return int(obj.history.earliest().history_id)


# --- Item 5: the history pages ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["audit_admin", "security_admin"])
def test_a_read_only_administrator_cannot_revert_a_market_through_its_history(
    request: pytest.FixtureRequest,
    market_with_new_phone: Market,
    verified_client: Callable[[User], Client],
    who: str,
) -> None:
    market = market_with_new_phone
    client = verified_client(request.getfixturevalue(who))
    events_before = AuditEvent.objects.count()

    shown, reverted = _revert(client, f"/admin/markets/market/{market.pk}/", _first_version(market))

    assert shown == 200  # reading the old version is theirs
    assert reverted == 403
    market.refresh_from_db()
    assert market.service_phone == NEW_PHONE
    assert market.history.count() == 2
    assert AuditEvent.objects.count() == events_before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["audit_admin", "security_admin"])
def test_a_read_only_administrator_cannot_disable_an_officer_through_the_history(
    request: pytest.FixtureRequest,
    officer: User,
    system_admin: User,
    verified_client: Callable[[User], Client],
    who: str,
) -> None:
    officer.is_active = False
    officer.save()
    disabled_version = officer.history.latest().history_id
    officer.is_active = True
    officer.save()
    officer_session = verified_client(officer)
    client = verified_client(request.getfixturevalue(who))

    shown, reverted = _revert(client, f"/admin/accounts/user/{officer.pk}/", disabled_version)

    assert (shown, reverted) == (200, 403)
    officer.refresh_from_db()
    assert officer.is_active is True
    assert is_signed_in(officer_session) and officer_session.get("/").status_code == 200
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()


@pytest.mark.django_db
def test_the_system_administrator_reverts_a_market_and_the_trail_records_old_and_new(
    market_with_new_phone: Market,
    system_admin: User,
    verified_client: Callable[[User], Client],
) -> None:
    market = market_with_new_phone
    client = verified_client(system_admin)

    shown, reverted = _revert(client, f"/admin/markets/market/{market.pk}/", _first_version(market))

    assert (shown, reverted) == (200, 302)
    market.refresh_from_db()
    assert market.service_phone == OLD_PHONE
    event = AuditEvent.objects.get(action="admin.changed")
    assert event.actor == system_admin
    assert event.market == market
    assert (event.target_type, event.target_id) == ("markets.market", str(market.pk))
    assert event.old_values == {"service_phone": NEW_PHONE}
    assert event.new_values["service_phone"] == OLD_PHONE
    assert chain_verify(chain=event.chain).ok


@pytest.mark.django_db
def test_reverting_an_account_to_a_disabled_version_ends_its_sessions(
    officer: User, system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    officer.is_active = False
    officer.save()
    disabled_version = officer.history.latest().history_id
    officer.is_active = True
    officer.save()
    officer_session = verified_client(officer)

    shown, reverted = _revert(
        verified_client(system_admin), f"/admin/accounts/user/{officer.pk}/", disabled_version
    )

    assert (shown, reverted) == (200, 302)
    officer.refresh_from_db()
    assert officer.is_active is False
    assert officer_session.get("/").status_code == 302
    event = AuditEvent.objects.get(action="admin.changed")
    assert (event.actor, event.target_id) == (system_admin, str(officer.pk))
    assert (event.old_values, event.new_values["is_active"]) == ({"is_active": True}, False)


# --- Item 6: nobody reads a second-factor secret -------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_the_security_administrator_cannot_read_a_users_authenticator_key(
    officer: User, security_admin: User, verified_client: Callable[[User], Client], view: str
) -> None:
    device = TOTPDevice.objects.get(user=officer)

    response = verified_client(security_admin).get(
        f"/admin/otp_totp/totpdevice/{device.pk}/{view}/"
    )

    assert response.status_code == 403
    assert device.key not in response.content.decode()


@pytest.mark.django_db
def test_the_device_pages_show_neither_the_key_nor_the_backup_codes(
    officer: User, security_admin: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(security_admin)
    device = TOTPDevice.objects.get(user=officer)
    codes = backup_codes_issue(user=officer)
    static = StaticDevice.objects.get(user=officer)

    pages = [
        client.get("/admin/otp_totp/totpdevice/"),
        client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/"),
        client.get("/admin/otp_static/staticdevice/"),
        client.get(f"/admin/otp_static/staticdevice/{static.pk}/change/"),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    text = "".join(page.content.decode() for page in pages)
    assert device.key not in text
    assert "/config/" not in text and "/qrcode/" not in text
    assert not [code for code in codes if code in text]


# --- Item 7: a factor taken away ends the sessions; every admin change is on the trail ------------


@pytest.mark.django_db
def test_deleting_an_authenticator_in_the_admin_ends_the_users_sessions_and_is_recorded(
    officer: User, security_admin: User, verified_client: Callable[[User], Client]
) -> None:
    officer_session = verified_client(officer)
    device = TOTPDevice.objects.get(user=officer)

    response = verified_client(security_admin).post(
        f"/admin/otp_totp/totpdevice/{device.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert officer_session.get("/")["Location"] == "/accounts/login/?next=/"
    event = AuditEvent.objects.get(action="admin.deleted")
    assert event.actor == security_admin
    assert (event.target_type, event.target_id) == ("otp_totp.totpdevice", str(device.pk))
    assert event.old_values["user"] == officer.pk
    assert "key" not in event.old_values
    assert chain_verify(chain=event.chain).ok


@pytest.mark.django_db
def test_deleting_backup_codes_with_the_list_action_ends_the_users_sessions_and_is_recorded(
    officer: User, security_admin: User, verified_client: Callable[[User], Client]
) -> None:
    backup_codes_issue(user=officer)
    static = StaticDevice.objects.get(user=officer)
    officer_session = verified_client(officer)

    response = verified_client(security_admin).post(
        "/admin/otp_static/staticdevice/",
        {"action": "delete_selected", "_selected_action": [static.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not StaticDevice.objects.exists()
    assert not StaticToken.objects.exists()
    assert officer_session.get("/").status_code == 302
    event = AuditEvent.objects.get(action="admin.deleted")
    assert (event.actor, event.target_type) == (security_admin, "otp_static.staticdevice")


@pytest.mark.django_db
def test_the_second_factor_reset_action_is_recorded(
    officer: User, security_admin: User, verified_client: Callable[[User], Client]
) -> None:
    officer_session = verified_client(officer)

    response = verified_client(security_admin).post(
        "/admin/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [officer.pk]},
    )

    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert officer_session.get("/").status_code == 302
    event = AuditEvent.objects.get(action="accounts.second_factor_reset")
    assert (event.actor, event.target_id) == (security_admin, str(officer.pk))
    assert event.old_values == {"devices": ["totpdevice:authenticator"]}
    assert event.new_values == {"devices": [], "sessions_ended": True}


@pytest.mark.django_db
def test_disabling_accounts_with_the_list_action_is_recorded(
    officer: User, system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    response = verified_client(system_admin).post(
        "/admin/accounts/user/",
        {"action": "disable_accounts", "_selected_action": [officer.pk]},
    )

    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.is_active is False
    event = AuditEvent.objects.get(action="accounts.disabled")
    assert (event.actor, event.target_id) == (system_admin, str(officer.pk))
    assert (event.old_values, event.new_values) == (
        {"is_active": True},
        {"is_active": False, "sessions_ended": True},
    )


@pytest.mark.django_db
def test_changing_a_market_in_the_admin_is_recorded_on_its_chain(
    nanning_market: Market, system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(system_admin)
    url = f"/admin/markets/market/{nanning_market.pk}/change/"
    data = main_form(client.get(url).content)
    data["service_phone"] = [NEW_PHONE]

    response = client.post(url, data)

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.changed")
    assert (event.actor, event.market, event.chain) == (
        system_admin,
        nanning_market,
        f"market:{nanning_market.pk}",
    )
    assert event.old_values == {"service_phone": OLD_PHONE}
    assert event.new_values["service_phone"] == NEW_PHONE
    assert event.ip_address == "127.0.0.1"


@pytest.mark.django_db
def test_adding_and_deleting_a_calendar_day_in_the_admin_is_recorded(
    nanning_market: Market, system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    client = verified_client(system_admin)

    added = client.post(
        "/admin/sla/calendarday/add/",
        {
            "day": "2026-10-09",
            "market": nanning_market.pk,
            "is_working_day": "",
            "reason": "防汛停业",
        },
    )
    day = CalendarDay.objects.get(day=date(2026, 10, 9))
    deleted = client.post(f"/admin/sla/calendarday/{day.pk}/delete/", {"post": "yes"})

    assert (added.status_code, deleted.status_code) == (302, 302)
    assert not CalendarDay.objects.exists()
    addition, deletion = AuditEvent.objects.filter(action__startswith="admin.").order_by("pk")
    assert (addition.action, deletion.action) == ("admin.added", "admin.deleted")
    assert addition.new_values["reason"] == deletion.old_values["reason"] == "防汛停业"
    assert addition.market == deletion.market == nanning_market
    assert chain_verify(chain=f"market:{nanning_market.pk}").ok


@pytest.mark.django_db
def test_stations_changed_with_their_market_are_recorded(
    nanning_market: Market, system_admin: User, verified_client: Callable[[User], Client]
) -> None:
    ServiceStationFactory.create(market=nanning_market, name="第一社区服务站")
    client = verified_client(system_admin)
    url = f"/admin/markets/market/{nanning_market.pk}/change/"
    data = main_form(client.get(url).content)
    data["stations-0-name"] = ["第一社区家门口就业服务站"]

    response = client.post(url, data)

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="admin.changed")
    assert event.new_values["admin_message"] == [
        {
            "changed": {
                "name": "service station",
                "object": "第一社区家门口就业服务站",
                "fields": ["Name"],
            }
        }
    ]


@pytest.mark.django_db
def test_every_admin_on_the_site_writes_to_the_trail() -> None:
    """Registering on the site mixes the trail in, third-party admins included."""
    from accounts.admin_site import AuditedAdminMixin

    unaudited = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AuditedAdminMixin)
    ]

    assert unaudited == []


@pytest.mark.django_db
def test_without_a_recording_handler_the_admin_changes_nothing(
    monkeypatch: pytest.MonkeyPatch,
    nanning_market: Market,
    system_admin: User,
    verified_client: Callable[[User], Client],
) -> None:
    """Fail closed: a change the trail cannot record is not made."""
    from accounts import admin_site

    monkeypatch.setattr(admin_site, "_handlers", [])
    client = verified_client(system_admin)
    client.raise_request_exception = False
    url = f"/admin/markets/market/{nanning_market.pk}/change/"
    data = main_form(client.get(url).content)
    data["service_phone"] = [NEW_PHONE]

    response = client.post(url, data)

    assert response.status_code == 500
    nanning_market.refresh_from_db()
    assert nanning_market.service_phone == OLD_PHONE
    assert nanning_market.history.count() == 1
