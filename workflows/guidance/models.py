"""Recommendations of a job seeker for a posting (岗位推荐, standard art. 17), and what came of
them.

The outcome's state graph lives on :class:`Referral` (transitions named as verbs, thin bodies
that set fields); ``workflows/guidance/services.py`` runs them: lock, check, transition, save,
audit.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from cases import permissions as can
from markets.models import Market
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile


class Outcome(models.TextChoices):
    RECOMMENDED = "recommended", _("Recommended")  # 已推荐: shown to the seeker
    REFERRED = "referred", _("Referred")  # 已转介: sent to the employer
    INTERVIEWED = "interviewed", _("Interviewed")  # 已面试
    HIRED = "hired", _("Hired")  # 已录用
    DECLINED = "declined", _("Declined")  # 未成功: either side said no


def _staff(referral: Any, user: Any) -> bool:
    """An officer or team lead of the referral's market, or of the posting's market."""
    return can.works_in(user, referral.market_id) or can.works_in(user, referral.posting.market_id)


class Referral(ConcurrentTransitionMixin, models.Model):
    """A posting recommended to a seeker by an officer (推荐就业), with the score and reasons
    of the match as they were then (the snapshot does not change when either side does).

    One per seeker and posting: recommending again is the same referral."""

    seeker = models.ForeignKey(
        SeekerProfile,
        verbose_name=_("job seeker"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    posting = models.ForeignKey(
        Posting, verbose_name=_("job posting"), on_delete=models.PROTECT, related_name="referrals"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="+"
    )
    recommended_at = models.DateTimeField(_("recommended at"), default=timezone.now)
    score = models.PositiveSmallIntegerField(_("match score (0–100)"))
    reasons = models.JSONField(_("reasons of the match (匹配理由)"), default=list)
    outcome = FSMField(
        _("outcome (推荐结果)"),
        default=Outcome.RECOMMENDED,
        choices=Outcome.choices,
        protected=True,
        max_length=12,
    )
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(verbose_name=_("historical referral"))

    class Meta:
        ordering = ["-recommended_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["seeker", "posting"],
                name="referral_one_per_seeker_and_posting",
                violation_error_message=_("This seeker was recommended for this posting already."),
            )
        ]
        indexes = [models.Index(fields=["market", "-recommended_at"])]

    def __str__(self) -> str:
        return f"{self.seeker_id} → {self.posting_id} ({self.outcome})"

    # --- The state graph ---------------------------------------------------------------------
    # Forward only. An interview is skipped when the employer takes the seeker on the spot
    # (common for gig work); declined ends any referral still open.

    @transition(
        field=outcome, source=Outcome.RECOMMENDED, target=Outcome.REFERRED, permission=_staff
    )
    def refer(self) -> None:
        self.outcome_at = timezone.now()

    @transition(
        field=outcome, source=Outcome.REFERRED, target=Outcome.INTERVIEWED, permission=_staff
    )
    def interview(self) -> None:
        self.outcome_at = timezone.now()

    @transition(
        field=outcome,
        source=[Outcome.REFERRED, Outcome.INTERVIEWED],
        target=Outcome.HIRED,
        permission=_staff,
    )
    def hire(self) -> None:
        self.outcome_at = timezone.now()

    @transition(
        field=outcome,
        source=[Outcome.RECOMMENDED, Outcome.REFERRED, Outcome.INTERVIEWED],
        target=Outcome.DECLINED,
        permission=_staff,
    )
    def decline(self) -> None:
        self.outcome_at = timezone.now()


# The transition that leads to each outcome.
OUTCOME_TRANSITIONS = {
    Outcome.REFERRED: "refer",
    Outcome.INTERVIEWED: "interview",
    Outcome.HIRED: "hire",
    Outcome.DECLINED: "decline",
}
