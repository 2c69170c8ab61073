"""Issue 10, item 1, through the pages: the search box in the top bar of every staff page
(``/`` focuses it: static/js/search.js), GET /search/?q=… answering a normal page for every
kind of input, in Chinese and English, with masked personal data, links to the case pages,
a bounded number of queries, and an audit event for a search by ID number or mobile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import ID_NUMBERS, REPO_ROOT, case_make
from django.conf import settings
from django.test import Client
from django.urls import reverse
from test_case_support import page, staff_make

from accounts.models import User
from audit.models import AuditEvent
from cases.models import Applicant, Case
from cases.services import applicant_person_register
from markets.models import Market, Region, Role

pytestmark = pytest.mark.django_db

Clients = Callable[[User], Client]
URL = "/search/"
MOBILE = "13800138000"


@pytest.fixture
def person(officer: User) -> Applicant:
    return applicant_person_register(
        actor=officer, name="韦小宝", id_number=ID_NUMBERS[0], mobile=MOBILE
    )


@pytest.fixture
def case(officer: User, person: Applicant) -> Case:
    return case_make(officer, applicant=person)


def search(client: Client, q: str, language: str = "zh-hans", **params: str) -> Any:
    """The results of ``q`` as the address asks for them (an ID number or a mobile is sent on
    to its token's address first)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(URL, {"q": q, **params}, follow=True)


def test_the_url_is_named_backoffice_search() -> None:
    assert reverse("backoffice:search") == URL


def test_every_staff_page_has_the_search_box_and_its_script(
    verified_client: Clients, officer: User
) -> None:
    for url in ("/", "/cases/", "/notifications/"):
        html = page(verified_client(officer).get(url))
        assert 'action="/search/"' in html, url
        assert "data-search-box" in html, url
        assert 'aria-keyshortcuts="/"' in html, url
        assert "js/search.js" in html, url


def test_the_slash_key_script_is_a_static_file_with_no_inline_handler() -> None:
    script = (REPO_ROOT / "static" / "js" / "search.js").read_text()
    assert 'event.key !== "/"' in script
    assert "[data-search-box]" in script
    base = Path(REPO_ROOT / "templates" / "base.html").read_text()
    assert "onkeydown" not in base and "<script>" not in base


def test_administrators_see_no_search_box_and_may_not_search(
    verified_client: Clients, system_admin: User
) -> None:
    client = verified_client(system_admin)
    assert "data-search-box" not in page(client.get("/notifications/"))
    assert search(client, "韦小宝").status_code == 403


def test_an_officer_finds_the_case_by_id_number_masked_and_audited(
    verified_client: Clients, officer: User, case: Case
) -> None:
    response = search(verified_client(officer), ID_NUMBERS[0])
    html = page(response)
    assert response.status_code == 200
    assert reverse("backoffice:case_detail", args=[case.pk]) in html
    assert case.reference in html
    assert "450102********1238" in html
    # Only in the page's box it was typed into: not in the top bar's, not in the page's own
    # address (a token: the language switch's "next" carries no number), nowhere else.
    assert html.count(f'value="{ID_NUMBERS[0]}"') == 1
    assert html.count(ID_NUMBERS[0]) == 1
    assert "<title>450102********1238" in html
    assert "138****8000" in html
    assert "办理中" in html  # the state, in Chinese
    event = AuditEvent.objects.get(action="personal_data.searched")
    assert event.actor == officer
    assert event.new_values["value"] == "450102********1238"


def test_a_search_by_name_is_not_audited(
    verified_client: Clients, officer: User, case: Case
) -> None:
    html = page(search(verified_client(officer), "韦小宝"))
    assert case.reference in html
    assert not AuditEvent.objects.filter(action="personal_data.searched").exists()


def test_the_page_reads_in_english_too(verified_client: Clients, officer: User, case: Case) -> None:
    html = page(search(verified_client(officer), MOBILE, language="en"))
    assert "Persons" in html and "Cases" in html
    assert "In progress" in html
    assert "A search by ID number or mobile is recorded in the event log." in html


def test_the_page_reads_in_chinese(verified_client: Clients, officer: User, case: Case) -> None:
    html = page(search(verified_client(officer), MOBILE))
    assert "个人" in html and "案件" in html
    assert "按身份证号码或手机号码搜索会记入日志。" in html


BAD_INPUT = [
    "",
    "   ",
    "张" * 2000,
    "1" * 2000,
    "'; DROP TABLE cases_case; --",
    "' OR 1=1 --",
    "%",
    "%%",
    "%%%",
    "_",
    "__",
    "___",
    "😀",
    "😀😀",
    "😀😀😀",
    '"',
    'a"b OR c*',
    "NEAR(a b)",
]


@pytest.mark.parametrize("q", BAD_INPUT)
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_bad_input_answers_a_normal_page(
    verified_client: Clients, officer: User, case: Case, q: str, language: str
) -> None:
    response = search(verified_client(officer), q, language=language)
    assert response.status_code == 200
    assert "<h1>" in page(response)
    assert Case.objects.filter(pk=case.pk).exists()


def test_a_nul_character_is_refused_by_the_query_string_check_not_a_500(
    verified_client: Clients, officer: User
) -> None:
    assert search(verified_client(officer), "\x00\x00").status_code == 400


def test_a_single_character_runs_no_search_query(
    verified_client: Clients, officer: User, case: Case, django_assert_max_num_queries: Any
) -> None:
    client = verified_client(officer)
    client.get("/")  # the session's own reads
    with django_assert_max_num_queries(12) as captured:
        response = search(client, "韦")
    assert response.status_code == 200
    assert "至少输入两个字符" in page(response)
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "cases_applicant" not in sql and "cases_case" not in sql


def test_a_2000_character_query_is_cut_and_says_so(verified_client: Clients, officer: User) -> None:
    html = page(search(verified_client(officer), "张" * 2000, language="en"))
    assert "Only the first 100 characters were searched." in html


def test_an_officer_of_another_market_finds_nothing(
    verified_client: Clients, case: Case, liuzhou: Region
) -> None:
    stranger = staff_make("liuzhou", Role.OFFICER, market=market_make_liuzhou(liuzhou))
    client = verified_client(stranger)
    for q in ("韦小宝", ID_NUMBERS[0], MOBILE, case.reference):
        html = page(search(client, q))
        assert f">{case.reference}</a>" not in html, q
        assert "没有找到您有权查看的记录。" in html, q
        assert '<td class="mono">450102********1238' not in html, q


def market_make_liuzhou(liuzhou: Region) -> Market:
    from conftest import MarketFactory

    return MarketFactory.create(region=liuzhou, name="柳州市零工市场")


def test_an_inspector_finds_the_case_in_their_region(
    verified_client: Clients, inspector: User, case: Case
) -> None:
    html = page(search(verified_client(inspector), case.reference[-6:]))
    assert case.reference in html


def test_pages_of_results_page_through_and_keep_the_query(
    verified_client: Clients, officer: User, person: Applicant
) -> None:
    cases = [case_make(officer, applicant=person) for _ in range(12)]
    client = verified_client(officer)
    first = page(search(client, ID_NUMBERS[0]))
    assert "cases_page=2" in first
    second = page(search(client, ID_NUMBERS[0], cases_page="2"))
    oldest = cases[0].reference
    assert oldest not in first and oldest in second
    not_a_number = page(search(client, ID_NUMBERS[0], cases_page="abc"))  # page 1
    assert cases[-1].reference in not_a_number and oldest not in not_a_number


def test_the_page_s_queries_do_not_grow_with_the_results(
    verified_client: Clients, officer: User, person: Applicant, django_assert_max_num_queries: Any
) -> None:
    client = verified_client(officer)
    case_make(officer, applicant=person)
    client.get("/")

    def count() -> int:
        with django_assert_max_num_queries(30) as captured:
            assert search(client, "韦小宝").status_code == 200
        return len(captured.captured_queries)

    few = count()
    for n in range(15):
        from cases.identity import resident_id_check_character

        first = f"45010219800101{n:03d}"
        other = applicant_person_register(
            actor=officer,
            name=f"韦小宝{n}",
            id_number=first + resident_id_check_character(first),
        )
        case_make(officer, applicant=other)
    assert count() == few


def test_a_person_found_opens_their_page_and_it_opens_for_the_searcher(
    verified_client: Clients, officer: User, person: Applicant, case: Case
) -> None:
    client = verified_client(officer)
    found = search(client, "韦小宝")

    link = reverse("backoffice:applicant_detail", args=[person.pk])
    assert f'href="{link}"' in found.content.decode()
    assert client.get(link).status_code == 200


def test_an_id_number_or_a_mobile_never_sits_in_an_address(
    verified_client: Clients, officer: User, case: Case
) -> None:
    """The boxes POST; an ID number or a mobile is kept in the session under a token, so the
    access log, the history and a Referer hold no one's number; a name stays readable."""
    client = verified_client(officer)

    by_number = client.post(URL, {"q": ID_NUMBERS[0]})
    by_mobile = client.post(URL, {"q": MOBILE})
    by_name = client.post(URL, {"q": "韦小宝"})
    typed_in_the_address = client.get(URL, {"q": ID_NUMBERS[0], "cases_page": "2"})

    for response in (by_number, by_mobile, typed_in_the_address):
        assert response.status_code == 302
        assert ID_NUMBERS[0] not in response["Location"] and MOBILE not in response["Location"]
        assert response["Location"].startswith(f"{URL}?")
    assert "cases_page=2" in typed_in_the_address["Location"]
    assert by_name["Location"] == f"{URL}?q=%E9%9F%A6%E5%B0%8F%E5%AE%9D"
    html = client.get(by_number["Location"]).content.decode()
    assert f">{case.reference}</a>" in html
    # Another session does not read the token.
    stranger = verified_client(staff_make("another", Role.OFFICER, market=case.market))
    assert f">{case.reference}</a>" not in stranger.get(by_number["Location"]).content.decode()
