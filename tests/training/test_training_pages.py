"""The training pages per role: officers and team leads of the market work there, inspectors
over the region read, another market's officer gets 404, administrators 403; forms keep the
input on error; the report's CSV neutralises formulas and is logged."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import translation
from training_support import (
    COOK,
    PROVIDER_CODE,
    WAITER,
    employer_make,
    other_market_officer_make,
    posting_make,
    programme_make,
    provider_make,
    regions_make,
    seeker_make,
)

from accounts.models import User
from audit.models import AuditEvent
from markets.models import Market
from workflows.postings.models import Occupation
from workflows.seekers.models import SeekerProfile
from workflows.training.models import Programme, ReferralState, TrainingReferral, TrainingWish
from workflows.training.services import training_referral_open

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User], Client]


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def _setting(frozen_time: time_machine.Traveller) -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def seeker(officer: User, nanning_market: Market) -> SeekerProfile:
    regions_make()
    return seeker_make(officer, nanning_market)


@pytest.fixture
def programme(nanning_market: Market, seeker: SeekerProfile) -> Programme:
    return programme_make(provider_make(nanning_market), nanning_market, capacity=1)


@pytest.fixture
def referral(
    officer: User, nanning_market: Market, seeker: SeekerProfile, programme: Programme
) -> TrainingReferral:
    made: TrainingReferral = training_referral_open(
        actor=officer, market=nanning_market, seeker=seeker, programme=programme, channel="counter"
    )
    return made


def _pages(referral: TrainingReferral) -> dict[str, str]:
    return {
        "programmes": "/training/programmes/",
        "report": "/training/report/",
        "referral": f"/training/{referral.pk}/",
        "refer": f"/training/refer/?seeker={referral.seeker_id}",
        "programme_new": "/training/programmes/new/",
        "programme_edit": f"/training/programmes/{referral.programme_id}/edit/",
        "provider_new": "/training/providers/new/",
    }


ROLES = {
    # page: (officer, team lead, inspector, another market's officer)
    "programmes": (200, 200, 200, 200),
    "report": (403, 200, 200, 403),
    "referral": (200, 200, 200, 404),
    "refer": (200, 200, 403, 404),
    "programme_new": (403, 200, 403, 403),
    "programme_edit": (403, 200, 403, 404),
    "provider_new": (403, 200, 403, 403),
}


def test_pages_per_role(
    officer: User,
    team_lead: User,
    inspector: User,
    system_admin: User,
    audit_admin: User,
    referral: TrainingReferral,
    verified_client: ClientFor,
) -> None:
    stranger, _liuzhou = other_market_officer_make()
    users = (officer, team_lead, inspector, stranger)
    pages = _pages(referral)
    for name, expected in ROLES.items():
        got = tuple(verified_client(user).get(pages[name]).status_code for user in users)
        assert got == expected, name
        for admin in (system_admin, audit_admin):
            assert verified_client(admin).get(pages[name]).status_code == 403, name


def test_inspector_sees_no_action_on_the_referral(
    inspector: User, referral: TrainingReferral, verified_client: ClientFor
) -> None:
    page = verified_client(inspector).get(f"/training/{referral.pk}/").content.decode()
    assert referral.case.reference in page
    assert "/enrol/" not in page
    response = verified_client(inspector).post(f"/training/{referral.pk}/enrol/", {})
    assert response.status_code == 403


def test_referral_steps_through_the_page(
    officer: User, referral: TrainingReferral, verified_client: ClientFor
) -> None:
    client = _english(verified_client(officer))
    page = client.get(f"/training/{referral.pk}/").content.decode()
    assert "/enrol/" in page
    assert client.post(f"/training/{referral.pk}/enrol/", {"note": "报名"}).status_code == 302
    response = client.post(f"/training/{referral.pk}/drop/", {"reason": ""})
    assert response.status_code == 400
    assert "Say why the seeker dropped out." in response.content.decode()
    response = client.post(f"/training/{referral.pk}/complete/", {"note": "<b>结业</b>"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == ReferralState.COMPLETED
    page = client.get(f"/training/{referral.pk}/").content.decode()
    assert "&lt;b&gt;结业&lt;/b&gt;" in page


def test_refer_page_refuses_a_full_programme_with_its_message(
    officer: User,
    nanning_market: Market,
    referral: TrainingReferral,
    programme: Programme,
    verified_client: ClientFor,
) -> None:
    other = seeker_make(officer, nanning_market, number=1)
    response = _english(verified_client(officer)).post(
        f"/training/refer/?seeker={other.pk}", {"programme": programme.pk, "channel": "counter"}
    )
    assert response.status_code == 200
    assert "is full: all 1 places are taken" in response.content.decode()
    assert TrainingReferral.objects.count() == 1


def test_refer_and_wish_through_the_page(
    officer: User,
    nanning_market: Market,
    seeker: SeekerProfile,
    programme: Programme,
    verified_client: ClientFor,
) -> None:
    client = _english(verified_client(officer))
    response = client.post(
        f"/training/refer/?seeker={seeker.pk}", {"programme": programme.pk, "channel": "phone"}
    )
    referral = TrainingReferral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/training/{referral.pk}/"
    assert referral.case.channel == "phone"
    cook = Occupation.objects.get(code=COOK)
    response = client.post(f"/training/wishes/?seeker={seeker.pk}", {"occupation": cook.pk})
    assert response.status_code == 302
    assert TrainingWish.objects.get().occupation == cook
    response = client.post(f"/training/wishes/?seeker={seeker.pk}", {"occupation": ""})
    assert response.status_code == 200
    assert 'id="id_occupation_errors"' in response.content.decode()


def test_programme_form_keeps_the_input_and_names_the_field(
    team_lead: User, nanning_market: Market, programme: Programme, verified_client: ClientFor
) -> None:
    client = _english(verified_client(team_lead))
    data = {
        "market": nanning_market.pk,
        "provider": programme.provider_id,
        "title": "面点师<script>",
        "occupation": Occupation.objects.get(code=WAITER).pk,
        "schedule_kind": "short_modules",
        "schedule_text": "每周一 14:00",
        "place": "竹溪大道",
        "cost": "100",
        "subsidy": "300",
        "capacity": "10",
        "starts_on": "2026-03-10",
        "ends_on": "2026-03-20",
        "is_published": "on",
    }
    response = client.post("/training/programmes/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "The subsidy cannot be more than the cost." in page
    assert 'value="面点师&lt;script&gt;"' in page
    assert Programme.objects.count() == 1
    response = client.post("/training/programmes/new/", {**data, "subsidy": "80"})
    assert response.status_code == 302
    assert Programme.objects.filter(title="面点师<script>").exists()


def test_provider_form_saves_for_the_team_lead(
    team_lead: User, nanning_market: Market, verified_client: ClientFor
) -> None:
    data = {
        "market": nanning_market.pk,
        "name": "南宁技工学校",
        "credit_code": "bad",
        "address": "南宁",
        "phone": "0771-5551234",
        "is_active": "on",
    }
    client = _english(verified_client(team_lead))
    response = client.post("/training/providers/new/", data)
    assert "not a valid unified social credit code" in response.content.decode()
    assert 'value="南宁技工学校"' in response.content.decode()
    response = client.post("/training/providers/new/", {**data, "credit_code": PROVIDER_CODE})
    assert response.status_code == 302


def test_report_page_and_csv_neutralise_formulas(
    officer: User,
    team_lead: User,
    nanning_market: Market,
    seeker: SeekerProfile,
    verified_client: ClientFor,
) -> None:
    Occupation.objects.filter(code=WAITER).update(name="=HYPERLINK(1)")
    posting_make(employer_make(officer), nanning_market, headcount=3)
    client = _english(verified_client(team_lead))
    page = client.get("/training/report/").content.decode()
    assert "=HYPERLINK(1)" in page
    response = client.get(
        "/training/report/",
        {
            "start": "2026-02-01",
            "end": "2026-03-02",
            "market": str(nanning_market.pk),
            "format": "csv",
        },
    )
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in body
    assert f"{WAITER},'=HYPERLINK(1),1,3,0,0,0,3" in body
    assert AuditEvent.objects.filter(action="training.report_exported").count() == 1
    response = client.get("/training/report/", {"start": "2026-03-02", "end": "2026-02-01"})
    assert "The end of the period cannot be before its start." in response.content.decode()
