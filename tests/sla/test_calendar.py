"""The working-day calendar: pure functions, no database.

The statutory facts are those of the State Council's 2026 schedule as shipped by
``chinesecalendar`` 1.11.0, which knows 2004–2026. 2027 and later are unknown to it, so days
there are estimated unless administrators enter them.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from chinese_calendar import constants

from sla.calendar import (
    SHANGHAI,
    DayStatus,
    OpeningHours,
    Overrides,
    WorkingDate,
    WorkingInstant,
    add_working_days,
    add_working_time,
    day_status,
    end_of_working_day,
    is_working_day,
    working_time_between,
    years_estimated,
)

# A year the package has no data for (checked below, so the tests notice a package upgrade).
UNKNOWN_YEAR = 2030
# Counter hours with a long lunch break, as many markets keep them.
COUNTER = OpeningHours(
    opens_at=time(9, 0),
    closes_at=time(17, 30),
    lunch_starts_at=time(12, 0),
    lunch_ends_at=time(14, 30),
)
NO_LUNCH = OpeningHours(opens_at=time(9, 0), closes_at=time(17, 0))


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


# --- The package's data -----------------------------------------------------------------------


def test_package_knows_2026_and_not_2027_nor_the_unknown_year() -> None:
    known_years = {d.year for d in constants.holidays} | {d.year for d in constants.workdays}
    assert 2026 in known_years
    assert 2027 not in known_years
    assert UNKNOWN_YEAR not in known_years
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2027, 1, 4))


# --- Statutory days ---------------------------------------------------------------------------


def test_make_up_saturday_before_spring_festival_is_a_working_day() -> None:
    assert date(2026, 2, 14).weekday() == 5
    assert day_status(date(2026, 2, 14)) == DayStatus(working=True, estimated=False)


def test_spring_festival_2026_is_nine_days_off() -> None:
    festival = days_between(date(2026, 2, 15), date(2026, 2, 23))
    assert len(festival) == 9
    for day in festival:
        assert day_status(day) == DayStatus(working=False, estimated=False), day
    assert is_working_day(date(2026, 2, 24))


def test_national_day_week_2026_is_off() -> None:
    for day in days_between(date(2026, 10, 1), date(2026, 10, 7)):
        assert not is_working_day(day), day


def test_make_up_sunday_of_new_year_2026_is_a_working_day() -> None:
    assert date(2026, 1, 4).weekday() == 6
    assert is_working_day(date(2026, 1, 4))
    assert not is_working_day(date(2026, 1, 2))  # a Friday, but New Year's holiday


def test_normal_saturday_and_sunday_are_not_working_days() -> None:
    assert day_status(date(2026, 3, 7)) == DayStatus(working=False, estimated=False)
    assert not is_working_day(date(2026, 3, 8))


def test_normal_weekday_is_a_working_day() -> None:
    assert day_status(date(2026, 3, 4)) == DayStatus(working=True, estimated=False)


def test_a_datetime_is_refused_where_a_day_is_expected() -> None:
    with pytest.raises(TypeError):
        day_status(at(2026, 3, 4, 23))


# --- Unknown years ----------------------------------------------------------------------------


def test_weekday_of_unknown_year_is_working_but_estimated() -> None:
    assert date(UNKNOWN_YEAR, 3, 4).weekday() == 0
    assert day_status(date(UNKNOWN_YEAR, 3, 4)) == DayStatus(working=True, estimated=True)


def test_weekend_of_unknown_year_is_off_but_estimated() -> None:
    assert day_status(date(UNKNOWN_YEAR, 3, 2)) == DayStatus(working=False, estimated=True)


def test_known_year_follows_weekdays_without_estimation() -> None:
    overrides = Overrides(known_years=frozenset({UNKNOWN_YEAR}))
    assert day_status(date(UNKNOWN_YEAR, 3, 4), overrides) == DayStatus(True, False)
    assert day_status(date(UNKNOWN_YEAR, 3, 2), overrides) == DayStatus(False, False)
    assert years_estimated(date(UNKNOWN_YEAR, 1, 1), date(UNKNOWN_YEAR, 12, 31), overrides) == set()


def test_known_year_holidays_come_from_its_day_overrides() -> None:
    overrides = Overrides(
        days={date(2027, 1, 1): False, date(2027, 2, 20): True},  # a Friday off, a Saturday on
        known_years=frozenset({2027}),
    )
    assert day_status(date(2027, 1, 1), overrides) == DayStatus(working=False, estimated=False)
    assert day_status(date(2027, 2, 20), overrides) == DayStatus(working=True, estimated=False)


def test_adding_working_days_into_an_unknown_year_is_estimated() -> None:
    # 2026-12-30 (Wed), 31 (Thu) are known; 2027-01-01 on is not.
    within = add_working_days(date(2026, 12, 30), 1)
    assert within == WorkingDate(day=date(2026, 12, 31), estimated=False)
    across = add_working_days(date(2026, 12, 30), 3)
    assert across == WorkingDate(day=date(2027, 1, 4), estimated=True)


def test_adding_working_days_across_the_year_is_not_estimated_once_the_year_is_known() -> None:
    overrides = Overrides(days={date(2027, 1, 1): False}, known_years=frozenset({2027}))
    result = add_working_days(date(2026, 12, 30), 3, overrides)
    assert result == WorkingDate(day=date(2027, 1, 5), estimated=False)


def test_years_estimated_lists_only_the_unknown_years_of_the_span() -> None:
    assert years_estimated(date(2026, 6, 1), date(2028, 2, 1)) == {2027, 2028}
    assert years_estimated(date(2026, 1, 1), date(2026, 12, 31)) == set()
    assert years_estimated(date(2027, 1, 1), date(2026, 1, 1)) == set()


def test_years_estimated_spares_a_year_whose_days_in_the_span_are_all_overridden() -> None:
    overrides = Overrides(days={date(2027, 1, 1): False, date(2027, 1, 2): False})
    assert years_estimated(date(2026, 12, 30), date(2027, 1, 2), overrides) == set()
    assert years_estimated(date(2026, 12, 30), date(2027, 1, 3), overrides) == {2027}


# --- Overrides --------------------------------------------------------------------------------


def test_override_closes_a_weekday_locally() -> None:
    closure = Overrides(days={date(2026, 3, 4): False})
    assert day_status(date(2026, 3, 4), closure) == DayStatus(working=False, estimated=False)
    assert add_working_days(date(2026, 3, 3), 1, closure).day == date(2026, 3, 5)


def test_override_opens_a_day_as_working() -> None:
    opened = Overrides(days={date(2026, 3, 7): True, date(2026, 10, 5): True})
    assert is_working_day(date(2026, 3, 7), opened)
    assert is_working_day(date(2026, 10, 5), opened)  # wins over the statutory holiday
    assert add_working_days(date(2026, 9, 30), 1, opened).day == date(2026, 10, 5)


def test_override_of_an_unknown_year_day_is_not_estimated() -> None:
    overrides = Overrides(days={date(UNKNOWN_YEAR, 3, 4): False})
    assert day_status(date(UNKNOWN_YEAR, 3, 4), overrides) == DayStatus(False, False)


def test_overrides_copy_their_days() -> None:
    days = {date(2026, 3, 4): False}
    overrides = Overrides(days=days)
    days[date(2026, 3, 4)] = True
    assert not is_working_day(date(2026, 3, 4), overrides)


def test_overrides_refuse_a_datetime_key() -> None:
    with pytest.raises(TypeError):
        Overrides(days={at(2026, 3, 4): False})


# --- Adding working days ----------------------------------------------------------------------


def test_three_working_days_after_national_day_eve_is_the_make_up_saturday() -> None:
    # 2026-10-08 (Thu), 09 (Fri), 10 (make-up Saturday).
    assert add_working_days(date(2026, 9, 30), 3) == WorkingDate(date(2026, 10, 10), False)


def test_one_working_day_after_the_friday_before_spring_festival_is_the_make_up_saturday() -> None:
    assert add_working_days(date(2026, 2, 13), 1) == WorkingDate(date(2026, 2, 14), False)
    assert add_working_days(date(2026, 2, 13), 2) == WorkingDate(date(2026, 2, 24), False)


def test_working_days_skip_a_normal_weekend() -> None:
    assert add_working_days(date(2026, 3, 6), 1).day == date(2026, 3, 9)
    assert add_working_days(date(2026, 3, 7), 1).day == date(2026, 3, 9)


def test_zero_working_days_is_the_day_itself_or_the_next_working_day() -> None:
    assert add_working_days(date(2026, 3, 4), 0) == WorkingDate(date(2026, 3, 4), False)
    assert add_working_days(date(2026, 10, 1), 0) == WorkingDate(date(2026, 10, 8), False)
    assert add_working_days(date(UNKNOWN_YEAR, 3, 2), 0) == WorkingDate(
        date(UNKNOWN_YEAR, 3, 4), True
    )


def test_negative_working_days_are_refused() -> None:
    with pytest.raises(ValueError, match="n must"):
        add_working_days(date(2026, 3, 4), -1)


# --- Opening hours ----------------------------------------------------------------------------


def test_opening_hours_periods() -> None:
    assert COUNTER.periods == ((time(9), time(12)), (time(14, 30), time(17, 30)))
    assert NO_LUNCH.periods == ((time(9), time(17)),)


@pytest.mark.parametrize(
    ("opens", "closes", "lunch_starts", "lunch_ends"),
    [
        (time(17), time(9), None, None),
        (time(9), time(9), None, None),
        (time(9), time(17), time(12), None),
        (time(9), time(17), None, time(13)),
        (time(9), time(17), time(13), time(12)),
        (time(9), time(17), time(8), time(10)),
        (time(9), time(17), time(16), time(18)),
        (time(9, tzinfo=UTC), time(17), None, None),
    ],
)
def test_opening_hours_out_of_order_or_half_a_lunch_are_refused(
    opens: time, closes: time, lunch_starts: time | None, lunch_ends: time | None
) -> None:
    with pytest.raises(ValueError):
        OpeningHours(opens, closes, lunch_starts, lunch_ends)


# --- Working time between two instants --------------------------------------------------------


def test_working_time_across_lunch_excludes_the_break() -> None:
    assert working_time_between(at(2026, 3, 4, 11), at(2026, 3, 4, 15), COUNTER) == timedelta(
        hours=1, minutes=30
    )


def test_working_time_across_a_night_counts_only_opening_hours() -> None:
    # Wed 16:00 → Thu 10:00: 1.5 h on Wednesday, 1 h on Thursday.
    assert working_time_between(at(2026, 3, 4, 16), at(2026, 3, 5, 10), COUNTER) == timedelta(
        hours=2, minutes=30
    )


def test_working_time_across_a_weekend_skips_it() -> None:
    # Fri 2026-03-06 16:00 → Mon 03-09 10:00.
    assert working_time_between(at(2026, 3, 6, 16), at(2026, 3, 9, 10), NO_LUNCH) == timedelta(
        hours=2
    )


def test_working_time_across_a_holiday_skips_it_and_counts_the_make_up_day() -> None:
    # Wed 2026-09-30 16:00 → Mon 10-12 10:00: 1 h + 08, 09, 10 (make-up Sat) 8 h each + 1 h.
    assert working_time_between(at(2026, 9, 30, 16), at(2026, 10, 12, 10), NO_LUNCH) == timedelta(
        hours=26
    )


def test_working_time_of_a_whole_day_and_outside_hours() -> None:
    day_start, day_end = at(2026, 3, 4), at(2026, 3, 5)
    assert working_time_between(day_start, day_end, COUNTER) == timedelta(hours=6)
    assert working_time_between(at(2026, 3, 4, 18), at(2026, 3, 5, 8), COUNTER) == timedelta(0)
    assert working_time_between(at(2026, 3, 4, 12), at(2026, 3, 4, 14), COUNTER) == timedelta(0)


def test_working_time_is_zero_when_end_is_not_after_start() -> None:
    assert working_time_between(at(2026, 3, 4, 15), at(2026, 3, 4, 11), COUNTER) == timedelta(0)
    assert working_time_between(at(2026, 3, 4, 11), at(2026, 3, 4, 11), COUNTER) == timedelta(0)


def test_working_time_reads_instants_in_shanghai_time() -> None:
    # 01:00 UTC is 09:00 in Shanghai; 07:00 UTC is 15:00.
    start = datetime(2026, 3, 4, 1, tzinfo=UTC)
    end = datetime(2026, 3, 4, 7, tzinfo=UTC)
    assert working_time_between(start, end, COUNTER) == timedelta(hours=3, minutes=30)


def test_naive_instants_are_refused() -> None:
    naive = datetime(2026, 3, 4, 11)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="aware"):
        working_time_between(naive, at(2026, 3, 4, 15), COUNTER)
    with pytest.raises(ValueError, match="aware"):
        add_working_time(naive, timedelta(hours=1), COUNTER)


# --- Adding working time ----------------------------------------------------------------------


def test_two_working_hours_from_eleven_skip_lunch() -> None:
    result = add_working_time(at(2026, 3, 4, 11), timedelta(hours=2), COUNTER)
    assert result == WorkingInstant(at=at(2026, 3, 4, 15, 30), estimated=False)


def test_working_time_running_out_at_lunch_ends_at_lunch() -> None:
    result = add_working_time(at(2026, 3, 4, 11), timedelta(hours=1), COUNTER)
    assert result.at == at(2026, 3, 4, 12)


def test_working_time_carries_over_to_the_next_working_day() -> None:
    # Fri 16:00 + 3 h: 1.5 h on Friday, then Monday 09:00 + 1.5 h.
    result = add_working_time(at(2026, 3, 6, 16), timedelta(hours=3), COUNTER)
    assert result == WorkingInstant(at=at(2026, 3, 9, 10, 30), estimated=False)


def test_working_time_skips_a_holiday_and_lands_on_the_make_up_day() -> None:
    # Wed 2026-09-30 16:00 + 17 h: 1 h, 08 Oct 8 h, 09 Oct 8 h → 17:00 on 09 Oct; one more hour
    # goes into Saturday 10 Oct, a make-up working day.
    assert add_working_time(at(2026, 9, 30, 16), timedelta(hours=17), NO_LUNCH).at == at(
        2026, 10, 9, 17
    )
    assert add_working_time(at(2026, 9, 30, 16), timedelta(hours=18), NO_LUNCH).at == at(
        2026, 10, 10, 10
    )


def test_working_time_from_outside_hours_starts_at_the_next_opening() -> None:
    assert add_working_time(at(2026, 3, 4, 7), timedelta(hours=1), COUNTER).at == at(2026, 3, 4, 10)
    assert add_working_time(at(2026, 3, 4, 13), timedelta(hours=1), COUNTER).at == at(
        2026, 3, 4, 15, 30
    )
    assert add_working_time(at(2026, 3, 7, 10), timedelta(hours=1), COUNTER).at == at(
        2026, 3, 9, 10
    )
    assert add_working_time(at(2026, 3, 4, 7), timedelta(0), COUNTER).at == at(2026, 3, 4, 9)
    # Opening periods are half-open: noon, when lunch starts, is already outside them.
    assert add_working_time(at(2026, 3, 4, 12), timedelta(0), COUNTER).at == at(2026, 3, 4, 14, 30)


def test_working_time_returns_shanghai_time_for_a_utc_start() -> None:
    result = add_working_time(datetime(2026, 3, 4, 3, tzinfo=UTC), timedelta(hours=2), COUNTER)
    assert result.at == at(2026, 3, 4, 15, 30)
    assert result.at.tzinfo == SHANGHAI


def test_working_time_and_its_addition_agree() -> None:
    start = at(2026, 2, 12, 10, 17)
    for hours in (1, 5, 13, 40):
        end = add_working_time(start, timedelta(hours=hours), COUNTER).at
        assert working_time_between(start, end, COUNTER) == timedelta(hours=hours)


def test_working_time_into_an_unknown_year_is_estimated() -> None:
    assert add_working_time(at(2026, 12, 31, 16), timedelta(hours=2), NO_LUNCH) == (
        WorkingInstant(at=at(2027, 1, 1, 10), estimated=True)
    )
    assert not add_working_time(at(2026, 12, 31, 9), timedelta(hours=2), NO_LUNCH).estimated


def test_negative_working_time_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_time(at(2026, 3, 4, 11), timedelta(minutes=-1), COUNTER)


# --- End of working day -----------------------------------------------------------------------


def test_end_of_a_working_day_is_its_closing_time() -> None:
    assert end_of_working_day(date(2026, 3, 4), COUNTER) == WorkingInstant(
        at=at(2026, 3, 4, 17, 30), estimated=False
    )


def test_end_of_working_day_on_a_holiday_is_the_next_working_days_closing() -> None:
    assert end_of_working_day(date(2026, 10, 3), COUNTER) == WorkingInstant(
        at=at(2026, 10, 8, 17, 30), estimated=False
    )


def test_end_of_working_day_on_a_local_closure_moves_on() -> None:
    closure = Overrides(days={date(2026, 3, 4): False})
    assert end_of_working_day(date(2026, 3, 4), NO_LUNCH, closure).at == at(2026, 3, 5, 17)


def test_end_of_working_day_in_an_unknown_year_is_estimated() -> None:
    result = end_of_working_day(date(UNKNOWN_YEAR, 3, 4), NO_LUNCH)
    assert result == WorkingInstant(at=at(UNKNOWN_YEAR, 3, 4, 17), estimated=True)


# --- No database ------------------------------------------------------------------------------


def test_tests_of_this_module_use_no_database(request: pytest.FixtureRequest) -> None:
    database_fixtures = {
        "db",
        "transactional_db",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
    mine = [item for item in request.session.items if item.path == request.path]
    assert len(mine) > 1
    for item in mine:
        assert item.get_closest_marker("django_db") is None, item.nodeid
        assert database_fixtures.isdisjoint(getattr(item, "fixturenames", ())), item.nodeid


def test_importing_the_calendar_loads_no_models_and_no_database_layer() -> None:
    probe = (
        "import sys\n"
        "from datetime import date\n"
        "import sla.calendar\n"
        "assert sla.calendar.is_working_day(date(2026, 2, 14))\n"
        "loaded = sorted(m for m in sys.modules\n"
        "    if m == 'django.db' or m.startswith('django.db.') or m.endswith('.models'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", probe],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == ""
