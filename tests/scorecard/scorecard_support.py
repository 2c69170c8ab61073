"""Records of a month for the scorecard tests, written straight into the tables the scorecard
reads (the services that write them have their own tests)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from conftest import SHANGHAI

from accounts.models import User
from audit.models import LedgerSignOff
from cases.models import Applicant, Case, NoticeItem, SingleNotice, SingleNoticeBreach
from markets.models import Market, Region
from sla.models import Deadline, Policy
from workflows.postings.models import Occupation, PayMethod, Posting, Status
from workflows.ratings.models import Rating


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def clock(
    market: Market,
    target: str,
    *,
    due: date,
    stopped: date | None = None,
    met: bool | None = None,
) -> Deadline:
    policy = Policy.objects.filter(target=target).first()
    assert policy is not None
    return Deadline.objects.create(
        subject_type="case",
        subject_id=Deadline.objects.count() + 1000,
        market=market,
        kind="policy_consultation",
        target=target,
        policy=policy,
        started_at=at(due) - timedelta(days=3),
        due_at=at(due, 17),
        warn_at=at(due, 9),
        escalate_at=at(due, 18),
        stopped_at=at(stopped) if stopped else None,
        met=met,
    )


def breach(case: Case, officer: User, lead: User, on: date) -> SingleNoticeBreach:
    notice = SingleNotice.objects.create(
        case=case,
        issued_by=officer,
        legal_basis="-",
        time_limit_days=5,
        where_to_submit="-",
        how_to_complain="-",
        sms_text="-",
    )
    item = NoticeItem.objects.create(
        notice=notice, name="居住证", reason="-", format="原件", added_later=True
    )
    return SingleNoticeBreach.objects.create(
        notice=notice,
        item=item,
        officer=officer,
        market=case.market,
        approved_by=lead,
        reason="-",
        recorded_at=at(on),
    )


def sign_offs(market: Market, lead: User, days: list[date]) -> None:
    LedgerSignOff.objects.bulk_create(
        LedgerSignOff(market=market, day=day, signed_by=lead) for day in days
    )


def posting(market: Market, employer: Applicant, published: date, **overrides: Any) -> Posting:
    county, _ = Region.objects.get_or_create(
        code="450103",
        defaults={"name": "青秀区", "level": Region.Level.COUNTY},
    )
    fields: dict[str, Any] = {
        "employer": employer,
        "contact_name": "李经理",
        "contact_phone": "13800138000",
        "occupation": Occupation.objects.get(code="4-03-02-05"),
        "skill_requirements": "能吃苦耐劳",
        "county": county,
        "address": "民族大道 88 号",
        "start_date": published,
        "end_date": published + timedelta(days=30),
        "working_days": "周一至周五",
        "days_per_week": 5,
        "start_time": time(9, 0),
        "end_time": time(17, 0),
        "pay_min": Decimal("150.00"),
        "pay_max": Decimal("180.00"),
        "pay_method": PayMethod.DAILY,
        "settlement": "daily",
        "headcount": 3,
        "employment_form": "temporary",
        "status": Status.PUBLISHED,
        "market": market,
        "published_at": at(published),
    }
    fields.update(overrides)
    row = Posting(**fields)
    row.save_without_historical_record()
    return row


def rating(case: Case, level: str, on: date) -> Rating:
    return Rating.objects.create(
        case=case, level=level, channel="kiosk", kind=case.kind, market=case.market, rated_at=at(on)
    )


def checklist_all(**results: str) -> dict[str, Any]:
    """The whole checklist passed, but the items given (``code="fail"``, ``"n/a"``)."""
    from workflows.inspections.checklist import FACILITY_CODES
    from workflows.inspections.services import ItemGiven

    return {
        code: ItemGiven(
            result=results.get(code, "pass"), note="见照片" if results.get(code) else ""
        )
        for code in FACILITY_CODES
    }
