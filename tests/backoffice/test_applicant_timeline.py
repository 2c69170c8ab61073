"""Issue 10, item 2: the applicant's page, /applicants/<pk>/. A person's or an employer's whole
history with the markets the user may see in one time line, newest first, paged, each entry
linked to its page with its state and due date; personal data masked, the whole ID number
only through the audited reveal; a bounded number of queries; staff of another market that
never served the person get 404."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from conftest import ID_NUMBERS, case_make
from counter_support import SEEKER_ID_MASKED, SEEKER_MOBILE, posting_make, qingxiu_make
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from test_case_support import market_make, page, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, ChecklistItem
from cases.services import case_request_materials
from cases.timeline import SOURCES, applicant_timeline
from markets.models import Market, Region, Role
from workflows.complaints.models import Complaint
from workflows.complaints.services import complaint_file
from workflows.guidance.services import referral_outcome_set, referral_record
from workflows.postings.models import Occupation, Posting
from workflows.seekers.models import SeekerProfile
from workflows.seekers.services import guidance_item_record, seeker_register
from workflows.training.models import Programme, Provider
from workflows.training.services import training_referral_open
from workflows.welfare.services import welfare_apply, welfare_approve, welfare_place

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
HOUR = timedelta(hours=1)


@dataclass
class History:
    seeker: SeekerProfile
    person: Applicant
    employer: Applicant
    posting: Posting


def _seeker(officer: User, market: Market, *, number: int = 0) -> SeekerProfile:
    return seeker_register(
        actor=officer,
        market=market,
        channel="counter",
        name="韦小宝" if number == 0 else f"韦小宝{number}",
        id_number=ID_NUMBERS[number],
        mobile=SEEKER_MOBILE,
        profile={
            "household_type": "urban",
            "home_county": "450103",
            "wanted_occupations": ["4-03-02-05"],
            "wanted_areas": ["450100"],
            "available_days": [1, 2, 3, 4, 5],
            "difficulty_categories": ["dibao"],
        },
    )


def _programme(market: Market) -> Programme:
    provider = Provider.objects.create(
        name="南宁市烹饪职业培训学校",
        credit_code="91350100M000100Y43",
        address="南宁市青秀区竹溪大道 1 号",
        phone="0771-5551234",
    )
    provider.markets.add(market)
    today = timezone.localdate()
    return Programme.objects.create(
        provider=provider,
        market=market,
        title="餐厅服务员晚间班",
        occupation=Occupation.objects.get(code="4-03-02-05"),
        schedule_kind="evenings",
        schedule_text="周二、周四 19:00–21:00",
        place="南宁市青秀区竹溪大道 1 号 301 室",
        cost=Decimal("800"),
        subsidy=Decimal("600"),
        capacity=5,
        starts_on=today,
        ends_on=today + timedelta(days=14),
        is_published=True,
    )


def history_make(
    officer: User, team_lead: User, market: Market, clock: time_machine.Traveller
) -> History:
    """One record of every kind for a seeker (韦小宝) and an employer, an hour apart, in this
    order: registration, employer's posting (with its review case), policy consultation,
    single notice, guidance item, referral (hired), training referral, public-welfare
    placement, complaint against the employer."""
    qingxiu_make()
    seeker = _seeker(officer, market)
    clock.shift(HOUR)
    posting = posting_make(officer, market, publish=True)
    clock.shift(HOUR)
    consultation = case_make(officer, applicant=seeker.applicant, market=market)
    clock.shift(HOUR)
    case_request_materials(
        actor=officer,
        case=consultation,
        items=list(ChecklistItem.objects.filter(kind=consultation.kind)[:2]),
    )
    clock.shift(HOUR)
    guidance_item_record(
        actor=officer, seeker=seeker, item="basic_pension", outcome="advised", market=market
    )
    clock.shift(HOUR)
    referral = referral_record(actor=officer, seeker=seeker, posting=posting)
    referral_outcome_set(actor=officer, referral=referral, outcome="referred")
    referral_outcome_set(actor=officer, referral=referral, outcome="hired")
    clock.shift(HOUR)
    training_referral_open(
        actor=officer, market=market, seeker=seeker, programme=_programme(market), channel="counter"
    )
    clock.shift(HOUR)
    welfare_posting = posting_make(
        officer, market, publish=True, is_public_welfare=True, eligibility=["subsistence"]
    )
    application = welfare_apply(
        actor=officer, market=market, seeker=seeker, posting=welfare_posting, channel="counter"
    )
    welfare_approve(actor=team_lead, application=application)
    clock.shift(HOUR)
    welfare_place(
        actor=officer,
        application=application,
        starts_on=timezone.localdate() + timedelta(days=7),
        subsidy_months=6,
        subsidy_monthly_amount=Decimal("1800.00"),
    )
    clock.shift(HOUR)
    complaint_file(
        actor=officer,
        market=market,
        complainant=seeker.applicant,
        category="wage_arrears",
        description="工地做工 10 天，约定日结 200 元，至今未付。",
        employer=posting.employer,
        anonymous=True,
    )
    return History(
        seeker=seeker, person=seeker.applicant, employer=posting.employer, posting=posting
    )


@pytest.fixture
def history(
    officer: User, team_lead: User, nanning_market: Market, frozen_time: time_machine.Traveller
) -> History:
    return history_make(officer, team_lead, nanning_market, frozen_time)


@pytest.fixture
def other_officer(liuzhou: Region) -> User:
    return staff_make("liuzhou_officer", Role.OFFICER, market=market_make("450202", "城中区"))


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def _url(applicant: Applicant) -> str:
    return reverse("backoffice:applicant_detail", args=[applicant.pk])


def _sources(response: object) -> list[str]:
    return [row["entry"].source for row in response.context["rows"]]  # type: ignore[attr-defined]


# --- Every kind of entry, newest first, each with its link, state and due date ----------------


def test_every_kind_of_record_of_the_person_is_on_the_line_newest_first(
    verified_client: Clients, officer: User, history: History
) -> None:
    response = verified_client(officer).get(_url(history.person))

    assert response.status_code == 200
    rows = response.context["rows"]
    entries = [row["entry"] for row in rows]
    # An hour apart, newest first; a case and its service's record made at the same moment
    # come record first.
    assert [(e.source, str(e.label)) for e in entries] == [
        ("complaint", zh("Complaint")),
        ("case", zh("Complaints and rights protection")),
        ("welfare_placement", zh("Public-welfare placement")),
        ("case", zh("Public-welfare job application")),
        ("training", zh("Training referral")),
        ("case", zh("Training referral")),
        ("referral", zh("Referral")),
        ("guidance_item", zh("Guidance item")),
        ("notice", zh("Single notice")),
        ("case", zh("Policy consultation")),
        ("case", zh("Job-seeker registration")),
    ]
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    registration = history.person.cases.order_by("pk").first()
    assert registration is not None
    assert entries[-1].link == ("case", registration.pk)
    html = page(response)
    for row in rows:
        assert row["url"], row["entry"]
        assert f'href="{row["url"]}"' in html
    referral = next(e for e in entries if e.source == "referral")
    assert referral.state == zh("Hired")
    assert referral.title == "韦小宝 → 餐厅服务员 · 南宁市邕江餐饮有限公司"
    placement = next(e for e in entries if e.source == "welfare_placement")
    assert placement.due is not None
    assert placement.due.isoformat() in html
    training = next(e for e in entries if e.source == "training")
    assert training.due == timezone.localdate() + timedelta(days=14)


def test_each_entry_opens_its_own_page(
    verified_client: Clients, officer: User, history: History
) -> None:
    client = verified_client(officer)
    rows = client.get(_url(history.person)).context["rows"]

    for row in rows:
        assert client.get(row["url"]).status_code == 200, row["url"]


def test_the_cases_show_their_completion_due_time(
    verified_client: Clients, officer: User, history: History
) -> None:
    response = verified_client(officer).get(_url(history.person))

    deadlines = response.context["deadlines"]
    case_ids = {row["entry"].case_id for row in response.context["rows"] if row["entry"].case_id}
    assert case_ids
    assert {case_id for case_id, _target in deadlines} <= case_ids
    assert '<span class="due">' in page(response)


def test_the_employer_line_has_postings_referrals_to_them_and_complaints_against_them(
    verified_client: Clients, officer: User, history: History
) -> None:
    response = verified_client(officer).get(_url(history.employer))

    assert response.status_code == 200
    entries = [row["entry"] for row in response.context["rows"]]
    by_source: dict[str, list[object]] = {}
    for entry in entries:
        by_source.setdefault(entry.source, []).append(entry)
    assert set(by_source) == {"case", "posting", "referral", "complaint"}
    assert len(by_source["posting"]) == 2
    posting = next(
        e for e in entries if e.source == "posting" and e.link == ("posting", history.posting.pk)
    )
    assert posting.due == history.posting.end_date
    assert str(posting.state) == "已发布"
    # Anonymous: the employer's line names the complaint, never who complained.
    html = page(response)
    complaint = next(e for e in entries if e.source == "complaint")
    assert "韦小宝" not in complaint.title
    assert complaint.case_id is not None
    assert history.employer.credit_code in html


def test_a_person_with_nothing_visible_is_not_found_and_an_unknown_number_neither(
    verified_client: Clients, officer: User, nanning_market: Market
) -> None:
    client = verified_client(officer)

    assert client.get("/applicants/999999/").status_code == 404
    assert client.get("/applicants/abc/").status_code == 404


# --- Masked personal data; the whole ID number only by the audited reveal ----------------------


def test_personal_data_is_masked_and_the_change_page_linked(
    verified_client: Clients, officer: User, history: History
) -> None:
    response = verified_client(officer).get(_url(history.person))

    html = page(response)
    assert SEEKER_ID_MASKED in html
    assert ID_NUMBERS[0] not in html
    assert SEEKER_MOBILE not in html
    assert "138****8000" in html
    assert reverse("backoffice:applicant_change", args=[history.person.pk]) in html
    assert reverse("backoffice:counter_seeker", args=[history.seeker.pk]) in html
    assert reverse("backoffice:applicant_reveal_id", args=[history.person.pk]) in html


def test_the_owner_reveals_the_id_number_once_and_it_is_audited(
    verified_client: Clients, officer: User, history: History
) -> None:
    client = verified_client(officer)

    response = client.post(reverse("backoffice:applicant_reveal_id", args=[history.person.pk]))

    assert response.status_code == 200
    assert ID_NUMBERS[0] in page(response)
    assert (
        response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    )
    event = AuditEvent.objects.get(action="personal_data.revealed")
    assert event.actor == officer
    assert event.target_id == str(history.person.pk)
    assert event.new_values["field"] == "id_number"
    assert ID_NUMBERS[0] not in page(client.get(_url(history.person)))


def test_an_officer_who_owns_none_of_the_cases_may_not_reveal(
    verified_client: Clients, nanning_market: Market, history: History
) -> None:
    colleague = staff_make("colleague", Role.OFFICER, market=nanning_market)
    client = verified_client(colleague)

    shown = client.get(_url(history.person))
    refused = client.post(
        reverse("backoffice:applicant_reveal_id", args=[history.person.pk]), follow=True
    )

    assert shown.status_code == 200
    assert shown.context["may_reveal_id"] is False
    assert refused.redirect_chain == [(_url(history.person), 302)]
    assert ID_NUMBERS[0] not in page(refused)
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()


# --- Visibility ---------------------------------------------------------------------------------


def test_staff_of_another_market_that_never_served_the_person_get_404(
    verified_client: Clients, other_officer: User, history: History
) -> None:
    client = verified_client(other_officer)

    assert client.get(_url(history.person)).status_code == 404
    assert client.get(_url(history.employer)).status_code == 404
    reveal = reverse("backoffice:applicant_reveal_id", args=[history.person.pk])
    assert client.post(reveal).status_code == 404
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()


def test_another_market_that_served_the_person_sees_only_its_own_records(
    verified_client: Clients, other_officer: User, history: History
) -> None:
    liuzhou = Market.objects.get(memberships__user=other_officer)
    own = case_make(other_officer, applicant=history.person, market=liuzhou)

    response = verified_client(other_officer).get(_url(history.person))

    assert response.status_code == 200
    entries = [row["entry"] for row in response.context["rows"]]
    assert [(e.source, e.link) for e in entries] == [("case", ("case", own.pk))]
    assert response.context["page"].paginator.count == 1
    # They serve the person too, so they may correct the name; not reveal on Nanning's cases.
    assert response.context["may_change"] is True
    assert response.context["seeker_pk"] is None


def test_an_inspector_over_the_region_sees_the_whole_line(
    verified_client: Clients, officer: User, inspector: User, history: History
) -> None:
    as_officer = verified_client(officer).get(_url(history.person))
    as_inspector = verified_client(inspector).get(_url(history.person))

    assert as_inspector.status_code == 200
    assert _sources(as_inspector) == _sources(as_officer)
    assert as_inspector.context["may_change"] is False
    assert as_inspector.context["may_reveal_id"] is False


# --- Paging and bounded queries -------------------------------------------------------------------


def _more_of_every_kind(officer: User, team_lead: User, market: Market, history: History) -> None:
    """A second record of every kind on the person's line, at the same time as the last."""
    second = case_make(officer, applicant=history.person, market=market, subject="再次咨询")
    case_request_materials(
        actor=officer, case=second, items=list(ChecklistItem.objects.filter(kind=second.kind)[:1])
    )
    guidance_item_record(
        actor=officer,
        seeker=history.seeker,
        item="occupational_injury",
        outcome="done",
        market=market,
    )
    other_posting = posting_make(officer, market, publish=True, headcount="3")
    referral_record(actor=officer, seeker=history.seeker, posting=other_posting)
    evening = Programme.objects.get()
    evening.pk = None
    evening.title = "餐厅服务员周末班"
    evening.save()
    training_referral_open(
        actor=officer, market=market, seeker=history.seeker, programme=evening, channel="counter"
    )
    welfare_posting = posting_make(
        officer, market, publish=True, is_public_welfare=True, eligibility=["subsistence"]
    )
    application = welfare_apply(
        actor=officer,
        market=market,
        seeker=history.seeker,
        posting=welfare_posting,
        channel="counter",
    )
    welfare_approve(actor=team_lead, application=application)
    welfare_place(
        actor=officer,
        application=application,
        starts_on=timezone.localdate() + timedelta(days=10),
        subsidy_months=3,
        subsidy_monthly_amount=Decimal("1500.00"),
    )
    complaint_file(
        actor=officer,
        market=market,
        complainant=history.person,
        category="unsafe_work",
        description="脚手架没有护栏。",
    )


def _queries_of_page(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_more_records_of_every_kind_add_no_query(
    verified_client: Clients,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    history: History,
    frozen_time: time_machine.Traveller,
    django_assert_max_num_queries: Callable[[int], Any],
) -> None:
    client = verified_client(officer)
    url, employer_url = _url(history.person), _url(history.employer)
    client.get(url)  # what is kept between requests (the bell's number …), read once
    before = _queries_of_page(client, url)
    employer_before = _queries_of_page(client, employer_url)
    count_before = applicant_timeline(user=officer, applicant=history.person).count()

    _more_of_every_kind(officer, team_lead, nanning_market, history)

    # A consultation and its notice, a guidance item, a referral, a training referral and a
    # welfare placement with their cases, a complaint with its case.
    count_after = applicant_timeline(user=officer, applicant=history.person).count()
    assert count_after == count_before + 10
    assert _queries_of_page(client, url) == before
    # Two more postings (with their review cases) and a referral on the employer's line.
    assert _queries_of_page(client, employer_url) == employer_before
    # Two per kind of record (count, rows), plus the page's own reads.
    with django_assert_max_num_queries(2 * len(SOURCES) + 20):
        client.get(url)


def test_the_line_pages_newest_first_without_gaps_or_repeats(
    verified_client: Clients,
    officer: User,
    nanning_market: Market,
    history: History,
    frozen_time: time_machine.Traveller,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from backoffice.applicants import views

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client = verified_client(officer)
    whole = list(applicant_timeline(user=officer, applicant=history.person)[:100])
    assert len(whole) == applicant_timeline(user=officer, applicant=history.person).count()

    seen = []
    number = 1
    while True:
        response = client.get(_url(history.person), {"page": number})
        seen += [(row["entry"].source, row["entry"].link) for row in response.context["rows"]]
        if not response.context["page"].has_next():
            break
        assert 'rel="next"' in page(response)
        number += 1

    assert number == -(-len(whole) // 4)
    assert seen == [(entry.source, entry.link) for entry in whole]
    assert [e.at for e in whole] == sorted((e.at for e in whole), reverse=True)
    # A page number beyond the last shows the last page, as every list does.
    assert client.get(_url(history.person), {"page": 999}).context["page"].number == number


# --- Links to the page -------------------------------------------------------------------------


def test_the_case_seeker_posting_and_complaint_pages_link_to_the_applicant(
    verified_client: Clients, officer: User, history: History
) -> None:
    client = verified_client(officer)
    case = history.person.cases.order_by("pk").first()
    assert case is not None

    case_page = page(client.get(reverse("backoffice:case_detail", args=[case.pk])))
    seeker_page = page(client.get(reverse("backoffice:counter_seeker", args=[history.seeker.pk])))
    posting_page = page(
        client.get(reverse("backoffice:counter_posting", args=[history.posting.pk]))
    )

    assert _url(history.person) in case_page
    assert _url(history.person) in seeker_page
    assert _url(history.employer) in posting_page
    complaint = Complaint.objects.get()
    complaint_page = page(client.get(reverse("backoffice:complaints_detail", args=[complaint.pk])))
    assert _url(history.person) in complaint_page


def test_the_page_reads_in_english_too(
    verified_client: Clients, officer: User, history: History
) -> None:
    client = verified_client(officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    html = page(client.get(_url(history.person)))

    assert "History" in html
    assert "Hired" in html
    assert "Public-welfare placement" in html
