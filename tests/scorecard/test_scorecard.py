"""The monthly scorecard against hand-computed figures: each automatic item from the records
of February 2026 (16 working days: the Spring Festival holiday 16–23 February, make-up days
14 and 28 February), the facility items from the latest inspection, "no data" where there is
nothing to measure, and the roll-up by city and province."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from conftest import SHANGHAI, MarketFactory, applicant_make, case_make
from scorecard_support import breach, checklist_all, clock, posting, rating, sign_offs

from noticeboard.models import StaffTraining
from scorecard.selectors import (
    MonthRefused,
    scorecard_for_markets,
    scorecard_rollup,
)
from scorecard.statistics_hook import monthly_statistics_published_on_time
from sla.models import Target
from stats.models import MonthlySnapshot, Scope
from workflows.inspections.services import inspection_record

pytestmark = pytest.mark.usefixtures("frozen_time")
FEBRUARY = (2026, 2)


def snapshot(market, year, month, *, published, revision=1):
    return MonthlySnapshot.objects.create(
        scope=Scope.MARKET,
        scope_key=f"market:{market.pk}",
        market=market,
        year=year,
        month=month,
        revision=revision,
        revision_reason="" if revision == 1 else "更正",
        figures={},
        published_at=published,
    )


def _items(card) -> dict[str, tuple[Decimal | None, bool | None]]:
    return {item.spec.code: (item.value, item.passed) for item in card.items}


@pytest.fixture
def liuzhou_market(liuzhou):
    return MarketFactory.create(region=liuzhou, name="柳州市零工市场")


@pytest.fixture
def february(officer, team_lead, inspector, nanning_market, liuzhou_market):
    """Nanning's February, and one record of each kind just outside it."""
    m = nanning_market
    # Acceptance: 3 met and 1 missed in February; one met in January is not counted.
    for day in (date(2026, 2, 2), date(2026, 2, 3), date(2026, 2, 4)):
        clock(m, Target.ACCEPTANCE, due=day, stopped=day, met=True)
    clock(m, Target.ACCEPTANCE, due=date(2026, 2, 5), stopped=date(2026, 2, 6), met=False)
    clock(m, Target.ACCEPTANCE, due=date(2026, 1, 30), stopped=date(2026, 1, 30), met=True)
    # Completion: 1 met; 1 still running, due 12 February (missed); 1 running due in March.
    clock(m, Target.COMPLETION, due=date(2026, 2, 10), stopped=date(2026, 2, 9), met=True)
    clock(m, Target.COMPLETION, due=date(2026, 2, 12))
    clock(m, Target.COMPLETION, due=date(2026, 3, 10))
    # Single-notice breaches: one in February, one in March.
    case = case_make(officer)
    breach(case, officer, team_lead, date(2026, 2, 10))
    breach(case, officer, team_lead, date(2026, 3, 2))
    # The ledger: 12 of the 16 working days signed off (and a Sunday, and one in January).
    working = [date(2026, 2, d) for d in (2, 3, 4, 5, 6, 9, 10, 11, 12, 13, 14, 24)]
    sign_offs(m, team_lead, [*working, date(2026, 2, 1), date(2026, 1, 30)])
    # Postings published in February: clean (public welfare), justified, unjustified.
    employer = applicant_make(officer, name="某物流公司")
    posting(m, employer, date(2026, 2, 3), is_public_welfare=True)
    findings = [{"severity": "warn", "category": "age", "phrase": "35岁以下"}]
    posting(
        m, employer, date(2026, 2, 4), screening_findings=findings,
        screening_justification="岗位需搬运重物，经负责人同意",
    )  # fmt: skip
    posting(m, employer, date(2026, 2, 5), screening_findings=findings)
    posting(m, employer, date(2026, 3, 1))  # March: not counted
    # Staff: the officer trained in January, the team lead not at all: 1 of 2.
    StaffTraining.objects.create(
        user=officer, market=m, title="政策培训", provider="人社局", date=date(2026, 1, 20),
        hours=Decimal(4), recorded_by=team_lead,
    )  # fmt: skip
    # Ratings in February: 3 satisfied or better, 1 dissatisfied: 75.0 %.
    for level in ("very_satisfied", "satisfied", "basically_satisfied", "dissatisfied"):
        rating(case_make(officer), level, date(2026, 2, 20))
    # Inspections: an older one (all passed), the latest one in February with a failure.
    inspection_record(
        actor=inspector, market=m, visited_on=date(2026, 1, 15), items=checklist_all()
    )
    inspection_record(
        actor=inspector,
        market=m,
        visited_on=date(2026, 2, 25),
        items=checklist_all(accessibility="fail", signs="n/a"),
    )
    # January's statistics, due on the first working day of February (Monday 2 February),
    # published that morning; Liuzhou's never.
    snapshot(m, 2026, 1, published=datetime(2026, 2, 2, 9, 0, tzinfo=SHANGHAI))
    # After the month: not read for February.
    inspection_record(
        actor=inspector, market=m, visited_on=date(2026, 3, 1), items=checklist_all(area="fail")
    )
    return m


def test_each_item_of_a_markets_month_matches_the_hand_computed_figure(february):
    [card] = scorecard_for_markets(markets=[february], year=2026, month=2)
    items = _items(card)
    assert items["on_time_acceptance"] == (Decimal("75.0"), False)
    assert items["on_time_completion"] == (Decimal("50.0"), False)
    assert items["single_notice_breaches"] == (Decimal(1), False)
    assert items["ledger_signed_off"] == (Decimal("75.0"), False)
    assert items["statistics_published"] == (Decimal(1), True)
    assert items["postings_lawful"] == (Decimal("66.7"), False)
    assert items["welfare_jobs_posted"] == (Decimal(1), True)
    assert items["staff_trained"] == (Decimal("50.0"), False)
    assert items["satisfaction"] == (Decimal("75.0"), False)
    assert items["facility_area"] == (Decimal(1), True)
    assert items["facility_accessibility"] == (Decimal(0), False)
    assert items["facility_signs"] == (None, None)  # not applicable
    shares = {item.spec.code: (item.numerator, item.denominator) for item in card.items}
    assert shares["ledger_signed_off"] == (12, 16)
    assert shares["on_time_completion"] == (1, 2)


def test_a_market_with_nothing_recorded_has_no_data_not_zero(february, liuzhou_market):
    [card] = scorecard_for_markets(markets=[liuzhou_market], year=2026, month=2)
    items = _items(card)
    for code in (
        "on_time_acceptance",
        "on_time_completion",
        "postings_lawful",
        "staff_trained",
        "satisfaction",
        "facility_area",
    ):
        assert items[code] == (None, None), code
    # The daily task publishes every market's month, figures or none: missing is a failure.
    assert items["statistics_published"] == (Decimal(0), False)
    # Counts have a value of their own: no breach is a pass, no welfare job a failure.
    assert items["single_notice_breaches"] == (Decimal(0), True)
    assert items["welfare_jobs_posted"] == (Decimal(0), False)
    # Nothing signed off in 16 working days.
    assert items["ledger_signed_off"] == (Decimal("0.0"), False)


def test_the_current_month_counts_the_ledger_up_to_yesterday_only(february):
    # Monday 2 March 2026: nothing of March is due for signing yet (1 March is a Sunday).
    [card] = scorecard_for_markets(markets=[february], year=2026, month=3)
    items = _items(card)
    assert items["ledger_signed_off"] == (None, None)
    assert items["facility_area"] == (Decimal(0), False)  # the inspection of 1 March


def test_a_month_to_come_is_refused(nanning_market):
    with pytest.raises(MonthRefused):
        scorecard_for_markets(markets=[nanning_market], year=2026, month=4)


def test_the_rollup_counts_markets_passing_failing_and_without_data_per_city_and_province(
    february, liuzhou_market
):
    cards = scorecard_for_markets(markets=[february, liuzhou_market], year=2026, month=2)
    cities, province = scorecard_rollup(cards=cards)
    assert [(c.code, c.name, c.markets) for c in cities] == [
        ("450100", "南宁市", 1),
        ("450200", "柳州市", 1),
    ]
    assert province.markets == 2

    def line(rollup, code):
        found = next(item for item in rollup.items if item.spec.code == code)
        return (found.passed, found.failed, found.no_data)

    assert line(province, "welfare_jobs_posted") == (1, 1, 0)
    assert line(province, "satisfaction") == (0, 1, 1)
    assert line(province, "statistics_published") == (1, 1, 0)
    assert line(cities[0], "facility_accessibility") == (0, 1, 0)
    assert line(cities[1], "facility_accessibility") == (0, 0, 1)


def test_the_scorecard_costs_the_same_queries_for_one_market_or_many(
    february, liuzhou_market, django_assert_max_num_queries, guangxi
):
    more = [
        MarketFactory.create(region=liuzhou_market.region, name=f"柳州市第{n}零工市场")
        for n in range(5)
    ]
    with django_assert_max_num_queries(12):
        scorecard_for_markets(markets=[february], year=2026, month=2)
    with django_assert_max_num_queries(12):
        scorecard_for_markets(markets=[february, liuzhou_market, *more], year=2026, month=2)


def test_statistics_on_time_late_missing_and_not_due_yet(
    nanning_market, liuzhou_market, frozen_time
):
    """Today is Monday 2 March 2026: February's figures are due today, January's were due on
    Monday 2 February."""
    late = MarketFactory.create(region=nanning_market.region, name="兴宁区零工市场")
    on_time = datetime(2026, 2, 2, 23, 59, tzinfo=SHANGHAI)
    snapshot(nanning_market, 2026, 1, published=on_time)
    snapshot(late, 2026, 1, published=datetime(2026, 2, 3, 0, 1, tzinfo=SHANGHAI))
    # A correction later on changes nothing: the first revision was on time.
    snapshot(nanning_market, 2026, 1, published=datetime(2026, 2, 20, tzinfo=SHANGHAI), revision=2)
    ids = [nanning_market.pk, late.pk, liuzhou_market.pk]

    february = monthly_statistics_published_on_time(market_ids=ids, year=2026, month=2)
    march = monthly_statistics_published_on_time(market_ids=ids, year=2026, month=3)

    assert february == {nanning_market.pk: True, late.pk: False, liuzhou_market.pk: False}
    assert march == dict.fromkeys(ids)  # due today: not late yet
    frozen_time.move_to(datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI))
    assert monthly_statistics_published_on_time(market_ids=ids, year=2026, month=3) == (
        dict.fromkeys(ids, False)
    )
