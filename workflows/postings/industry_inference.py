"""Filling in industries (行业) that can be inferred, for the data migration that brought them
in (and for any later run over older records). The rule, in two steps:

1. An employer without an industry takes the one that *most* of its postings carry, when one
   industry leads outright; a tie between the leaders, or no posting with an industry, leaves
   the employer unknown.
2. A posting without an industry takes its employer's (after step 1).

Everything else stays empty, which means unknown (未知): the statistics show it as its own
"unknown" row, never guess it. The models are passed in so that a migration can hand in its
historical models; like every migration, this writes no history rows (it fills what was never
recorded, it changes nothing that was).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Subquery

BATCH = 1000


@dataclass(frozen=True)
class Inferred:
    employers: int
    postings: int


def leading_industry(counts: dict[int, int]) -> int | None:
    """The industry with strictly more postings than any other, or None (none, or a tie)."""
    if not counts:
        return None
    ranked = sorted(counts.items(), key=lambda item: item[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return None
    return ranked[0][0]


def industry_infer(*, applicant_model: Any, posting_model: Any) -> Inferred:
    """Apply the two steps above; return how many employers and postings were filled."""
    per_employer: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        posting_model.objects.filter(industry__isnull=False, employer__industry__isnull=True)
        .values("employer_id", "industry_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        per_employer[row["employer_id"]][row["industry_id"]] = row["n"]
    chosen = {
        employer_id: industry_id
        for employer_id, counts in per_employer.items()
        if (industry_id := leading_industry(counts)) is not None
    }
    employers = list(applicant_model.objects.filter(pk__in=list(chosen)).only("pk", "industry"))
    for employer in employers:
        employer.industry_id = chosen[employer.pk]
    applicant_model.objects.bulk_update(employers, ["industry"], batch_size=BATCH)

    employer_industry = applicant_model.objects.filter(pk=OuterRef("employer_id")).values(
        "industry_id"
    )[:1]
    postings = posting_model.objects.filter(
        industry__isnull=True, employer__industry__isnull=False
    ).update(industry_id=Subquery(employer_industry))
    return Inferred(employers=len(employers), postings=postings)
