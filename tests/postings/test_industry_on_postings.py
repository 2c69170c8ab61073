"""Industries (GB/T 4754-2017 大类) on employers and postings: what the intake records, what
the data migration's inference fills (``industry_infer``) and what stays unknown (NULL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation
from posting_support import actions_since, audit_mark, employer_make, posting_data, qingxiu_make

from accounts.models import User
from cases.models import Applicant, Industry
from markets.models import Market
from workflows.postings.industry_inference import industry_infer, leading_industry
from workflows.postings.models import Posting
from workflows.postings.services import posting_intake

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _setting(frozen_time: time_machine.Traveller) -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture
def employer(officer: User, nanning_market: Market) -> Applicant:
    qingxiu_make()
    return employer_make(officer)


def intake(actor: User, market: Market, employer: Applicant, **overrides: object) -> Posting:
    return posting_intake(
        actor=actor,
        market=market,
        channel="online",
        employer=employer,
        data=posting_data(**overrides),
    )


def industry(code: str) -> Industry:
    return Industry.objects.get(code=code)


def test_a_posting_records_the_industry_given_and_an_unknown_employer_takes_it(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = intake(officer, nanning_market, employer, industry="62 餐饮业")

    employer.refresh_from_db()
    assert posting.industry == industry("62")
    assert employer.industry == industry("62")
    last = employer.history.order_by("-history_id").first()
    assert last is not None and last.industry_id == industry("62").pk
    assert last.history_user == officer


def test_a_posting_without_industry_takes_its_employers_and_a_known_employer_keeps_its_own(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    employer.industry = industry("61")
    employer.save()

    untold = intake(officer, nanning_market, employer)
    other = intake(officer, nanning_market, employer, industry="62")

    employer.refresh_from_db()
    assert untold.industry == industry("61")
    assert other.industry == industry("62")
    assert employer.industry == industry("61")


def test_neither_known_leaves_the_posting_unknown(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    posting = intake(officer, nanning_market, employer, industry="")

    assert posting.industry is None
    employer.refresh_from_db()
    assert employer.industry is None


@pytest.mark.parametrize("typed", ["99", "H", "餐饮", "6"])
def test_an_unknown_industry_code_is_refused_on_its_field_and_nothing_is_taken_in(
    officer: User, nanning_market: Market, employer: Applicant, typed: str
) -> None:
    mark = audit_mark()

    with pytest.raises(ValidationError) as caught:
        intake(officer, nanning_market, employer, industry=typed)

    assert list(caught.value.message_dict) == ["industry"]
    assert "GB/T 4754-2017" in caught.value.message_dict["industry"][0]
    assert not Posting.objects.exists()
    assert actions_since(mark) == []


def test_the_leading_industry_is_the_one_with_most_postings_and_a_tie_is_unknown() -> None:
    assert leading_industry({1: 2, 2: 1}) == 1
    assert leading_industry({1: 2, 2: 2, 3: 1}) is None
    assert leading_industry({}) is None
    assert leading_industry({7: 1}) == 7


def test_the_inference_fills_employers_from_most_postings_then_postings_from_employers(
    officer: User, nanning_market: Market, employer: Applicant
) -> None:
    tied = Applicant.objects.create(kind=Applicant.Kind.ORGANISATION, name="并列公司")
    known = Applicant.objects.create(
        kind=Applicant.Kind.ORGANISATION, name="建筑公司", industry=industry("47")
    )
    mostly_62 = [intake(officer, nanning_market, employer, industry=c) for c in ("62", "62", "61")]
    untold = intake(officer, nanning_market, employer)
    tie = [intake(officer, nanning_market, tied, industry=c) for c in ("62", "61")]
    of_known = intake(officer, nanning_market, known)
    # As before the migration: nothing of the employers known, the untold postings empty.
    Applicant.objects.filter(pk__in=[employer.pk, tied.pk]).update(industry=None)
    Posting.objects.filter(pk__in=[untold.pk, of_known.pk]).update(industry=None)

    inferred = industry_infer(applicant_model=Applicant, posting_model=Posting)

    assert (inferred.employers, inferred.postings) == (1, 2)
    employer.refresh_from_db()
    tied.refresh_from_db()
    assert employer.industry == industry("62")
    assert tied.industry is None
    by_pk = {p.pk: p.industry_id for p in Posting.objects.all()}
    assert by_pk[untold.pk] == industry("62").pk
    assert by_pk[of_known.pk] == industry("47").pk
    assert [by_pk[p.pk] for p in mostly_62] == [industry(c).pk for c in ("62", "62", "61")]
    assert [by_pk[p.pk] for p in tie] == [industry(c).pk for c in ("62", "61")]
    # Run again: nothing more to infer.
    again = industry_infer(applicant_model=Applicant, posting_model=Posting)
    assert (again.employers, again.postings) == (0, 0)
