"""The search box's access paths (see search/index.py for why these):

- PostgreSQL: the pg_trgm extension; GIN trigram indexes on the case reference and the
  applicant's name (any part of three characters or more: ``LIKE '%…%'``), and a
  ``varchar_pattern_ops`` b-tree on the name for two-character queries (a prefix: ``LIKE '张伟%'``).
- SQLite: FTS5 ``trigram`` tables of the case references and the applicants' names, kept in step
  by search/signals.py, filled here from the rows already there; a b-tree on the name for the
  two-character prefix (a range on the binary collation).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from search.operations import OnVendor

POSTGRESQL_INDEXES = [
    (
        "CREATE INDEX search_case_reference_trgm ON cases_case USING gin (reference gin_trgm_ops)",
        "DROP INDEX search_case_reference_trgm",
    ),
    (
        "CREATE INDEX search_applicant_name_trgm ON cases_applicant USING gin (name gin_trgm_ops)",
        "DROP INDEX search_applicant_name_trgm",
    ),
    (
        "CREATE INDEX search_applicant_name_prefix ON cases_applicant (name varchar_pattern_ops)",
        "DROP INDEX search_applicant_name_prefix",
    ),
]

SQLITE_TABLES = [
    (
        "CREATE VIRTUAL TABLE search_case_fts USING fts5("
        "reference, tokenize = 'trigram case_sensitive 1')",
        "DROP TABLE search_case_fts",
    ),
    (
        "INSERT INTO search_case_fts (rowid, reference) SELECT id, reference FROM cases_case",
        migrations.RunSQL.noop,
    ),
    (
        "CREATE VIRTUAL TABLE search_applicant_fts USING fts5("
        "name, tokenize = 'trigram case_sensitive 1')",
        "DROP TABLE search_applicant_fts",
    ),
    (
        "INSERT INTO search_applicant_fts (rowid, name) SELECT id, name FROM cases_applicant",
        migrations.RunSQL.noop,
    ),
    (
        "CREATE INDEX search_applicant_name_prefix ON cases_applicant (name)",
        "DROP INDEX search_applicant_name_prefix",
    ),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cases", "0010_mobile_lookup_index_fill"),
    ]

    operations = [
        OnVendor("postgresql", TrigramExtension()),
        *(OnVendor("postgresql", migrations.RunSQL(sql, reverse)) for sql, reverse in POSTGRESQL_INDEXES),
        *(OnVendor("sqlite", migrations.RunSQL(sql, reverse)) for sql, reverse in SQLITE_TABLES),
    ]
