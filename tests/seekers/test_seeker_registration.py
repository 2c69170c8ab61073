"""Job-seeker registration (standard art. 16): one visit registers the person, creates or
updates their one profile, and leaves a registration case, closed when complete, and an event;
gender and age come from the ID number; the ID number is never stored in clear."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import translation
from seekers_support import (
    KIND,
    MAN_1990,
    WOMAN_1985,
    full_profile,
    liuzhou_officer_make,
    regions_make,
    seeker_events,
    seeker_make,
)

from accounts.models import User
from audit.models import AuditEvent
from cases.kinds import kind_get
from cases.models import Applicant, Case, State
from markets.models import Market, Region
from sla.models import Deadline, Policy
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_register

pytestmark = pytest.mark.django_db

FULL_WIDTH = "４５０１０２ １９９００３０７ １２３８"
SPACED = "450102 19900307 1238"


@pytest.fixture(autouse=True)
def regions(db: None) -> dict[str, Region]:
    return regions_make()


def registration_cases() -> list[Case]:
    return list(Case.objects.filter(kind=KIND).order_by("pk"))


def test_the_kind_and_its_same_day_policies_are_registered() -> None:
    kind = kind_get(KIND)
    assert kind is not None
    with translation.override("en"):
        assert str(kind.label) == "Job-seeker registration"
    policies = {p.target: p.unit for p in Policy.objects.filter(kind=KIND, market=None)}
    assert policies == {"acceptance": "same_day", "completion": "same_day"}


def test_registration_creates_applicant_profile_closed_case_and_event(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    seeker = seeker_make(officer, nanning_market)

    applicant = Applicant.objects.get()
    assert seeker.applicant == applicant
    assert (applicant.name, applicant.id_number_masked) == ("韦小宝", "450102********1238")
    stored = SeekerProfile.objects.get()
    assert stored.household_type == "rural"
    assert stored.home_county is not None
    assert stored.home_county.code == "450102"
    assert stored.wanted_occupations == ["4-03-02-05", "4-07-05-01"]
    assert stored.wanted_areas == ["450102", "450103"]
    assert stored.available_days == [1, 2, 3, 4, 5, 6]
    assert (stored.available_from, stored.available_until) == (time(8), time(18))
    assert stored.min_daily_pay == Decimal("180.00")
    assert stored.training_occupations == ["4-03-02-02"]
    assert stored.certificates == ["机动车驾驶证（C1）"]
    assert stored.years_of_experience == 3
    assert stored.history.get().history_user == officer

    [case] = registration_cases()
    assert case.state == State.CLOSED
    assert case.applicant == applicant
    assert case.market == nanning_market
    assert case.channel == "counter"
    assert case.first_contact_officer == officer
    assert case.owner == officer
    assert case.outcome
    assert case.closed_at is not None
    completion = Deadline.objects.get(subject_id=case.pk, target="completion")
    assert completion.stopped_at is not None
    assert completion.met is True

    actions = list(
        AuditEvent.objects.filter(market=nanning_market)
        .exclude(action__startswith="roles.")
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["case.opened", "case.resolved", "case.closed", "seeker.registered"]
    [event] = seeker_events()
    assert event.actor == officer
    assert (event.target_type, event.target_id) == ("seekers.seekerprofile", str(seeker.pk))
    assert event.new_values["reference"] == case.reference
    assert event.new_values["applicant_id"] == applicant.pk
    assert event.new_values["complete"] is True
    assert event.new_values["missing"] == []
    assert "min_daily_pay" in event.new_values["changed"]


def test_registering_the_same_person_again_updates_the_same_profile_and_keeps_history(
    officer: User, nanning_market: Market
) -> None:
    first = seeker_make(officer, nanning_market)
    again = seeker_make(
        officer,
        nanning_market,
        id_number=FULL_WIDTH,
        name="韦晓宝",
        profile={"wanted_occupations": ["4-02-07-10"], "min_daily_pay": "220"},
    )
    spaced = seeker_make(
        officer, nanning_market, id_number=SPACED, name="韦晓宝", profile={"years_of_experience": 4}
    )

    assert first.pk == again.pk == spaced.pk
    assert Applicant.objects.count() == 1
    assert SeekerProfile.objects.count() == 1
    stored = SeekerProfile.objects.get()
    # A known person is not renamed by registering again (issue 13, item 2).
    assert stored.applicant.name == "韦小宝"
    assert stored.wanted_occupations == ["4-02-07-10"]
    assert stored.min_daily_pay == Decimal("220.00")
    assert stored.years_of_experience == 4
    # Left out: kept.
    assert stored.wanted_areas == ["450102", "450103"]
    assert stored.registered_at == first.registered_at

    history = list(stored.history.order_by("history_date", "history_id"))
    assert [h.history_type for h in history] == ["+", "~", "~"]
    assert history[0].wanted_occupations == ["4-03-02-05", "4-07-05-01"]
    assert history[0].min_daily_pay == Decimal("180.00")
    assert history[1].wanted_occupations == ["4-02-07-10"]
    assert history[1].years_of_experience == 3

    # Each visit is a case of its own, closed in the sitting.
    cases = registration_cases()
    assert [c.state for c in cases] == [State.CLOSED] * 3
    assert len({c.reference for c in cases}) == 3
    events = seeker_events()
    assert [e.action for e in events] == ["seeker.registered", "seeker.updated", "seeker.updated"]
    assert sorted(events[1].new_values["changed"]) == ["min_daily_pay", "wanted_occupations"]
    assert events[2].new_values["changed"] == ["years_of_experience"]


def test_an_unchanged_registration_opens_no_case_and_writes_no_history(
    officer: User, nanning_market: Market
) -> None:
    # Issue 13, item 1: a visit that changes nothing opens no "registration update" case.
    seeker_make(officer, nanning_market)

    seeker_make(officer, nanning_market, id_number=SPACED, profile=full_profile())

    assert SeekerProfile.objects.get().history.count() == 1
    assert len(registration_cases()) == 1
    assert [e.action for e in seeker_events()] == ["seeker.registered"]


def test_an_incomplete_registration_stays_open_until_a_later_visit_completes_it(
    officer: User, nanning_market: Market
) -> None:
    seeker = seeker_make(
        officer,
        nanning_market,
        mobile="",
        profile={"household_type": "urban", "wanted_occupations": ["4-07-05-01"]},
    )

    [case] = registration_cases()
    assert case.state == State.IN_PROGRESS
    assert case.owner == officer
    event = seeker_events()[-1]
    assert event.new_values["complete"] is False
    assert event.new_values["missing"] == [
        "mobile",
        "home_county",
        "wanted_areas",
        "available_days",
        "available_from",
        "available_until",
    ]

    completed = seeker_make(officer, nanning_market, profile=full_profile())

    assert completed.pk == seeker.pk
    [case] = registration_cases()  # the same case, not a second one
    assert case.state == State.CLOSED
    assert seeker_events()[-1].new_values["complete"] is True


def test_gender_and_age_come_from_the_id_number(
    officer: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> None:
    woman = seeker_make(officer, nanning_market, id_number=WOMAN_1985, name="黄丽")
    man = seeker_make(officer, nanning_market, id_number=MAN_1990)

    assert (woman.gender, woman.birth_date) == ("female", date(1985, 12, 12))
    assert woman.age() == 40  # on 2 March 2026
    assert woman.age(on=date(2025, 12, 11)) == 39
    assert (man.gender, man.age()) == ("male", 35)
    # Nothing to type: the profile has no such fields, and refuses them.
    fields = {field.name for field in SeekerProfile._meta.get_fields()}
    assert not fields & {"gender", "age", "birth_date"}
    with pytest.raises(TypeError):
        seeker_make(officer, nanning_market, profile={"gender": "female"})


def test_an_officer_cannot_register_into_a_market_they_do_not_work_in(
    officer: User, nanning_market: Market
) -> None:
    outsider, liuzhou_market = liuzhou_officer_make()

    with pytest.raises(PermissionDenied):
        seeker_make(outsider, nanning_market)

    assert not Applicant.objects.exists()
    assert not SeekerProfile.objects.exists()
    assert not Case.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="seeker.").exists()
    # In their own market they may.
    seeker_make(outsider, liuzhou_market)
    assert registration_cases()[0].market == liuzhou_market


def test_registration_fails_on_a_channel_that_does_not_exist(
    officer: User, nanning_market: Market
) -> None:
    with pytest.raises(ValidationError) as refused:
        seeker_make(officer, nanning_market, channel="pigeon")

    assert set(refused.value.message_dict) == {"channel"}
    assert not SeekerProfile.objects.exists()


def test_no_table_holds_the_id_number_or_mobile_in_clear(
    officer: User, nanning_market: Market
) -> None:
    seeker_make(officer, nanning_market)
    seeker_make(officer, nanning_market, id_number=FULL_WIDTH, profile={"years_of_experience": 5})

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id_number, mobile FROM {connection.ops.quote_name('cases_applicant')}"  # noqa: S608
        )
        [(id_number, mobile)] = cursor.fetchall()
        assert id_number.startswith("pd1:")
        assert MAN_1990 not in id_number
        assert "13800138000" not in mobile
        # Nor any other row of any table: profiles, their history, cases, the event log.
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                text = " ".join(str(value) for value in row)
                assert MAN_1990 not in text, table
                assert "13800138000" not in text, table


def test_free_text_is_kept_as_typed_not_as_markup(officer: User, nanning_market: Market) -> None:
    typed = '<b>电工</b> & <script>alert("x")</script>'

    seeker = seeker_make(
        officer,
        nanning_market,
        profile=full_profile(skills=f"  {typed}\n", training_wish=typed, certificates=[typed]),
    )

    seeker.refresh_from_db()
    assert seeker.skills == typed
    assert seeker.training_wish == typed
    assert seeker.certificates == [typed]


def test_a_registration_from_another_channel_is_recorded_as_such(
    officer: User, nanning_market: Market
) -> None:
    seeker_register(
        actor=officer,
        market=nanning_market,
        channel="phone",
        name="韦小宝",
        id_number=MAN_1990,
        mobile="13800138000",
        profile=full_profile(),
    )

    assert registration_cases()[0].channel == "phone"
