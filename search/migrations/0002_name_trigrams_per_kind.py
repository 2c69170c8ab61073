"""PostgreSQL: the name's trigram index split by the applicant's kind (partial GIN indexes).

The search box looks for people and for employers separately. With one index over both, a text
common among employers ("有限公司") made the people's look-up read every employer it matched
(ten thousand rows at a million cases) only to drop them all for their kind; each kind's own
index holds only its own names. SQLite's FTS5 table is unchanged (its look-up is by rowid).
"""

from django.db import migrations

from search.operations import OnVendor

KINDS = ("person", "organisation")

# Kinds are code constants ("person", "organisation"), never typed.
CREATE = "CREATE INDEX search_applicant_{kind}_name_trgm ON cases_applicant USING gin (name gin_trgm_ops) WHERE kind = '{kind}'"  # noqa: E501
DROP = "DROP INDEX search_applicant_{kind}_name_trgm"
ONE_INDEX = "CREATE INDEX search_applicant_name_trgm ON cases_applicant USING gin (name gin_trgm_ops)"


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_indexes"),
    ]

    operations = [
        *(
            OnVendor(
                "postgresql",
                migrations.RunSQL(CREATE.format(kind=kind), DROP.format(kind=kind)),
            )
            for kind in KINDS
        ),
        OnVendor(
            "postgresql",
            migrations.RunSQL("DROP INDEX search_applicant_name_trgm", ONE_INDEX),
        ),
    ]
