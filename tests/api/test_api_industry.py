"""The API's posting writes take an optional industry (GB/T 4754-2017 大类 code): recorded when
known, unknown (NULL) when left out, a 400 problem on the field when the code is unknown."""

from __future__ import annotations

import pytest
from api_support import (
    assert_problem,
    bearer,
    client_make,
    post_json,
    qingxiu,  # noqa: F401
    token_for,
)
from counter_support import posting_form
from django.test import Client

from markets.models import Market, Region
from workflows.postings.models import Posting

pytestmark = pytest.mark.django_db

POSTINGS = "/api/v1/client/postings/"


def _new_posting(market: Market, **changes: object) -> dict[str, object]:
    form: dict[str, object] = dict(posting_form())
    employer = {
        "name": form.pop("employer_name"),
        "credit_code": form.pop("credit_code"),
        "id_number": form.pop("employer_id_number"),
        "mobile": form.pop("employer_mobile"),
    }
    form.pop("decision")
    return {**form, "market": market.pk, "employer": employer, **changes}


def _writer(market: Market) -> str:
    record, secret = client_make(scopes=("postings:read", "postings:write"), market=market)
    return token_for(record, secret)


def test_a_posting_through_the_api_records_its_industry(
    nanning_market: Market, qingxiu: Region
) -> None:
    response = post_json(
        Client(),
        POSTINGS,
        _new_posting(nanning_market, industry="62"),
        **bearer(_writer(nanning_market)),
    )

    assert response.status_code == 201, response.content
    posting = Posting.objects.get(pk=response.json()["id"])
    assert posting.industry is not None and posting.industry.code == "62"
    assert posting.employer.industry == posting.industry


def test_a_posting_through_the_api_without_industry_is_unknown(
    nanning_market: Market, qingxiu: Region
) -> None:
    response = post_json(
        Client(), POSTINGS, _new_posting(nanning_market), **bearer(_writer(nanning_market))
    )

    assert response.status_code == 201, response.content
    assert Posting.objects.get().industry is None


def test_an_unknown_industry_code_is_a_400_problem_on_the_field(
    nanning_market: Market, qingxiu: Region
) -> None:
    response = post_json(
        Client(),
        POSTINGS,
        _new_posting(nanning_market, industry="99"),
        **bearer(_writer(nanning_market)),
    )

    body = assert_problem(response, 400)
    assert "industry" in str(body["errors"])
    assert Posting.objects.count() == 0
