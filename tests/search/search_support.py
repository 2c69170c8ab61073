"""Records the search tests look for: in Nanning, a person with two cases, an employer with a
posting; in Liuzhou, a person of the same name whom Nanning's staff may not see."""

from __future__ import annotations

from dataclasses import dataclass

from conftest import (
    ID_NUMBERS,
    TOTP_KEYS,
    MarketFactory,
    UserFactory,
    add_totp_device,
    case_make,
)
from counter_support import CREDIT_CODE, posting_make, qingxiu_make

from accounts.models import User
from cases.models import Applicant, Case
from cases.services import applicant_person_register
from markets.models import Market, Membership, Region, Role
from workflows.postings.models import Posting

PERSON = "韦小宝"
PERSON_MOBILE = "13800138000"
CONTACT_MOBILE = "13977110022"  # given for the second case only
EMPLOYER = "南宁市邕江餐饮有限公司"
STRANGER_ID = ID_NUMBERS[1]


@dataclass
class World:
    person: Applicant
    first: Case
    second: Case
    employer: Applicant
    posting: Posting
    stranger: Applicant
    stranger_case: Case
    liuzhou_market: Market


def world_make(officer: User, liuzhou_officer: User, nanning_market: Market) -> World:
    qingxiu_make()
    person = applicant_person_register(
        actor=officer, name=PERSON, id_number=ID_NUMBERS[0], mobile=PERSON_MOBILE
    )
    first = case_make(officer, applicant=person)
    second = case_make(officer, applicant=person, contact_mobile=CONTACT_MOBILE)
    posting = posting_make(officer, nanning_market)
    liuzhou_market = Market.objects.get(region__code="450200")
    stranger = applicant_person_register(
        actor=liuzhou_officer, name=PERSON, id_number=STRANGER_ID, mobile="13600009999"
    )
    stranger_case = case_make(liuzhou_officer, applicant=stranger, market=liuzhou_market)
    return World(
        person=person,
        first=first,
        second=second,
        employer=Applicant.objects.get(credit_code=CREDIT_CODE),
        posting=posting,
        stranger=stranger,
        stranger_case=stranger_case,
        liuzhou_market=liuzhou_market,
    )


def liuzhou_officer_make(liuzhou: Region) -> User:
    """An officer of Liuzhou's market, with a confirmed authenticator."""
    market = MarketFactory.create(region=liuzhou, name="柳州市零工市场")
    user = UserFactory.create(username="liuzhou_officer")
    Membership.objects.create(user=user, role=Role.OFFICER, market=market)
    add_totp_device(user, TOTP_KEYS[Role.OFFICER])
    return user
