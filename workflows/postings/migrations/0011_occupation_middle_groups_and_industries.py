"""The 中类 of the occupational classification (``workflows.postings.occupation_data``) with every
occupation re-parented to its 中类 (its code is unchanged, so postings, seekers' codes and
training keep working); then the industries that can be inferred
(``workflows.postings.industry_inference``: an employer's from most of its postings, a
posting's from its employer); the rest stay unknown (NULL)."""

from django.db import migrations

from workflows.postings.industry_inference import industry_infer
from workflows.postings.occupation_data import MIDDLE_GROUPS

MAJOR, MIDDLE = 1, 2


def seed(apps, schema_editor):
    # Named ``seed``: tests/db_support.migration_seeds_run runs it again after a flush.
    Occupation = apps.get_model("postings", "Occupation")
    majors = {o.code: o for o in Occupation.objects.filter(level=MAJOR)}
    middles = {}
    for code, name in MIDDLE_GROUPS:
        middles[code], _created = Occupation.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": MIDDLE, "parent": majors[code.split("-")[0]]},
        )
    for occupation in Occupation.objects.filter(level__gt=MIDDLE):
        middle = middles.get("-".join(occupation.code.split("-")[:2]))
        parent = occupation.parent
        # Only a parent above the 中类 (the major group the first seed used) moves down.
        if middle is not None and (parent is None or parent.level < MIDDLE):
            occupation.parent = middle
            occupation.save(update_fields=["parent"])


def infer_industries(apps, schema_editor):
    industry_infer(
        applicant_model=apps.get_model("cases", "Applicant"),
        posting_model=apps.get_model("postings", "Posting"),
    )


def unseed_middle_groups(apps, schema_editor):
    Occupation = apps.get_model("postings", "Occupation")
    for occupation in Occupation.objects.filter(parent__level=MIDDLE):
        occupation.parent = occupation.parent.parent
        occupation.save(update_fields=["parent"])
    Occupation.objects.filter(level=MIDDLE, code__in=[c for c, _n in MIDDLE_GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("postings", "0010_posting_industry_and_local_occupations"),
        ("cases", "0015_industry_codes"),
    ]

    operations = [
        migrations.RunPython(seed, unseed_middle_groups),
        migrations.RunPython(infer_industries, migrations.RunPython.noop),
    ]
