"""Issue 13, item 1: registering a known seeker again never wipes their profile.

The service: a blank value never erases one on record, a visit that changes nothing opens no
"registration update" case, and the person's matches stay as they were. The pages: a known ID
number typed on /counter/seekers/new/ writes nothing and shows the record beside what was typed,
on an update form that writes only the fields the officer changed."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from conftest import case_make
from counter_support import (
    SEEKER_ID,
    SEEKER_MOBILE,
    posting_make,
    qingxiu_make,
    seeker_form,
    seeker_make,
)
from django.test import Client
from test_case_support import market_make, messages_of, page, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Case
from markets.models import Market, Region, Role
from workflows.guidance.matching import match_postings
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import seeker_register

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
NEW_SEEKER = "/counter/seekers/new/"
KIND = "seeker_registration"

# What the counter form gives the service when only the name and the ID number are filled in.
BLANK_PROFILE = {
    "household_type": "",
    "home_county": "",
    "wanted_occupations": [],
    "wanted_areas": [],
    "available_days": [],
    "available_from": "",
    "available_until": "",
    "min_daily_pay": "",
    "skills": "",
    "certificates": [],
    "difficulty_categories": [],
}


@pytest.fixture
def seeker(officer: User, nanning_market: Market, nanning: Region) -> SeekerProfile:
    qingxiu_make()
    return seeker_make(officer, nanning_market)


def profile_of(seeker: SeekerProfile) -> dict[str, object]:
    stored = SeekerProfile.objects.get(pk=seeker.pk)
    return {field: getattr(stored, field) for field in BLANK_PROFILE} | {
        "history": stored.history.count()
    }


def registration_cases() -> int:
    return Case.objects.filter(kind=KIND).count()


def seeker_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action__startswith="seeker.").order_by("pk"))


# --- The service ---------------------------------------------------------------------------------


def test_registering_again_with_only_the_name_erases_nothing_and_opens_no_case(
    officer: User, nanning_market: Market, seeker: SeekerProfile
) -> None:
    posting = posting_make(officer, nanning_market, publish=True)
    before = profile_of(seeker)
    [score_before] = [m.score for m in match_postings(seeker) if m.posting.pk == posting.pk]

    again = seeker_register(
        actor=officer,
        market=nanning_market,
        channel="counter",
        name="韦晓宝",
        id_number=SEEKER_ID,
        mobile="",
        profile=BLANK_PROFILE,
    )

    assert again.pk == seeker.pk
    assert profile_of(seeker) == before
    assert profile_of(seeker)["min_daily_pay"] == Decimal("180.00")
    assert [m.score for m in match_postings(again) if m.posting.pk == posting.pk] == [score_before]
    assert registration_cases() == 1
    assert [e.action for e in seeker_events()] == ["seeker.registered"]
    applicant = Applicant.objects.get(pk=seeker.applicant_id)
    assert (applicant.name, applicant.mobile) == ("韦小宝", SEEKER_MOBILE)


def test_registering_again_with_a_new_value_changes_only_that_field(
    officer: User, nanning_market: Market, seeker: SeekerProfile
) -> None:
    before = profile_of(seeker)

    seeker_register(
        actor=officer,
        market=nanning_market,
        channel="counter",
        name="韦小宝",
        id_number=SEEKER_ID,
        mobile="",
        profile=BLANK_PROFILE | {"min_daily_pay": "220"},
    )

    after = profile_of(seeker)
    assert after["min_daily_pay"] == Decimal("220.00")
    assert {k: v for k, v in after.items() if k not in ("min_daily_pay", "history")} == {
        k: v for k, v in before.items() if k not in ("min_daily_pay", "history")
    }
    assert after["history"] == before["history"] + 1  # type: ignore[operator]
    # A real change is a visit of its own: an update case, closed in the sitting.
    assert registration_cases() == 2
    assert seeker_events()[-1].new_values["changed"] == ["min_daily_pay"]


def test_an_unchanged_visit_at_another_market_registers_the_person_there(
    nanning_market: Market, seeker: SeekerProfile, liuzhou: Region
) -> None:
    liuzhou_market = market_make("450200", "柳州市")
    other = staff_make("liuzhou_officer", Role.OFFICER, market=liuzhou_market)

    seeker_register(
        actor=other,
        market=liuzhou_market,
        channel="counter",
        name="韦小宝",
        id_number=SEEKER_ID,
        mobile="",
        profile=BLANK_PROFILE,
    )

    # First registration at that market: a case there (so that market serves the person),
    # and still nothing erased.
    assert Case.objects.filter(kind=KIND, market=liuzhou_market).count() == 1
    assert SeekerProfile.objects.get().min_daily_pay == Decimal("180.00")


# --- The pages -----------------------------------------------------------------------------------


def test_a_known_id_number_on_the_registration_form_writes_nothing_and_shows_both(
    verified_client: Clients, officer: User, seeker: SeekerProfile
) -> None:
    before = profile_of(seeker)

    response = verified_client(officer).post(
        NEW_SEEKER,
        {"name": "韦晓宝", "id_number": SEEKER_ID, "mobile": "", "min_daily_pay": "250"},
    )

    assert response.status_code == 200
    assert profile_of(seeker) == before
    assert registration_cases() == 1
    html = page(response)
    assert f'action="/counter/seekers/{seeker.pk}/update/"' in html
    rows = {row["field"]: row for row in response.context["rows"]}
    assert set(rows) == {"name", "min_daily_pay"}
    assert (rows["min_daily_pay"]["record"], rows["min_daily_pay"]["entered"]) == ("180", "250")
    assert not rows["min_daily_pay"]["kept"]
    # The name typed is a conflict shown, never written here.
    assert (rows["name"]["record"], rows["name"]["entered"], rows["name"]["kept"]) == (
        "韦小宝",
        "韦晓宝",
        True,
    )
    assert Applicant.objects.get().name == "韦小宝"
    # The blanks are no changes: the update form starts from the record.
    form = response.context["form"]
    assert form.initial["household_type"] == "rural"
    assert form.initial["wanted_occupations"] == "4-03-02-05"
    assert form.initial["min_daily_pay"] == "250"


def test_the_update_form_writes_only_the_fields_changed_on_it(
    verified_client: Clients, officer: User, seeker: SeekerProfile
) -> None:
    before = profile_of(seeker)
    client = verified_client(officer)
    shown = client.get(f"/counter/seekers/{seeker.pk}/update/")
    data = {
        name: shown.context["form"].initial[name]
        for name in BLANK_PROFILE
        if shown.context["form"].initial[name] not in ("", [])
    }

    response = client.post(
        f"/counter/seekers/{seeker.pk}/update/",
        data | {"id_number": SEEKER_ID, "skills": "餐厅服务，会收银"},
    )

    assert response.status_code == 302
    after = profile_of(seeker)
    assert after["skills"] == "餐厅服务，会收银"
    assert {k: v for k, v in after.items() if k not in ("skills", "history")} == {
        k: v for k, v in before.items() if k not in ("skills", "history")
    }
    assert seeker_events()[-1].new_values["changed"] == ["skills"]
    assert registration_cases() == 2


def test_the_update_form_sent_unchanged_writes_nothing_and_says_so(
    verified_client: Clients, officer: User, seeker: SeekerProfile
) -> None:
    client = verified_client(officer)
    initial = client.get(f"/counter/seekers/{seeker.pk}/update/").context["form"].initial
    data = {name: value for name, value in initial.items() if value not in ("", [], None)}
    before = profile_of(seeker)

    response = client.post(f"/counter/seekers/{seeker.pk}/update/", data, follow=True)

    assert profile_of(seeker) == before
    assert registration_cases() == 1
    assert [e.action for e in seeker_events()] == ["seeker.registered"]
    assert any("韦小宝" in message for message in messages_of(response))


def test_another_markets_officer_reaches_the_update_only_with_the_id_number(
    verified_client: Clients, seeker: SeekerProfile, liuzhou: Region
) -> None:
    other = staff_make("liuzhou_officer", Role.OFFICER, market=market_make("450200", "柳州市"))
    client = verified_client(other)
    url = f"/counter/seekers/{seeker.pk}/update/"

    assert client.get(url).status_code == 404
    assert client.post(url, {"id_number": "", "skills": "x"}).status_code == 404
    shown = client.post(NEW_SEEKER, seeker_form(min_daily_pay="200"))
    assert shown.status_code == 200
    updated = client.post(url, {"id_number": SEEKER_ID, **seeker_form(min_daily_pay="200")})

    assert updated.status_code == 302
    stored = SeekerProfile.objects.get()
    assert stored.min_daily_pay == Decimal("200.00")
    assert stored.applicant.name == "韦小宝"


def test_a_person_known_from_another_service_keeps_their_name_and_is_told(
    verified_client: Clients, officer: User, nanning: Region
) -> None:
    qingxiu_make()
    case_make(officer)  # 韦小宝 came for a policy consultation first

    response = verified_client(officer).post(NEW_SEEKER, seeker_form(name="韦晓宝"), follow=True)

    seeker = SeekerProfile.objects.get()
    assert response.redirect_chain == [(f"/counter/seekers/{seeker.pk}/", 302)]
    assert Applicant.objects.get().name == "韦小宝"
    assert any("韦小宝" in m and "韦晓宝" in m for m in messages_of(response))
