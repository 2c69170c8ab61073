"""Postings and employers for the public pages' tests, written directly (set-up only: no review
case, no events, no history), so that these tests do not depend on the intake rules."""

from __future__ import annotations

import re
from datetime import time, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

from conftest import ID_NUMBERS
from django.utils import timezone

from cases.models import Applicant
from markets.models import Market, Region
from workflows.postings.models import Occupation, PayMethod, Posting, Status

# The employer's contact details: never on a public page.
CONTACT_NAME = "黄联系"
CONTACT_PHONE = "13766554433"
# A person who employs (个人雇主): never named on a public page.
PERSON_EMPLOYER_NAME = "覃雇主"
PERSON_EMPLOYER_MOBILE = "13912345678"
ORGANISATION_NAME = "南宁市青秀区好帮手物业服务有限公司"
ORGANISATION_MOBILE = "13677889900"

_serial = count(1)


def county(code: str = "450103", name: str = "青秀区") -> Region:
    region, _created = Region.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "level": Region.Level.COUNTY,
            "parent": Region.objects.filter(code=code[:4] + "00").first(),
        },
    )
    return region


def occupation(code: str) -> Occupation:
    """One of the occupations the postings migration seeds (4-03-02-05 餐厅服务员 …)."""
    return Occupation.objects.get(code=code)


def organisation_employer() -> Applicant:
    return Applicant.objects.create(
        kind=Applicant.Kind.ORGANISATION,
        name=ORGANISATION_NAME,
        credit_code="91450103MA5L000001",
        mobile=ORGANISATION_MOBILE,
        mobile_masked="136****9900",
    )


def person_employer() -> Applicant:
    return Applicant.objects.create(
        kind=Applicant.Kind.PERSON,
        name=PERSON_EMPLOYER_NAME,
        id_number=ID_NUMBERS[1],
        id_number_masked="450103********0028",
        mobile=PERSON_EMPLOYER_MOBILE,
        mobile_masked="139****5678",
    )


def posting_fields(*, market: Market, employer: Applicant, **overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    fields: dict[str, Any] = {
        "employer": employer,
        "contact_name": CONTACT_NAME,
        "contact_phone": CONTACT_PHONE,
        "occupation": occupation("4-03-02-05"),
        "skill_requirements": "能吃苦耐劳，会简单普通话",
        "county": county(),
        "address": "民族大道 88 号",
        "start_date": today,
        "end_date": today + timedelta(days=30),
        "working_days": "周一至周五",
        "days_per_week": 5,
        "start_time": time(9, 0),
        "end_time": time(17, 0),
        "break_minutes": 60,
        "pay_min": Decimal("150.00"),
        "pay_max": Decimal("180.00"),
        "pay_method": PayMethod.DAILY,
        "settlement": "daily",
        "headcount": 3,
        "employment_form": "temporary",
        "status": Status.PUBLISHED,
        "market": market,
        "published_at": timezone.now() - timedelta(seconds=next(_serial)),
    }
    fields.update(overrides)
    return fields


def posting_make(*, market: Market, employer: Applicant, **overrides: Any) -> Posting:
    posting = Posting(**posting_fields(market=market, employer=employer, **overrides))
    posting.save_without_historical_record()
    return posting


def postings_bulk(n: int, *, market: Market, employer: Applicant, **overrides: Any) -> None:
    Posting.objects.bulk_create(
        Posting(**posting_fields(market=market, employer=employer, **overrides)) for _ in range(n)
    )


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def html(response: Any) -> str:
    """The page as text, without the CSRF token (random letters and digits)."""
    return _CSRF.sub("", response.content.decode())
