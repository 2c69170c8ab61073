"""How a part of a Chinese name or of a case reference is found fast, on each database.

Chinese is written without spaces, so a word tokeniser (PostgreSQL's ``to_tsvector``, FTS5's
``unicode61``) sees "张伟明" as one word and cannot find "伟明" in it. Trigrams need no
tokeniser: every run of three characters is a key, and a query of three or more characters is
found as the intersection of its trigrams, then checked. Both databases ship them:

- PostgreSQL: ``pg_trgm`` GIN indexes (``gin_trgm_ops``) on ``cases_case.reference`` and
  ``cases_applicant.name``; the query is a plain ``LIKE '%…%'`` on the row itself (Django's
  ``contains``), which the planner answers from the index. The database's ctype must class CJK
  characters as letters (C.UTF-8, zh_CN.UTF-8 and en_US.UTF-8 do), or pg_trgm drops them.
- SQLite: FTS5 with the ``trigram`` tokenizer (SQLite ≥ 3.34), in tables of our own
  (``search_case_fts``, ``search_applicant_fts``, rowid = the row's primary key), kept in step
  by ``search/signals.py`` on every save and delete, and rebuilt in bulk by
  ``search_index_rebuild`` after bulk loads (which send no signals). A phrase query
  (``MATCH '"伟明路"'``) is a substring match.

Why not a portable n-gram table of our own: it would need bigrams to serve two-character
queries, and a bigram such as "有限" (in every company name) or "00" (in every reference)
lists most of the table; trigram indexes are built into both databases and maintained by them
(or, for FTS5, by one statement per save).

Two characters: a trigram needs three. A two-character query is a whole two-character name
(张伟) or a name's first two characters, so it is served by a prefix on a b-tree index on the
name (PostgreSQL ``varchar_pattern_ops``, so ``LIKE '张伟%'`` uses it whatever the collation;
SQLite a range on the binary collation, ``name >= '张伟' AND name < '张伟\\U0010ffff'``, since
SQLite's LIKE uses no index on a case-sensitive column). Postings are found by occupation (the
classification has a few thousand rows: a plain scan) and by their employer's name.

Latin letters match case-sensitively on both (FTS5 ``case_sensitive 1``, as ``LIKE`` is on
PostgreSQL): the same query finds the same rows on either database.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from .query import fts5_phrase

TRIGRAM = 3
# Above every character: the end of a prefix range on SQLite's binary (UTF-8 byte) order.
_PREFIX_END = "\U0010ffff"


def _sqlite() -> bool:
    return connection.vendor == "sqlite"


def name_match(text: str, *, field: str = "name") -> Q:
    """Applicants (persons and organisations) whose name contains ``text`` (at least three
    characters), or begins with it (two)."""
    if len(text) < TRIGRAM:
        if _sqlite():
            return Q(**{f"{field}__gte": text, f"{field}__lt": text + _PREFIX_END})
        return Q(**{f"{field}__startswith": text})
    if _sqlite():
        return Q(pk__in=_fts_rowids("search_applicant_fts", text))
    return Q(**{f"{field}__contains": text})


def reference_part_match(text: str) -> Q:
    """Cases whose reference contains ``text`` (at least three characters: e.g. the last
    digits of the sequence number)."""
    if _sqlite():
        return Q(pk__in=_fts_rowids("search_case_fts", text))
    return Q(reference__contains=text)


def _fts_rowids(table: str, text: str) -> RawSQL:
    # The table name is one of ours, never typed; the text is a bound parameter.
    sql = f"SELECT rowid FROM {table} WHERE {table} MATCH %s"  # noqa: S608
    return RawSQL(sql, [fts5_phrase(text)])  # noqa: S611


def ids_capped(ids: QuerySet[Any, int], cap: int) -> list[int]:
    """At most ``cap`` of the ids ``ids`` selects, in no order, read from the index whatever
    the planner guesses. On PostgreSQL the query is a MATERIALIZED CTE under the LIMIT: with a
    bare ``LIMIT`` the planner, guessing that a common text such as "有限公司" matches many
    people, walks the whole table hoping to stop early, and finds none (they are employers)."""
    if connection.vendor != "postgresql":
        return list(ids[:cap])
    sql, params = ids.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH matches AS MATERIALIZED ({sql}) SELECT * FROM matches LIMIT %s",  # noqa: S608
            [*params, cap],
        )
        return [row[0] for row in cursor.fetchall()]


# --- Keeping the SQLite tables in step (search/signals.py calls these) ---------------------------


def fts_put(table: str, rows: list[tuple[int, str]]) -> None:
    """Index each (id, text) of ``table`` (``case``: the reference; ``applicant``: the name) in
    one statement, replacing what is indexed under the id: a name corrected, or an id used
    again after the rows were emptied (``manage.py flush`` starts the ids from 1 again and
    leaves these tables, which are no models)."""
    if not _sqlite() or not rows:
        return
    column = {"case": "reference", "applicant": "name"}[table]
    sql = f"INSERT OR REPLACE INTO search_{table}_fts (rowid, {column}) VALUES (%s, %s)"  # noqa: S608 (fixed names)
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[pk, text] for pk, text in rows])


def fts_remove(table: str, pk: int) -> None:
    if _sqlite():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM search_{table}_fts WHERE rowid = %s", [pk])  # noqa: S608


def search_index_rebuild() -> None:
    """Refill the SQLite tables from the rows (after a bulk load, which sends no signals).
    Nothing to do on PostgreSQL, whose indexes keep themselves."""
    if not _sqlite():
        return
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_case_fts")
        cursor.execute(
            "INSERT INTO search_case_fts (rowid, reference) SELECT id, reference FROM cases_case"
        )
        cursor.execute("DELETE FROM search_applicant_fts")
        cursor.execute(
            "INSERT INTO search_applicant_fts (rowid, name) SELECT id, name FROM cases_applicant"
        )
        cursor.execute("INSERT INTO search_case_fts (search_case_fts) VALUES ('optimize')")
        cursor.execute(
            "INSERT INTO search_applicant_fts (search_applicant_fts) VALUES ('optimize')"
        )
