"""Reference numbers: ``<region code>-<year>-<6-digit sequence>``, one sequence per market and
year (the year as the market's clock shows it), gap-free under concurrent intake."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest
import time_machine
from case_support import market_make, staff_make
from conftest import SHANGHAI, MarketFactory, applicant_make, case_make
from django.db import connection

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Case, ReferenceSequence
from markets.models import Market, Region, Role


@pytest.mark.django_db
def test_references_count_per_market_and_restart_in_a_new_year(
    officer: User, nanning_market: Market, guangxi: Region, frozen_time: time_machine.Traveller
) -> None:
    liuzhou_market = market_make("450200", "柳州市")
    liuzhou_officer = staff_make("liuzhou_officer", Role.OFFICER, liuzhou_market)
    applicant = applicant_make(officer)

    first = case_make(officer, applicant=applicant)
    second = case_make(officer, applicant=applicant)
    elsewhere = case_make(liuzhou_officer, applicant=applicant)
    third = case_make(officer, applicant=applicant)
    assert [first.reference, second.reference, third.reference] == [
        "450100-2026-000001",
        "450100-2026-000002",
        "450100-2026-000003",
    ]
    assert elsewhere.reference == "450200-2026-000001"
    assert elsewhere.market == liuzhou_market

    # The last second of the year in Shanghai, then the first: at 00:00:01 on 1 January in
    # Shanghai it is still 31 December in UTC, and the new year's sequence starts all the same.
    frozen_time.move_to(datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI))
    assert case_make(officer, applicant=applicant).reference == "450100-2026-000004"
    frozen_time.move_to(datetime(2027, 1, 1, 0, 0, 1, tzinfo=SHANGHAI))
    new_year = case_make(officer, applicant=applicant)
    assert new_year.reference == "450100-2027-000001"
    assert case_make(liuzhou_officer, applicant=applicant).reference == "450200-2027-000001"

    counters = ReferenceSequence.objects.values_list("prefix", "year", "last")
    assert sorted(counters) == [
        ("450100", 2026, 4),
        ("450100", 2027, 1),
        ("450200", 2026, 1),
        ("450200", 2027, 1),
    ]
    # Each opened case says which number it was given.
    opened = AuditEvent.objects.get(action="case.opened", target_id=str(new_year.pk))
    assert opened.new_values["reference"] == "450100-2027-000001"


INTAKE_THREADS = 2
INTAKES_EACH = 10


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs row locks (SELECT … FOR UPDATE) and real concurrent connections: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_intake_on_one_market_gives_distinct_gap_free_numbers(
    nanning_market: Market,
) -> None:
    officers = [
        staff_make(f"intake{n}", Role.OFFICER, nanning_market) for n in range(INTAKE_THREADS)
    ]
    applicant = applicant_make(officers[0])
    start = threading.Barrier(INTAKE_THREADS)
    errors: list[BaseException] = []

    def intake(actor: User) -> None:
        try:
            start.wait(timeout=30)
            for _n in range(INTAKES_EACH):
                case_make(actor, applicant=applicant, market=nanning_market)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=intake, args=(actor,)) for actor in officers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    total = INTAKE_THREADS * INTAKES_EACH
    references = sorted(Case.objects.values_list("reference", flat=True))
    year = references[0].split("-")[1]
    assert references == [f"450100-{year}-{n:06d}" for n in range(1, total + 1)]
    assert ReferenceSequence.objects.get(prefix="450100").last == total
    assert AuditEvent.objects.filter(action="case.opened").count() == total


@pytest.mark.django_db
def test_two_markets_sharing_a_division_code_never_share_a_reference(
    officer: User, nanning_market: Market
) -> None:
    second = MarketFactory.create(region=nanning_market.region, name="南宁市第二零工市场")
    other = staff_make("second_officer", Role.OFFICER, second)

    first = case_make(officer)
    then = case_make(other, market=second)

    assert first.reference.rsplit("-", 1)[1] == "000001"
    assert then.reference.rsplit("-", 1)[1] == "000002"
