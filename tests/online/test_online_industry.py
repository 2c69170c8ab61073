"""The online posting form takes an optional industry (GB/T 4754-2017 大类, by its code)."""

from __future__ import annotations

import pytest
from counter_support import CREDIT_CODE, posting_form, qingxiu_make

from cases.models import Applicant
from markets.models import Market, Region
from online.services import online_employer_register, online_posting_submit
from portal.online.forms import PostingForm
from workflows.postings.models import Occupation

pytestmark = pytest.mark.django_db


@pytest.fixture
def employer(nanning_market: Market) -> Applicant:
    qingxiu_make()
    return online_employer_register(
        mobile="13911112222",
        market=nanning_market,
        name="南宁市邕江餐饮有限公司",
        credit_code=CREDIT_CODE,
    )


def _form(market: Market, **changes: str) -> PostingForm:
    skip = {"employer_name", "credit_code", "employer_id_number", "employer_mobile", "decision"}
    data = {k: v for k, v in posting_form().items() if k not in skip}
    data["occupation"] = str(Occupation.objects.get(code=data["occupation"]).pk)
    data["county"] = str(Region.objects.get(code="450103").pk)
    return PostingForm({**data, "market": str(market.pk), **changes})


def test_the_online_form_takes_an_industry_code_and_the_posting_records_it(
    employer: Applicant, nanning_market: Market
) -> None:
    form = _form(nanning_market, industry="62")

    assert form.is_valid(), form.errors
    posting = online_posting_submit(
        applicant=employer, market=nanning_market, data=form.posting_data()
    )

    assert posting.industry is not None and posting.industry.code == "62"


def test_the_online_form_leaves_industry_optional_and_refuses_an_unknown_code(
    employer: Applicant, nanning_market: Market
) -> None:
    assert _form(nanning_market).is_valid()
    refused = _form(nanning_market, industry="99")
    assert not refused.is_valid()
    assert list(refused.errors) == ["industry"]
