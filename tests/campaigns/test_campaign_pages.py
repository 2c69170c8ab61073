"""The campaign pages per role, the forms with their input kept on error, free text escaped."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from campaigns_support import campaign_actions, spring_breeze_make
from conftest import MarketFactory, _staff
from counter_support import CREDIT_CODE, posting_make, qingxiu_make
from django.test import Client

from accounts.models import User
from markets.models import Market, Role
from workflows.campaigns.models import Campaign

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]


@pytest.fixture
def stranger(nanning_market: Market) -> User:
    other = MarketFactory.create(region=nanning_market.region, name="另一零工市场")
    return _staff("stranger", Role.OFFICER, market=other)


def test_officer_creates_a_campaign_and_bad_dates_are_named(
    officer: User, nanning_market: Market, verified_client: Clients
) -> None:
    client = verified_client(officer)
    data = {
        "market": str(nanning_market.pk),
        "name": "<script>民营企业招聘月</script>",
        "kind": "special",
        "starts_on": "2026-05-10",
        "ends_on": "2026-05-01",
        "place": "市场大厅",
        "description": "",
    }
    refused = client.post("/campaigns/", data)
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'id="id_ends_on_errors"' in text
    assert "&lt;script&gt;民营企业招聘月&lt;/script&gt;" in text
    assert "<script>民营企业招聘月" not in text
    created = client.post("/campaigns/", data | {"ends_on": "2026-05-31"})
    campaign = Campaign.objects.get()
    assert created["Location"] == f"/campaigns/{campaign.pk}/"
    assert campaign_actions() == ["campaign.created"]


def test_forms_on_the_campaign_page(
    officer: User, nanning_market: Market, verified_client: Clients, stranger: User
) -> None:
    qingxiu_make()
    campaign = spring_breeze_make(officer, nanning_market)
    posting = posting_make(officer, nanning_market, publish=True)
    foreign = posting_make(stranger, Market.objects.get(name="另一零工市场"), publish=True)
    client = verified_client(officer)
    base = f"/campaigns/{campaign.pk}/"
    employer = {"name": "南宁市邕江餐饮有限公司", "credit_code": CREDIT_CODE, "booth": "A01"}
    assert client.post(base + "employers/", employer).status_code == 302
    again = client.post(base + "employers/", employer | {"booth": "B07"})
    assert again.status_code == 400
    assert 'id="id_credit_code_errors"' in again.content.decode()
    assert 'value="B07"' in again.content.decode()
    assert client.post(base + "postings/", {"posting": posting.pk}).status_code == 302
    other = client.post(base + "postings/", {"posting": foreign.pk})
    assert other.status_code == 400
    assert 'id="id_posting_errors"' in other.content.decode()
    assert (
        client.post(base + "attendance/", {"day": "2026-03-02", "headcount": "120"}).status_code
        == 302
    )
    late = client.post(base + "attendance/", {"day": "2026-03-09", "headcount": "7"})
    assert late.status_code == 400
    assert 'id="id_day_errors"' in late.content.decode()
    assert 'value="7"' in late.content.decode()
    assert (
        client.post(base + "outcomes/", {"intentions": "9", "hired": "3", "note": ""}).status_code
        == 302
    )
    page = client.get(base).content.decode()
    assert '<dd id="total-counted">120</dd>' in page
    assert '<dd id="total-intentions">9</dd>' in page
    assert '<dd id="total-openings">5</dd>' in page
    assert campaign_actions() == [
        "campaign.created",
        "campaign.employer_added",
        "campaign.posting_linked",
        "campaign.attendance_recorded",
        "campaign.outcome_recorded",
    ]


@pytest.mark.parametrize("path", ["/campaigns/", "/campaigns/{pk}/"])
def test_pages_per_role(
    path: str,
    officer: User,
    team_lead: User,
    inspector: User,
    stranger: User,
    system_admin: User,
    security_admin: User,
    nanning_market: Market,
    verified_client: Clients,
) -> None:
    campaign = spring_breeze_make(officer, nanning_market)
    url = path.format(pk=campaign.pk)
    for user in (officer, team_lead, inspector):
        response = verified_client(user).get(url)
        assert response.status_code == 200, user
        assert "2026年春风行动专场招聘会" in response.content.decode()
    stranger_response = verified_client(stranger).get(url)
    if "{pk}" in path:
        assert stranger_response.status_code == 404
    else:
        assert stranger_response.status_code == 200
        assert "春风行动" not in stranger_response.content.decode()
    for admin in (system_admin, security_admin):
        assert verified_client(admin).get(url).status_code == 403


def test_inspector_reads_but_may_not_write(
    officer: User, inspector: User, nanning_market: Market, verified_client: Clients
) -> None:
    campaign = spring_breeze_make(officer, nanning_market)
    client = verified_client(inspector)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert f"/campaigns/{campaign.pk}/outcomes/" not in page
    assert (
        client.post(
            f"/campaigns/{campaign.pk}/outcomes/", {"intentions": "1", "hired": "1"}
        ).status_code
        == 403
    )
    assert client.post("/campaigns/", {"name": "x"}).status_code == 403
    assert "New campaign" not in client.get("/campaigns/").content.decode()
    assert campaign_actions() == ["campaign.created"]
