"""Industry and occupation at intake through the pages (issue 12, item 1): the counter's
posting form and the employer's record ask for the industry (GB/T 4754-2017 大类) with a
type-ahead (/classifications/…, JSON), still take a code typed without JavaScript, and refuse
an unknown code on its field, keeping everything typed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from conftest import case_make
from counter_support import CREDIT_CODE, posting_form, qingxiu_make
from django.test import Client
from django.utils import translation
from test_case_support import market_make, page, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Industry
from markets.models import Market, Region, Role
from workflows.postings.models import Posting
from workflows.postings.services import occupation_local_add

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
NEW_POSTING = "/counter/postings/new/"
INDUSTRIES = "/classifications/industries/"
OCCUPATIONS = "/classifications/occupations/"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def input_value(html: str, name: str) -> str | None:
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag:
            found = re.search(r'value="([^"]*)"', tag)
            return found.group(1) if found else ""
    return None


def results(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    answer: list[dict[str, str]] = json.loads(response.content)["results"]
    return answer


@pytest.fixture
def qingxiu(nanning: Region) -> Region:
    return qingxiu_make()


# --- The counter's posting form ------------------------------------------------------------------


def test_the_posting_form_asks_for_the_industry_with_a_type_ahead(
    verified_client: Clients, officer: User
) -> None:
    html = page(verified_client(officer).get(NEW_POSTING))

    tag = re.search(r'<input[^>]*name="industry"[^>]*>', html)
    assert tag is not None
    assert 'list="industry-list"' in tag.group(0)
    assert f'data-typeahead="{INDUSTRIES}"' in tag.group(0)
    assert '<datalist id="industry-list">' in html
    assert "/static/js/typeahead.js" in html
    assert zh("Industry (行业)") in html


def test_a_posting_taken_with_an_industry_code_records_it_on_posting_and_employer(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    client = verified_client(officer)

    response = client.post(NEW_POSTING, posting_form(industry="62"))

    posting = Posting.objects.get()
    assert response.status_code == 302
    assert posting.industry == Industry.objects.get(code="62")
    assert posting.employer.industry == posting.industry
    detail = page(client.get(response["Location"]))
    assert "餐饮业" in detail


def test_an_unknown_industry_code_is_refused_on_its_field_with_everything_kept(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    data = posting_form(industry="99")

    response = verified_client(officer).post(NEW_POSTING, data)

    assert response.status_code == 200
    assert Posting.objects.count() == 0
    assert Applicant.objects.count() == 0
    errors = response.context["form"].errors
    assert list(errors) == ["industry"]
    assert "GB/T 4754-2017" in errors["industry"][0]
    html = page(response)
    for name in ("employer_name", "credit_code", "contact_phone", "pay_min", "industry"):
        assert input_value(html, name) == data[name]
    assert re.search(r'<input[^>]*name="industry"[^>]*aria-invalid="true"', html)


def test_a_posting_without_industry_shows_it_unknown(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    client = verified_client(officer)

    response = client.post(NEW_POSTING, posting_form())

    assert Posting.objects.get().industry is None
    with translation.override("zh-hans"):
        assert zh("Unknown") in page(client.get(response["Location"]))


# --- The type-ahead ------------------------------------------------------------------------------


def test_the_industry_type_ahead_answers_code_prefix_and_name_matches(
    verified_client: Clients, officer: User
) -> None:
    client = verified_client(officer)

    by_name = results(client.get(INDUSTRIES, {"q": "餐饮"}))
    by_code = results(client.get(INDUSTRIES, {"q": "5"}))

    assert by_name == [{"code": "62", "name": "餐饮业", "section": "H", "label": "62 餐饮业"}]
    assert [row["code"] for row in by_code] == [str(n) for n in range(50, 60)]
    assert results(client.get(INDUSTRIES, {"q": ""})) == []


def test_the_type_ahead_is_bounded_in_rows_and_queries(
    verified_client: Clients,
    officer: User,
    django_assert_max_num_queries: Any,
) -> None:
    client = verified_client(officer)
    client.get(INDUSTRIES, {"q": "餐饮"})  # the session's first-request reads done

    with django_assert_max_num_queries(6) as few:
        one = results(client.get(INDUSTRIES, {"q": "餐饮"}))
    with django_assert_max_num_queries(len(few.captured_queries)):
        many = results(client.get(INDUSTRIES, {"q": "业"}))

    assert len(one) == 1
    assert len(many) == 20


def test_the_occupation_type_ahead_offers_the_users_markets_own_occupations(
    verified_client: Clients, officer: User, team_lead: User, nanning_market: Market
) -> None:
    occupation_local_add(
        actor=team_lead, market=nanning_market, middle_code="4-02", name="搬运队长"
    )
    elsewhere = staff_make("liuzhou_officer", Role.OFFICER, market=market_make("450200", "柳州市"))

    mine = results(verified_client(officer).get(OCCUPATIONS, {"q": "搬运"}))
    theirs = results(verified_client(elsewhere).get(OCCUPATIONS, {"q": "搬运"}))

    assert [row["code"] for row in mine] == ["4-02-05-01", "4-02-L001"]
    assert [row["code"] for row in theirs] == ["4-02-05-01"]


def test_the_type_ahead_answers_only_get(verified_client: Clients, officer: User) -> None:
    assert verified_client(officer).post(INDUSTRIES, {"q": "6"}).status_code == 405


# --- The employer's record -----------------------------------------------------------------------


def change_url(applicant: Applicant) -> str:
    return f"/applicants/{applicant.pk}/change/"


def test_the_employers_industry_is_set_in_two_steps_and_audited(
    verified_client: Clients, officer: User
) -> None:
    case = case_make(officer)
    client = verified_client(officer)
    change = {"field": "industry", "industry": "62 餐饮业", "value": "", "reason": "营业执照"}

    confirm = client.post(change_url(case.applicant), change)
    html = page(confirm)
    assert confirm.status_code == 200
    assert "62 餐饮业" in html and zh("Unknown") in html
    assert Applicant.objects.get().industry is None
    done = client.post(
        change_url(case.applicant), {**change, "industry": "62", "confirmed": "True"}
    )

    assert done.status_code == 302
    applicant = Applicant.objects.get()
    assert applicant.industry == Industry.objects.get(code="62")
    event = AuditEvent.objects.get(action="applicant.industry_changed")
    assert event.old_values == {"industry": ""}
    assert event.new_values == {"industry": "62", "reason": "营业执照"}
    assert event.actor == officer
    last = applicant.history.order_by("-history_id").first()
    assert last is not None and last.history_change_reason == "营业执照"


def test_an_unknown_industry_on_the_employers_record_is_refused_on_its_field(
    verified_client: Clients, officer: User
) -> None:
    case = case_make(officer)

    response = verified_client(officer).post(
        change_url(case.applicant),
        {"field": "industry", "industry": "H", "reason": "营业执照", "confirmed": "True"},
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["industry"]
    assert input_value(page(response), "industry") == "H"
    assert Applicant.objects.get().industry is None
    assert not AuditEvent.objects.filter(action="applicant.industry_changed").exists()


def test_the_employers_page_shows_the_industry_or_unknown(
    verified_client: Clients, officer: User, qingxiu: Region
) -> None:
    client = verified_client(officer)
    client.post(NEW_POSTING, posting_form(industry="62"))
    employer = Applicant.objects.get(credit_code=CREDIT_CODE)

    html = page(client.get(f"/applicants/{employer.pk}/"))

    assert "餐饮业" in html


# --- The market's own occupations (本市场工种) ---------------------------------------------------

LOCAL = "/classifications/local-occupations/"


def test_a_team_lead_adds_an_own_occupation_and_the_list_shows_it(
    verified_client: Clients, team_lead: User, nanning_market: Market
) -> None:
    client = verified_client(team_lead)

    response = client.post(
        LOCAL,
        {"market": nanning_market.pk, "middle_code": "4-03", "name": "米粉师傅", "aliases": "粉店"},
    )

    assert response.status_code == 302
    html = page(client.get(LOCAL))
    assert "4-03-L001" in html and "米粉师傅" in html and "住宿和餐饮服务人员" in html
    assert AuditEvent.objects.filter(action="occupation.local_added", actor=team_lead).count() == 1


def test_a_name_the_middle_group_has_is_refused_on_its_field(
    verified_client: Clients, team_lead: User, nanning_market: Market
) -> None:
    response = verified_client(team_lead).post(
        LOCAL, {"market": nanning_market.pk, "middle_code": "4-03", "name": "中式烹调师"}
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["name"]
    assert not AuditEvent.objects.filter(action="occupation.local_added").exists()


def test_the_own_occupations_list_reads_a_bounded_number_of_queries(
    verified_client: Clients,
    team_lead: User,
    nanning_market: Market,
    django_assert_max_num_queries: Any,
) -> None:
    client = verified_client(team_lead)
    occupation_local_add(actor=team_lead, market=nanning_market, middle_code="4-03", name="甲")
    client.get(LOCAL)
    with django_assert_max_num_queries(40) as few:
        client.get(LOCAL)
    for name in ("乙", "丙", "丁", "戊"):
        occupation_local_add(actor=team_lead, market=nanning_market, middle_code="4-10", name=name)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LOCAL)

    assert len(response.context["occupations"]) == 5


def test_a_posting_at_the_counter_names_the_markets_own_occupation_by_its_name(
    verified_client: Clients,
    officer: User,
    team_lead: User,
    nanning_market: Market,
    qingxiu: Region,
) -> None:
    local = occupation_local_add(
        actor=team_lead, market=nanning_market, middle_code="4-03", name="米粉师傅"
    )

    response = verified_client(officer).post(NEW_POSTING, posting_form(occupation="米粉师傅"))

    assert response.status_code == 302
    assert Posting.objects.get().occupation == local
