"""Issue 9, item 3: an employer joins a campaign through one service
(``campaign_employer_take_in``) that finds or registers the organisation and adds it, in one
transaction. Called here without any view or request."""

from __future__ import annotations

import pytest
from campaigns_support import CREDIT_CODES, campaign_actions, spring_breeze_make
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import User
from cases.intake import NAME_CONFLICT, IntakeRefused
from cases.models import Applicant
from cases.services import applicant_organisation_register
from markets.models import Market
from workflows.campaigns.models import CampaignEmployer
from workflows.campaigns.services import campaign_employer_take_in

pytestmark = pytest.mark.django_db

NAME = "南宁市邕江餐饮有限公司"


def test_a_new_employer_is_registered_and_added(officer: User, nanning_market: Market) -> None:
    campaign = spring_breeze_make(officer, nanning_market)

    row = campaign_employer_take_in(
        actor=officer, campaign=campaign, name=NAME, credit_code=CREDIT_CODES[0], booth="A12"
    )

    employer = Applicant.objects.get()
    assert (employer.kind, employer.name) == (Applicant.Kind.ORGANISATION, NAME)
    assert (row.employer, row.booth) == (employer, "A12")
    assert campaign_actions() == ["campaign.created", "campaign.employer_added"]


def test_a_name_conflict_is_refused_with_the_name_on_record(
    officer: User, nanning_market: Market
) -> None:
    campaign = spring_breeze_make(officer, nanning_market)
    applicant_organisation_register(actor=officer, name=NAME, credit_code=CREDIT_CODES[0])

    with pytest.raises(IntakeRefused) as refused:
        campaign_employer_take_in(
            actor=officer, campaign=campaign, name="邕江餐饮", credit_code=CREDIT_CODES[0]
        )

    assert refused.value.registered_names == {"name": NAME}
    assert [item.code for item in refused.value.error_dict["name"]] == [NAME_CONFLICT]
    assert not CampaignEmployer.objects.exists()

    row = campaign_employer_take_in(
        actor=officer,
        campaign=campaign,
        name="邕江餐饮",
        credit_code=CREDIT_CODES[0],
        use_registered_name=True,
    )
    assert row.employer.name == NAME


def test_a_refused_addition_leaves_no_employer_behind(
    officer: User, nanning_market: Market
) -> None:
    campaign = spring_breeze_make(officer, nanning_market)

    # The organisation is registered first; then the booth is refused: all undone.
    with pytest.raises(ValidationError) as error:
        campaign_employer_take_in(
            actor=officer,
            campaign=campaign,
            name=NAME,
            credit_code=CREDIT_CODES[0],
            booth="x" * 500,
        )

    assert "booth" in error.value.message_dict
    assert not Applicant.objects.exists()


def test_someone_who_does_not_work_in_the_market_registers_nobody(
    officer: User, inspector: User, nanning_market: Market
) -> None:
    campaign = spring_breeze_make(officer, nanning_market)

    with pytest.raises(PermissionDenied):
        campaign_employer_take_in(
            actor=inspector, campaign=campaign, name=NAME, credit_code=CREDIT_CODES[0]
        )

    assert not Applicant.objects.exists()
