"""Issue 10, item 1, the domain side: what the search finds, within what the user may see;
the SQLite search tables kept in step; a search by ID number or mobile audited and never
decrypting a row; a bounded number of queries."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from conftest import ID_NUMBERS
from counter_support import CREDIT_CODE
from search_support import (
    CONTACT_MOBILE,
    EMPLOYER,
    PERSON,
    PERSON_MOBILE,
    STRANGER_ID,
    World,
    liuzhou_officer_make,
    world_make,
)

from accounts.models import User
from audit.models import AuditEvent
from audit.selectors import chain_verify
from cases import crypto
from cases.retention import applicant_anonymise
from cases.services import applicant_change_name, case_close, case_resolve
from markets.models import Market, Region
from search.query import query_parse
from search.selectors import PAGE_SIZE, SearchResults, search_results
from search.services import search_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def liuzhou_officer(liuzhou: Region) -> User:
    return liuzhou_officer_make(liuzhou)


@pytest.fixture
def world(officer: User, liuzhou_officer: User, nanning_market: Market) -> World:
    return world_make(officer, liuzhou_officer, nanning_market)


def found(user: User, typed: str) -> SearchResults:
    return search_results(user=user, query=query_parse(typed))


def case_pks(results: SearchResults) -> set[int]:
    return {case.pk for case in results.cases}


def person_pks(results: SearchResults) -> set[int]:
    return {hit.applicant.pk for hit in results.persons}


def test_a_case_is_found_by_its_whole_reference_and_by_its_last_digits(
    officer: User, world: World
) -> None:
    assert case_pks(found(officer, world.first.reference)) == {world.first.pk}
    last_digits = world.second.reference[-4:]
    assert world.second.pk in case_pks(found(officer, last_digits))


def test_a_person_is_found_by_a_part_of_the_name_or_its_first_two_characters(
    officer: User, world: World
) -> None:
    for typed in (PERSON, "韦小"):
        results = found(officer, typed)
        assert person_pks(results) == {world.person.pk}, typed
    # Two characters are a prefix: the end of a three-character name is not (see search.index).
    assert person_pks(found(officer, "小宝")) == set()


def test_two_characters_match_a_name_from_its_start_only(officer: User, world: World) -> None:
    applicant_change_name(actor=officer, applicant=world.person, name="欧阳小宝", reason="更正")
    assert person_pks(found(officer, "欧阳")) == {world.person.pk}
    assert person_pks(found(officer, "阳小")) == set()
    assert person_pks(found(officer, "阳小宝")) == {world.person.pk}


def test_each_result_shows_the_latest_case_its_state_and_due_date(
    officer: User, world: World
) -> None:
    results = found(officer, PERSON)
    (hit,) = results.persons
    assert hit.latest_case is not None
    assert hit.latest_case.pk == world.second.pk
    assert (world.second.pk, "completion") in results.deadlines


def test_a_person_is_found_by_the_whole_id_number_through_the_lookup_hash(
    officer: User, world: World
) -> None:
    results = found(officer, ID_NUMBERS[0])
    assert person_pks(results) == {world.person.pk}
    assert case_pks(results) == {world.first.pk, world.second.pk}
    assert person_pks(found(officer, ID_NUMBERS[0][:17])) == set()  # no partial ID numbers


def test_a_person_and_their_cases_are_found_by_mobile_on_record_or_given_for_a_case(
    officer: User, world: World
) -> None:
    on_record = found(officer, PERSON_MOBILE)
    assert person_pks(on_record) == {world.person.pk}
    assert world.first.pk in case_pks(on_record)
    given = found(officer, f"+86 {CONTACT_MOBILE[:3]} {CONTACT_MOBILE[3:]}")
    assert person_pks(given) == {world.person.pk}
    assert case_pks(given) >= {world.second.pk}


def test_an_employer_is_found_by_name_or_credit_code_with_its_postings(
    officer: User, world: World
) -> None:
    for typed in (EMPLOYER, "邕江餐饮", CREDIT_CODE, CREDIT_CODE.lower()):
        results = found(officer, typed)
        assert {hit.applicant.pk for hit in results.employers} == {world.employer.pk}, typed
        assert {posting.pk for posting in results.postings} == {world.posting.pk}, typed


def test_a_posting_is_found_by_its_occupation_or_another_name_of_it(
    officer: User, world: World
) -> None:
    for typed in ("餐厅服务员", "服务员", "4-03-02"):
        assert {p.pk for p in found(officer, typed).postings} == {world.posting.pk}, typed
    assert list(found(officer, "搬运工").postings) == []


def test_nothing_of_another_market_is_found(officer: User, world: World) -> None:
    results = found(officer, PERSON)
    assert world.stranger.pk not in person_pks(results)
    assert found(officer, STRANGER_ID).empty
    assert found(officer, world.stranger_case.reference).empty
    assert found(officer, "13600009999").empty


def test_the_other_market_sees_its_own_person_only(liuzhou_officer: User, world: World) -> None:
    assert person_pks(found(liuzhou_officer, PERSON)) == {world.stranger.pk}
    assert found(liuzhou_officer, ID_NUMBERS[0]).empty
    assert found(liuzhou_officer, world.first.reference).empty
    assert list(found(liuzhou_officer, "服务员").postings) == []


def test_an_inspector_finds_everything_in_the_region_they_cover(
    inspector: User, world: World
) -> None:
    assert person_pks(found(inspector, PERSON)) == {world.person.pk, world.stranger.pk}
    assert case_pks(found(inspector, world.stranger_case.reference)) == {world.stranger_case.pk}
    assert {p.pk for p in found(inspector, "服务员").postings} == {world.posting.pk}


def test_a_renamed_person_is_found_by_the_new_name_only(officer: User, world: World) -> None:
    applicant_change_name(actor=officer, applicant=world.person, name="韦大宝", reason="更正")
    assert person_pks(found(officer, "韦大宝")) == {world.person.pk}
    assert person_pks(found(officer, "韦小宝")) == set()


def test_an_anonymised_person_is_no_longer_found_by_name_or_mobile(
    officer: User, world: World
) -> None:
    for case in (world.first, world.second):
        case_close(actor=officer, case=case_resolve(actor=officer, case=case, outcome="已答复"))
    applicant_anonymise(applicant=world.person)
    assert person_pks(found(officer, PERSON)) == set()
    assert found(officer, PERSON_MOBILE).empty
    assert found(officer, CONTACT_MOBILE).empty
    assert found(officer, ID_NUMBERS[0]).empty


def test_searching_decrypts_no_row(officer: User, world: World) -> None:
    with mock.patch.object(crypto, "personal_data_decrypt", side_effect=AssertionError):
        for typed in (ID_NUMBERS[0], PERSON_MOBILE, PERSON, CREDIT_CODE, "服务员", "0001"):
            found(officer, typed)


def test_a_search_by_id_number_or_mobile_is_an_audit_event_with_the_number_masked(
    officer: User, world: World
) -> None:
    before = AuditEvent.objects.count()
    search_run(actor=officer, query=query_parse(ID_NUMBERS[0]))
    search_run(actor=officer, query=query_parse(PERSON_MOBILE))
    search_run(actor=officer, query=query_parse(PERSON))  # a name: not audited
    events = list(AuditEvent.objects.filter(action="personal_data.searched").order_by("pk"))
    assert AuditEvent.objects.count() == before + 2
    by_id, by_mobile = events
    assert by_id.actor == officer
    assert by_id.market == world.first.market
    assert by_id.new_values == {
        "by": "id_number",
        "value": "450102********1238",
        "cases": 2,
        "persons": 1,
        "employers": 0,
        "postings": 0,
    }
    assert by_mobile.new_values["value"] == "138****8000"
    for event in events:
        assert ID_NUMBERS[0] not in str(event.new_values)
        assert PERSON_MOBILE not in str(event.new_values)
    assert chain_verify(chain=by_id.chain).ok


def test_an_inspector_s_search_by_id_number_is_audited_on_the_global_chain(
    inspector: User, world: World
) -> None:
    search_run(actor=inspector, query=query_parse(STRANGER_ID))
    event = AuditEvent.objects.get(action="personal_data.searched")
    assert event.market is None
    assert event.new_values["persons"] == 1


def _queries(django_assert_max_num_queries: Any, user: User, typed: str, limit: int) -> None:
    with django_assert_max_num_queries(limit):
        results = found(user, typed)
        # Touch what the page shows.
        for hit in [*results.persons, *results.employers]:
            _ = hit.applicant.name, hit.latest_case
        for case in results.cases:
            _ = case.market.name, case.applicant.name
        for posting in results.postings:
            _ = posting.occupation.name, posting.employer.name, posting.market.name


QUERY_LIMIT = 12


@pytest.mark.parametrize("typed", [PERSON, ID_NUMBERS[0], PERSON_MOBILE, "服务员", "0001"])
def test_the_number_of_queries_does_not_grow_with_the_results(
    django_assert_max_num_queries: Any,
    officer: User,
    world: World,
    typed: str,
) -> None:
    _queries(django_assert_max_num_queries, officer, typed, QUERY_LIMIT)
    for _ in range(PAGE_SIZE + 2):  # more than a page of each
        from conftest import case_make
        from counter_support import posting_make

        case_make(officer, applicant=world.person)
        posting_make(officer, world.first.market)
    from cases.services import applicant_person_register

    for n in range(PAGE_SIZE + 2):
        person = applicant_person_register(
            actor=officer, name=f"{PERSON}{n}", id_number=_id(n), mobile=PERSON_MOBILE
        )
        case_make(officer, applicant=person)
    _queries(django_assert_max_num_queries, officer, typed, QUERY_LIMIT)
    results = found(officer, typed)
    assert any(getattr(results, group).has_next for group in ("cases", "persons", "postings")), (
        typed
    )


def _id(n: int) -> str:
    from cases.identity import resident_id_check_character

    first = f"45010219800101{n:03d}"
    return first + resident_id_check_character(first)


def test_a_common_text_looks_at_a_capped_number_of_names_and_says_so(
    officer: User, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cases.services import applicant_person_register
    from search import selectors

    for n in range(3):
        person = applicant_person_register(
            actor=officer, name=f"{PERSON}{n}", id_number=_id(n), mobile=PERSON_MOBILE
        )
        from conftest import case_make

        case_make(officer, applicant=person)
    monkeypatch.setattr(selectors, "CANDIDATES", 2)
    results = found(officer, PERSON)
    assert results.capped == {"persons"}
    assert len(results.persons) <= 2  # the cap is on matches, before who may see them
    monkeypatch.setattr(selectors, "CANDIDATES", 200)
    results = found(officer, PERSON)
    assert results.capped == set()
    assert len(results.persons) == 4
