"""Campaigns and job fairs (standard art. 11): each service with its audit event, the bad
input refused, and the totals of a scripted campaign. A campaign is no case: no case is
opened and no deadline started."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from campaigns_support import campaign_actions, spring_breeze_make
from conftest import ID_NUMBERS, MarketFactory, UserFactory
from counter_support import CREDIT_CODE, posting_make, qingxiu_make, seeker_make
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case
from cases.services import applicant_organisation_register
from markets.models import Market, Membership, Role
from sla.models import Deadline
from workflows.campaigns.models import Campaign
from workflows.campaigns.selectors import campaign_totals
from workflows.campaigns.services import (
    campaign_attendance_record,
    campaign_create,
    campaign_employer_add,
    campaign_outcome_record,
    campaign_posting_link,
)

pytestmark = pytest.mark.django_db

SECOND_CREDIT_CODE = "91110000600037341L"


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_scripted_campaign_totals_and_trail(officer: User, nanning_market: Market) -> None:
    qingxiu_make()
    campaign = spring_breeze_make(officer, nanning_market)
    first = applicant_organisation_register(actor=officer, name="邕江餐饮", credit_code=CREDIT_CODE)
    second = applicant_organisation_register(
        actor=officer, name="北方工业", credit_code=SECOND_CREDIT_CODE
    )
    booth = campaign_employer_add(actor=officer, campaign=campaign, employer=first, booth="A01")
    campaign_employer_add(actor=officer, campaign=campaign, employer=second, booth="A02")
    for headcount in (5, 3):
        campaign_posting_link(
            actor=officer,
            campaign=campaign,
            posting=posting_make(officer, nanning_market, publish=True, headcount=str(headcount)),
        )
    campaign_attendance_record(
        actor=officer, campaign=campaign, day=date(2026, 3, 2), headcount=100
    )
    campaign_attendance_record(actor=officer, campaign=campaign, day=date(2026, 3, 3), headcount=80)
    # A recount of the second day replaces its first count.
    campaign_attendance_record(actor=officer, campaign=campaign, day=date(2026, 3, 3), headcount=90)
    one = seeker_make(officer, nanning_market)
    two = seeker_make(officer, nanning_market, id_number=ID_NUMBERS[1])
    for seeker, day in ((one, date(2026, 3, 2)), (one, date(2026, 3, 3)), (two, date(2026, 3, 2))):
        campaign_attendance_record(actor=officer, campaign=campaign, day=day, seeker=seeker)
    campaign_outcome_record(
        actor=officer, campaign=campaign, intentions=12, hired=4, employer=booth
    )
    campaign_outcome_record(actor=officer, campaign=campaign, intentions=8, hired=2, note="第二天")

    assert campaign_totals(campaign=campaign) == {
        "employers": 2,
        "postings": 2,
        "openings": 8,
        "people_counted": 190,
        "seekers_registered": 2,
        "intentions": 20,
        "hired": 6,
    }
    # The postings and seekers have their own cases; the campaign opened none.
    kinds = set(Case.objects.values_list("kind", flat=True))
    assert kinds == {"posting_review", "seeker_registration"}
    assert not Deadline.objects.filter(kind__startswith="campaign").exists()
    assert campaign_actions() == [
        "campaign.created",
        "campaign.employer_added",
        "campaign.employer_added",
        "campaign.posting_linked",
        "campaign.posting_linked",
        *["campaign.attendance_recorded"] * 6,
        "campaign.outcome_recorded",
        "campaign.outcome_recorded",
    ]
    recount = AuditEvent.objects.filter(action="campaign.attendance_recorded").order_by("sequence")[
        2
    ]
    assert recount.old_values == {"headcount": 80}
    assert recount.new_values["headcount"] == 90
    created = AuditEvent.objects.get(action="campaign.created")
    assert (created.actor, created.market) == (officer, nanning_market)
    assert campaign.history.get().history_user == officer


def test_empty_campaign_totals_are_zero(officer: User, nanning_market: Market) -> None:
    assert set(campaign_totals(campaign=spring_breeze_make(officer, nanning_market)).values()) == {
        0
    }


def test_bad_campaign_input_is_refused_per_field(officer: User, nanning_market: Market) -> None:
    good: dict[str, Any] = {
        "name": "就业援助月",
        "kind": "special",
        "starts_on": date(2026, 1, 5),
        "ends_on": date(2026, 2, 5),
        "place": "市场大厅",
    }
    bad: list[tuple[dict[str, Any], str]] = [
        ({"ends_on": date(2026, 1, 4)}, "ends_on"),
        ({"name": "  "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"kind": "party"}, "kind"),
        ({"place": ""}, "place"),
        ({"description": "a\x00b"}, "description"),
    ]
    for change, field in bad:
        with pytest.raises(ValidationError) as error:
            campaign_create(actor=officer, market=nanning_market, **(good | change))
        assert field in error.value.message_dict, change
    assert not Campaign.objects.exists()
    stranger = UserFactory.create(username="stranger")
    with pytest.raises(PermissionDenied):
        campaign_create(actor=stranger, market=nanning_market, **good)


def test_duplicate_employer_and_foreign_or_unpublished_posting_are_refused(
    officer: User, nanning_market: Market
) -> None:
    qingxiu_make()
    campaign = spring_breeze_make(officer, nanning_market)
    employer = applicant_organisation_register(
        actor=officer, name="邕江餐饮", credit_code=CREDIT_CODE
    )
    campaign_employer_add(actor=officer, campaign=campaign, employer=employer, booth="A01")
    with pytest.raises(ValidationError) as error:
        campaign_employer_add(actor=officer, campaign=campaign, employer=employer, booth="B01")
    assert "takes part already" in error.value.message_dict["credit_code"][0]

    other_market = MarketFactory.create(region=nanning_market.region)
    other_officer = UserFactory.create(username="colleague")
    Membership.objects.create(user=other_officer, role=Role.OFFICER, market=other_market)
    foreign = posting_make(other_officer, other_market, publish=True)
    in_review = posting_make(officer, nanning_market)
    published = posting_make(officer, nanning_market, publish=True)
    campaign_posting_link(actor=officer, campaign=campaign, posting=published)
    for posting, words in [
        (foreign, "another market"),
        (in_review, "Only a published posting"),
        (published, "already"),
    ]:
        with pytest.raises(ValidationError) as error:
            campaign_posting_link(actor=officer, campaign=campaign, posting=posting)
        assert words in error.value.message_dict["posting"][0]
    with pytest.raises(PermissionDenied):
        campaign_posting_link(actor=other_officer, campaign=campaign, posting=foreign)
    assert list(campaign.postings.all()) == [published]


def test_bad_attendance_and_outcome_input_is_refused(officer: User, nanning_market: Market) -> None:
    qingxiu_make()
    campaign = spring_breeze_make(officer, nanning_market)
    seeker = seeker_make(officer, nanning_market)
    campaign_attendance_record(
        actor=officer, campaign=campaign, day=date(2026, 3, 2), seeker=seeker
    )
    bad_attendance = [
        ({"day": date(2026, 3, 5), "headcount": 3}, "day"),
        ({"day": date(2026, 3, 2)}, "headcount"),
        ({"day": date(2026, 3, 2), "headcount": 3, "seeker": seeker}, "headcount"),
        ({"day": date(2026, 3, 2), "headcount": -1}, "headcount"),
        ({"day": date(2026, 3, 2), "seeker": seeker}, "seeker"),
    ]
    for kwargs, field in bad_attendance:
        with pytest.raises(ValidationError) as error:
            campaign_attendance_record(actor=officer, campaign=campaign, **kwargs)  # type: ignore[arg-type]
        assert field in error.value.message_dict, kwargs
    other = spring_breeze_make(officer, nanning_market)
    employer = applicant_organisation_register(
        actor=officer, name="邕江餐饮", credit_code=CREDIT_CODE
    )
    elsewhere = campaign_employer_add(actor=officer, campaign=other, employer=employer)
    for kwargs, field in [
        ({"intentions": -1, "hired": 0}, "intentions"),
        ({"intentions": 1, "hired": True}, "hired"),
        ({"intentions": 1, "hired": 0, "employer": elsewhere}, "employer"),
    ]:
        with pytest.raises(ValidationError) as error:
            campaign_outcome_record(actor=officer, campaign=campaign, **kwargs)  # type: ignore[arg-type]
        assert field in error.value.message_dict, kwargs
    assert campaign_totals(campaign=campaign)["intentions"] == 0
