"""Records for the statistics tests, written straight to the database with exactly the fields
the figures read: postings with their pay, and job-seeker registrations (a person, their
profile and a ``seeker_registration`` case opened on a given day)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from accounts.models import User
from cases.models import Applicant, Case, Industry, State
from markets.models import Market, Region
from workflows.postings.models import Occupation, Posting, Status, hours_between
from workflows.postings.validation import pay_daily_of
from workflows.seekers.models import SeekerProfile

ZONE = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZONE)


def occupation(code: str, name: str = "") -> Occupation:
    found, _ = Occupation.objects.get_or_create(
        code=code, defaults={"name": name or code, "level": len(code.split("-"))}
    )
    return found


def employer(name: str = "南宁市好味餐饮有限公司") -> Applicant:
    return Applicant.objects.create(kind=Applicant.Kind.ORGANISATION, name=name)


def posting(
    market: Market,
    *,
    code: str = "4-03-02-01",
    headcount: int = 1,
    pay: str = "200",
    method: str = "daily",
    published: date | None = date(2026, 2, 20),
    ended: date | None = None,
    end_date: date = date(2026, 3, 31),
    industry: str | None = None,
    piece_daily_output: int | None = None,
    status: str = Status.PUBLISHED,
) -> Posting:
    """A posting of ``headcount`` people, 09:00–18:00 with an hour's break (8 hours a day),
    its lower pay ``pay`` by ``method``, normalised as the intake does (``pay_daily_of``)."""
    hours = hours_between(time(9), time(18), 60)
    return Posting.objects.create(
        employer=employer(),
        market=market,
        occupation=occupation(code),
        industry=Industry.objects.get(code=industry) if industry else None,
        county=Region.objects.get(code=market.region.code),
        contact_name="黄经理",
        contact_phone="13907710001",
        skill_requirements="有经验",
        address="民族大道 100 号",
        start_date=date(2026, 2, 20),
        end_date=end_date,
        working_days="周一至周五",
        days_per_week=5,
        start_time=time(9),
        end_time=time(18),
        break_minutes=60,
        pay_min=Decimal(pay),
        pay_max=Decimal(pay),
        pay_method=method,
        settlement="daily",
        pay_daily=pay_daily_of(Decimal(pay), method, hours),
        piece_daily_output=piece_daily_output,
        headcount=headcount,
        employment_form="temporary",
        status=status,
        published_at=at(published) if published else None,
        ended_at=at(ended) if ended else None,
    )


def person(
    *, gender: str = "male", born: date | None = date(1990, 3, 7), name: str = "韦小宝"
) -> Applicant:
    return Applicant.objects.create(
        kind=Applicant.Kind.PERSON, name=name, gender=gender, birth_date=born
    )


def seeker(
    market: Market,
    officer: User,
    *,
    registered: date,
    applicant: Applicant | None = None,
    wants: list[str] | None = None,
    household: str = "rural",
    difficulty: list[str] | None = None,
    withdrawn: bool = False,
    **person_fields: Any,
) -> Applicant:
    """A registration of ``applicant`` (a new person by default) in ``market`` on
    ``registered``; the profile is created the first time."""
    applicant = applicant or person(**person_fields)
    SeekerProfile.objects.get_or_create(
        applicant=applicant,
        defaults={
            "household_type": household,
            "wanted_occupations": wants or [],
            "difficulty_categories": difficulty or [],
        },
    )
    number = next(_numbers)
    Case.objects.create(
        reference=f"STATS-{number:06d}",
        kind="seeker_registration",
        market=market,
        channel="counter",
        applicant=applicant,
        subject="求职登记",
        first_contact_officer=officer,
        owner=officer,
        state=State.WITHDRAWN if withdrawn else State.CLOSED,
        opened_at=at(registered),
    )
    return applicant


def day(value: str) -> date:
    return date.fromisoformat(value)


def days(n: int) -> timedelta:
    return timedelta(days=n)
