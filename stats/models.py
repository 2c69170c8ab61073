"""Frozen monthly figures (standard art. 15): one row per scope (a market, a city, the
province), month and revision. A published snapshot is never recomputed or changed: a
correction is a new revision with its reason (``stats.services.stats_publish``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from markets.models import Market, Region


class Scope(models.TextChoices):
    MARKET = "market", _("Market")
    REGION = "region", _("City")
    PROVINCE = "province", _("Province")


class MonthlySnapshot(models.Model):
    """The figures of one calendar month for one scope, as published (月度统计快照)."""

    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    # "market:<id>", "region:<code>", "province:<code>": one key for the uniqueness rule.
    scope_key = models.CharField(_("scope key"), max_length=24, editable=False)
    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    revision_reason = models.CharField(_("reason for the revision"), max_length=200, blank=True)
    figures = models.JSONField(_("figures"))
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("monthly statistics snapshot")
        verbose_name_plural = _("monthly statistics snapshots")
        ordering = ["-year", "-month", "scope_key", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "year", "month", "revision"],
                name="stats_snapshot_one_per_revision",
            ),
        ]
        indexes = [
            # The latest published revision of a scope (the big screen, the notice board).
            models.Index(
                fields=["scope_key", "-year", "-month", "-revision"], name="stats_snapshot_latest"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_key} {self.year}-{self.month:02d} r{self.revision}"


class MonthlyDraft(models.Model):
    """The figures of a month not yet published, computed in the background (every hour,
    ``stats.services.stats_drafts_refresh``) so that the statistics page reads them instead of
    counting a province's millions of records while its reader waits. Replaced at each
    computation; never shown as published, always with the time it was computed."""

    scope_key = models.CharField(_("scope key"), max_length=24)
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    figures = models.JSONField(_("figures"))
    # Only the headline figures (openings, seekers, the ratio, the wage) of a month the
    # comparisons of a drafted month look back to, not published: never shown as the month.
    headline_only = models.BooleanField(_("headline figures only"), default=False)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("provisional monthly figures")
        verbose_name_plural = _("provisional monthly figures")
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "year", "month"], name="stats_draft_one_per_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope_key} {self.year}-{self.month:02d} (provisional)"
