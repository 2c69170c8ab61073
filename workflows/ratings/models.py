"""Satisfaction ratings (政务服务好差评): one rating per case, given by the applicant once the
case is resolved, on one of the five levels of the national good/poor rating system; the
rectification (差评整改) a poor rating opens; and the single-use links sent in the completion
text message.

A rating names who and what it rates as they were when it was given (the officer who owned the
case at its resolution, the kind of service, the market), so the monthly roll-ups never change
when a case is later reassigned or moved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case, State
from markets.models import Market

COMMENT_MAX = 500


class Level(models.TextChoices):
    """The five levels of 政务服务好差评, best first."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")


# 满意度 counts the first three; the last two are poor ratings (差评) and open a rectification.
SATISFIED_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASICALLY_SATISFIED)
POOR_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
# The states in which a case can be rated.
RATED_STATES = (State.RESOLVED, State.CLOSED)


class RatingChannel(models.TextChoices):
    COUNTER_TABLET = "counter_tablet", _("Counter tablet")
    KIOSK = "kiosk", _("Self-service kiosk")
    SMS_LINK = "sms_link", _("Link in the completion text message")
    ONLINE = "online", _("Online")


class Rating(models.Model):
    """The applicant's rating of one case (好差评)."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="rating"
    )
    level = models.CharField(_("rating (评价等级)"), max_length=20, choices=Level.choices)
    comment = models.CharField(_("comment"), max_length=COMMENT_MAX, blank=True)
    channel = models.CharField(_("rated through"), max_length=16, choices=RatingChannel.choices)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratings",
        help_text=_("The case's owner when it was resolved."),
    )
    kind = models.CharField(_("service"), max_length=40)
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="ratings"
    )
    rated_at = models.DateTimeField(_("rated at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical rating"))

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        indexes = [
            # The monthly roll-ups: a market's (or markets') ratings of a month.
            models.Index(fields=["market", "rated_at"], name="rating_market_rated"),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.get_level_display()}"

    @property
    def is_poor(self) -> bool:
        return self.level in POOR_LEVELS


class Rectification(models.Model):
    """The rectification (差评整改) of a poor rating: a case of kind ``rating_rectification``
    with the team lead, closed only after a return visit (回访) to the applicant."""

    case = models.OneToOneField(
        Case,
        verbose_name=_("rectification case"),
        on_delete=models.PROTECT,
        related_name="rectification",
    )
    rating = models.OneToOneField(
        Rating, verbose_name=_("rating"), on_delete=models.PROTECT, related_name="rectification"
    )
    visited_on = models.DateField(_("return visit on (回访日期)"), null=True, blank=True)
    visit_outcome = models.TextField(_("outcome of the return visit"), blank=True)
    visit_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("return visit recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    visit_recorded_at = models.DateTimeField(_("return visit recorded at"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("historical rectification"))

    class Meta:
        verbose_name = _("rectification")
        verbose_name_plural = _("rectifications")

    def __str__(self) -> str:
        return self.case.reference


class RatingLink(models.Model):
    """One rating link sent in a completion text message: the signed token carries the case
    and this row's ``nonce``; the row says whether the link has been used."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="rating_links"
    )
    nonce = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rating link")
        verbose_name_plural = _("rating links")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.nonce[:6]}"
