"""The public-welfare pages per role: officer and team lead of the market 200, inspector of
the region read-only, another market's officer 404, administrators 403; input kept on error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from conftest import SHANGHAI, MarketFactory, _staff
from django.test import Client
from welfare_support import seeker_with, welfare_actions, welfare_posting_make

from accounts.models import User
from markets.models import Market, Role
from workflows.welfare.models import Application, Placement, Status
from workflows.welfare.services import welfare_apply, welfare_approve, welfare_place

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]


@pytest.fixture
def stranger(nanning_market: Market) -> User:
    other = MarketFactory.create(region=nanning_market.region, name="另一零工市场")
    return _staff("stranger", Role.OFFICER, market=other)


@pytest.fixture
def pair(officer: User, nanning_market: Market) -> tuple[int, int]:
    posting = welfare_posting_make(officer, nanning_market)
    seeker = seeker_with(officer, nanning_market, ["dibao"])
    return seeker.pk, posting.pk


def _apply_url(pair: tuple[int, int]) -> str:
    return f"/welfare/apply/?seeker={pair[0]}&posting={pair[1]}"


def test_officer_applies_through_the_page(
    officer: User, verified_client: Clients, pair: tuple[int, int]
) -> None:
    client = verified_client(officer)
    page = client.get(_apply_url(pair))
    assert page.status_code == 200
    assert "低保家庭" in page.content.decode()
    response = client.post(_apply_url(pair), {"channel": "counter"})
    application = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/welfare/{application.pk}/"
    assert welfare_actions() == ["welfare.applied"]


def test_ineligible_seeker_page_names_both_lists_and_keeps_the_input(
    officer: User, nanning_market: Market, verified_client: Clients
) -> None:
    posting = welfare_posting_make(officer, nanning_market, eligibility=["veteran"])
    seeker = seeker_with(officer, nanning_market, ["single_parent"])
    response = verified_client(officer).post(
        _apply_url((seeker.pk, posting.pk)), {"channel": "phone"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "退役军人" in text
    assert "单亲" in text
    assert '<option value="phone" selected>' in text
    assert not Application.objects.exists()


def test_bad_channel_is_named_on_its_field(
    officer: User, verified_client: Clients, pair: tuple[int, int]
) -> None:
    response = verified_client(officer).post(_apply_url(pair), {"channel": "pigeon"})
    assert response.status_code == 400
    assert 'id="id_channel_errors"' in response.content.decode()


@pytest.fixture
def placed(
    officer: User, team_lead: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> Application:
    near = welfare_apply(
        actor=officer,
        market=nanning_market,
        seeker=seeker_with(officer, nanning_market, ["dibao"]),
        posting=welfare_posting_make(officer, nanning_market),
        channel="counter",
    )
    welfare_approve(actor=team_lead, application=near)
    welfare_place(
        actor=officer,
        application=near,
        starts_on=date(2026, 3, 2),
        subsidy_months=1,
        subsidy_monthly_amount=Decimal("1500"),
    )
    return near


def test_placements_list_marks_those_ending_within_30_days(
    placed: Application,
    officer: User,
    verified_client: Clients,
    nanning_market: Market,
    frozen_time: time_machine.Traveller,
) -> None:
    from conftest import ID_NUMBERS

    from workflows.welfare.services import welfare_apply as apply_

    team_lead = User.objects.get(username="teamlead")
    far = apply_(
        actor=officer,
        market=nanning_market,
        seeker=seeker_with(officer, nanning_market, ["disabled"], id_number=ID_NUMBERS[1]),
        posting=placed.posting,
        channel="counter",
    )
    welfare_approve(actor=team_lead, application=far)
    welfare_place(
        actor=officer,
        application=far,
        starts_on=date(2026, 3, 2),
        subsidy_months=12,
        subsidy_monthly_amount=Decimal("1500"),
    )
    frozen_time.move_to(datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI))  # 04-02 is 30 days on
    text = verified_client(officer).get("/welfare/placements/").content.decode()
    assert text.count('class="placement ending-soon"') == 1
    assert text.count('class="placement"') == 1
    assert "2026-04-02" in text and "2027-03-02" in text


ROLE_PAGES = ["/welfare/placements/", "/welfare/{pk}/"]


@pytest.mark.parametrize("path", ROLE_PAGES)
def test_pages_per_role(
    path: str,
    placed: Application,
    officer: User,
    team_lead: User,
    inspector: User,
    stranger: User,
    system_admin: User,
    audit_admin: User,
    verified_client: Clients,
) -> None:
    url = path.format(pk=placed.pk)
    for user in (officer, team_lead, inspector):
        response = verified_client(user).get(url)
        assert response.status_code == 200, user
        assert "1500" in response.content.decode()
    stranger_response = verified_client(stranger).get(url)
    if "{pk}" in path:
        assert stranger_response.status_code == 404
    else:
        assert stranger_response.status_code == 200
        assert "1500" not in stranger_response.content.decode()
    for admin in (system_admin, audit_admin):
        assert verified_client(admin).get(url).status_code == 403


def test_apply_page_per_role(
    pair: tuple[int, int],
    officer: User,
    team_lead: User,
    inspector: User,
    stranger: User,
    system_admin: User,
    verified_client: Clients,
) -> None:
    url = _apply_url(pair)
    assert verified_client(officer).get(url).status_code == 200
    assert verified_client(team_lead).get(url).status_code == 200
    assert verified_client(inspector).get(url).status_code == 403
    assert verified_client(inspector).post(url, {"channel": "counter"}).status_code == 403
    assert verified_client(stranger).get(url).status_code == 404
    assert verified_client(system_admin).get(url).status_code == 403
    assert verified_client(officer).get("/welfare/apply/?seeker=x&posting=1").status_code == 404
    assert not Application.objects.exists()


def test_team_lead_approves_and_officer_places_through_the_page(
    officer: User,
    team_lead: User,
    inspector: User,
    nanning_market: Market,
    verified_client: Clients,
    frozen_time: time_machine.Traveller,
) -> None:
    application = welfare_apply(
        actor=officer,
        market=nanning_market,
        seeker=seeker_with(officer, nanning_market, ["dibao"]),
        posting=welfare_posting_make(officer, nanning_market),
        channel="counter",
    )
    base = f"/welfare/{application.pk}/"
    officer_page = verified_client(officer).get(base).content.decode()
    assert "/approve/" not in officer_page
    refused = verified_client(officer).post(base + "approve/", {"note": ""})
    assert refused.status_code == 400
    assert verified_client(inspector).post(base + "approve/", {}).status_code == 403
    assert verified_client(team_lead).post(base + "approve/", {"note": "可"}).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.APPROVED

    frozen_time.move_to(datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI))
    bad = verified_client(officer).post(
        base + "place/",
        {"starts_on": "2026-03-09", "subsidy_months": "40", "subsidy_monthly_amount": "1800"},
    )
    assert bad.status_code == 400
    text = bad.content.decode()
    assert 'id="id_subsidy_months_errors"' in text
    assert 'value="2026-03-09"' in text and 'value="1800"' in text
    good = verified_client(officer).post(
        base + "place/",
        {"starts_on": "2026-03-09", "subsidy_months": "6", "subsidy_monthly_amount": "1800"},
    )
    assert good.status_code == 302
    placement = Placement.objects.get()
    assert placement.subsidy_ends_on == date(2026, 9, 9)
    ended = verified_client(officer).post(
        base + "end/", {"ended_on": "2026-03-01", "end_reason": "resigned", "note": "<b>x</b>"}
    )
    assert ended.status_code == 400
    assert "&lt;b&gt;x&lt;/b&gt;" in ended.content.decode()
    assert 'id="id_ended_on_errors"' in ended.content.decode()
    assert welfare_actions() == ["welfare.applied", "welfare.approved", "welfare.placed"]
