"""The complaint pages per role, the counter form's refusals (input kept, message on the
field), free text escaped, and the actions through HTTP."""

from __future__ import annotations

import pytest
from complaints_support import AUTHORITY, COMPLAINANT_ID, complaint_form, complaint_make
from conftest import TOTP_KEYS, MarketFactory, UserFactory, add_totp_device
from django.urls import reverse

from markets.models import Membership, Role
from workflows.complaints.models import Complaint, Status

pytestmark = pytest.mark.usefixtures("frozen_time")


@pytest.fixture
def other_officer(nanning):
    user = UserFactory.create(username="other")
    Membership.objects.create(
        user=user, role=Role.OFFICER, market=MarketFactory.create(region=nanning)
    )
    add_totp_device(user, TOTP_KEYS[Role.OFFICER])
    return user


@pytest.fixture
def complaint(officer, nanning_market):
    return complaint_make(officer, nanning_market)


def _urls(complaint):
    return [
        reverse("backoffice:complaints_list"),
        reverse("backoffice:complaints_detail", args=[complaint.pk]),
    ]


@pytest.mark.parametrize("who", ["officer", "team_lead", "inspector"])
def test_staff_of_the_market_and_the_inspector_read_the_pages(
    request, verified_client, complaint, who
):
    client = verified_client(request.getfixturevalue(who))
    for url in _urls(complaint):
        response = client.get(url)
        assert response.status_code == 200, url
        assert complaint.case.reference in response.content.decode()


def test_the_inspector_reads_only(verified_client, inspector, complaint):
    client = verified_client(inspector)
    page = client.get(reverse("backoffice:complaints_detail", args=[complaint.pk]))
    assert b'id="accept-form"' not in page.content
    assert client.get(reverse("backoffice:complaints_new")).status_code == 403
    accept = reverse("backoffice:complaints_accept", args=[complaint.pk])
    assert client.post(accept).status_code == 403


def test_another_markets_officer_gets_404(verified_client, other_officer, complaint):
    client = verified_client(other_officer)
    assert (
        client.get(reverse("backoffice:complaints_detail", args=[complaint.pk])).status_code == 404
    )
    accept = reverse("backoffice:complaints_accept", args=[complaint.pk])
    assert client.post(accept).status_code == 404
    listing = client.get(reverse("backoffice:complaints_list"))
    assert complaint.case.reference not in listing.content.decode()


@pytest.mark.parametrize("who", ["system_admin", "security_admin", "audit_admin"])
def test_administrators_get_403(request, verified_client, complaint, who):
    client = verified_client(request.getfixturevalue(who))
    for url in [*_urls(complaint), reverse("backoffice:complaints_new")]:
        assert client.get(url).status_code == 403, url


def test_filing_at_the_counter(verified_client, officer):
    client = verified_client(officer)
    response = client.post(reverse("backoffice:complaints_new"), complaint_form())
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:complaints_detail", args=[complaint.pk])
    assert complaint.anonymous and complaint.category == "wage_arrears"
    page = client.get(response["Location"]).content.decode()
    assert COMPLAINANT_ID not in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"category": ""}, "category", ""),
        ({"posting": "424242"}, "posting", "424242"),
        ({"posting": "abc"}, "posting", ""),
        ({"description": ""}, "description", ""),
        ({"id_number": "450103198512120029"}, "id_number", ""),
        ({"credit_code": "12345"}, "credit_code", ""),
    ],
)
def test_a_refused_complaint_keeps_the_input(verified_client, officer, changes, field, message):
    client = verified_client(officer)
    response = client.post(reverse("backoffice:complaints_new"), complaint_form(**changes))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert "南宁市某建筑劳务公司" in html  # the input is kept
    assert Complaint.objects.count() == 0


def test_free_text_is_escaped(verified_client, officer, nanning_market):
    complaint = complaint_make(
        officer,
        nanning_market,
        description="<script>alert(1)</script>",
        employer_name="<b>坏公司</b>",
    )
    html = (
        verified_client(officer)
        .get(reverse("backoffice:complaints_detail", args=[complaint.pk]))
        .content.decode()
    )
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>坏公司</b>" not in html


def test_the_actions_through_the_page(verified_client, officer, complaint):
    client = verified_client(officer)
    detail = reverse("backoffice:complaints_detail", args=[complaint.pk])
    assert b'id="accept-form"' in client.get(detail).content
    client.post(reverse("backoffice:complaints_accept", args=[complaint.pk]))
    refused = client.post(
        reverse("backoffice:complaints_refer", args=[complaint.pk]), {"authority": ""}
    )
    assert refused.status_code == 400
    assert "authority" in refused.context["refer_form"].errors
    client.post(
        reverse("backoffice:complaints_refer", args=[complaint.pk]), {"authority": AUTHORITY}
    )
    referral = Complaint.objects.get(pk=complaint.pk).referrals.get()
    update = reverse("backoffice:complaints_referral_update", args=[complaint.pk, referral.pk])
    refused = client.post(update, {"status": "concluded", "outcome": ""})
    assert refused.status_code == 400 and "outcome" in refused.context["update_form"].errors
    client.post(update, {"status": "concluded", "outcome": "已责令支付"})
    client.post(
        reverse("backoffice:complaints_resolve", args=[complaint.pk]), {"outcome": "工资已结清"}
    )
    client.post(
        reverse("backoffice:complaints_satisfaction", args=[complaint.pk]),
        {"satisfaction": "satisfied"},
    )
    complaint = Complaint.objects.get(pk=complaint.pk)
    assert complaint.status == Status.RESOLVED and complaint.satisfaction == "satisfied"
    html = client.get(detail).content.decode()
    assert "已责令支付" in html and "工资已结清" in html


def test_the_list_filters(verified_client, team_lead, officer, nanning_market, complaint):
    complaint_make(officer, nanning_market, category="unsafe_work", employer_name="安全隐患厂")
    client = verified_client(team_lead)
    url = reverse("backoffice:complaints_list")
    html = client.get(url, {"category": "unsafe_work"}).content.decode()
    assert "安全隐患厂" in html and complaint.case.reference not in html
    html = client.get(url, {"status": "accepted"}).content.decode()
    assert "安全隐患厂" not in html and complaint.case.reference not in html
