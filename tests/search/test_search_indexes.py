"""Issue 10, item 1: the search app's access paths exist and serve the queries it makes —
PostgreSQL: pg_trgm GIN indexes answering ``LIKE '%…%'`` and a pattern b-tree answering the
two-character prefix; SQLite: the FTS5 trigram tables, kept in step by the signals and refilled
by ``search_index_rebuild`` after a bulk load."""

from __future__ import annotations

import io
from typing import Any

import pytest
from conftest import UserFactory, applicant_make
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from cases.models import Applicant, Case
from search.index import name_match, reference_part_match
from search.query import query_parse
from search.selectors import search_results

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the PostgreSQL access paths"
)
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite access paths")


def _plan(sql: str, params: tuple[Any, ...]) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # the plan on a big table, not on 0 rows
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only
def test_postgresql_has_pg_trgm_and_the_search_indexes() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == ("pg_trgm",)
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'search_%%'")
        assert {row[0] for row in cursor.fetchall()} == {
            "search_case_reference_trgm",
            "search_applicant_person_name_trgm",
            "search_applicant_organisation_name_trgm",
            "search_applicant_name_prefix",
        }


@postgresql_only
@pytest.mark.parametrize(
    ("text", "kind", "index"),
    [
        ("小宝路", Applicant.Kind.PERSON, "search_applicant_person_name_trgm"),
        ("有限公司", Applicant.Kind.ORGANISATION, "search_applicant_organisation_name_trgm"),
        ("韦小", Applicant.Kind.PERSON, "search_applicant_name_prefix"),
    ],
)
def test_postgresql_answers_a_name_from_its_index(text: str, kind: str, index: str) -> None:
    """A kind's names from that kind's own trigram index: looking for people never reads the
    employers a text common among them ("有限公司") matches."""
    matches = Applicant.objects.filter(name_match(text), kind=kind)
    sql, params = matches.query.sql_with_params()
    assert index in _plan(sql, tuple(params))


@postgresql_only
def test_postgresql_answers_a_part_of_a_reference_from_its_index() -> None:
    sql, params = Case.objects.filter(reference_part_match("0123")).query.sql_with_params()
    assert "search_case_reference_trgm" in _plan(sql, tuple(params))


@sqlite_only
def test_sqlite_has_the_fts5_trigram_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE name LIKE 'search_%_fts'")
        tables = " ".join(row[0] for row in cursor.fetchall())
    assert "search_case_fts" in tables and "search_applicant_fts" in tables
    assert tables.count("trigram") == 2


@sqlite_only
def test_sqlite_answers_a_name_from_the_fts_table_and_two_characters_from_the_name_index() -> None:
    sql, params = Applicant.objects.filter(name_match("小宝路")).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        assert "search_applicant_fts VIRTUAL TABLE" in str(cursor.fetchall())
    sql, params = Applicant.objects.filter(name_match("韦小")).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        assert "search_applicant_name_prefix" in str(cursor.fetchall())


def test_a_bulk_load_is_found_after_search_index_rebuild() -> None:
    Applicant.objects.bulk_create([Applicant(kind=Applicant.Kind.PERSON, name="覃小宝路")])
    if connection.vendor == "sqlite":  # bulk_create sends no signal
        assert not Applicant.objects.filter(name_match("小宝路")).exists()
    call_command("search_index_rebuild", stdout=io.StringIO())
    assert Applicant.objects.filter(name_match("小宝路")).exists()


@sqlite_only
@pytest.mark.parametrize(
    "typed",
    ["450102199003071238", "13800138000", "91450100MA5K3D8Q0N", "450100-2026-000001", "韦小宝路"],
)
def test_sqlite_reads_no_applicant_or_case_table_in_full_for_a_search(
    typed: str, officer: User
) -> None:
    """Every statement the search runs, explained: the applicants and the cases are reached
    through an index (the partial unique indexes of ID numbers and credit codes only when the
    query repeats their condition), never scanned."""
    with CaptureQueriesContext(connection) as captured:
        search_results(user=officer, query=query_parse(typed))
    scans = []
    with connection.cursor() as cursor:
        for statement in captured.captured_queries:
            if not statement["sql"].startswith("SELECT"):
                continue
            cursor.execute(f"EXPLAIN QUERY PLAN {statement['sql']}")
            for row in cursor.fetchall():
                detail = row[-1]
                if detail.startswith("SCAN cases_applicant") or detail.startswith(
                    "SCAN cases_case"
                ):
                    scans.append((detail, statement["sql"][:120]))
    assert scans == []


@pytest.mark.django_db(transaction=True)
def test_after_a_flush_a_new_person_is_found_by_name_under_an_id_used_again(officer: User) -> None:
    """``manage.py flush`` empties the tables and starts the ids from 1 again, but leaves the
    SQLite search tables (no models): the person who gets a flushed one's id is indexed under
    it with their own name, not refused as a clash."""
    applicant_make(officer, name="韦小宝")
    call_command("flush", interactive=False, verbosity=0)

    officer = UserFactory.create(username="officer_again")
    taken_in = applicant_make(officer, name="黄大年")

    assert list(Applicant.objects.filter(name_match("黄大年"))) == [taken_in]
    assert not Applicant.objects.filter(name_match("韦小宝")).exists()
