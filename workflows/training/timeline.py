"""Training referrals (培训推荐, art. 21) on the applicant's time line (``cases.timeline``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cases.timeline import Entry, Scope, TimelineSource

from .models import TrainingReferral


def _training(scope: Scope) -> QuerySet[TrainingReferral]:
    """The seeker's training referrals made in the markets ``user`` may see."""
    referrals: QuerySet[TrainingReferral] = TrainingReferral.objects.filter(
        seeker__applicant=scope.applicant, market_id__in=scope.market_ids
    ).select_related("market", "programme")
    return referrals


def _entry(referral: TrainingReferral) -> Entry:
    return Entry(
        at=referral.referred_at,
        source="training",
        label=_("Training referral"),
        title=referral.programme.title,
        state=str(referral.get_state_display()),
        link=("training", referral.pk),
        market=referral.market.name,
        due=referral.programme.ends_on,
    )


TRAINING = TimelineSource(
    code="training", label=_("Training"), rows=_training, when="referred_at", entry=_entry
)
