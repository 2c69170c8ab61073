"""The notice board of a market (公示栏, standard art. 19–21, 24) and the staff's training
records (工作人员培训, art. 28).

- :class:`PolicyArticle`: an employment policy (就业政策) published on the board, by the market
  that maintains it; with ``region`` set it is shown on every market under that region.
- :class:`NoticeBlock`: the market's own short texts: start-up services, service rules,
  complaint channels.
- :class:`CaseCitation`: a policy consultation case citing an article.
- :class:`StaffTraining`: one training a member of staff took.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case
from markets.models import Market, Region


class PolicyArticle(models.Model):
    """An employment policy on the notice board (就业政策公示). Current while ``archived_on`` is
    empty or still ahead; archived (历史政策) from that day on."""

    market = models.ForeignKey(
        Market,
        verbose_name=_("market that maintains it"),
        on_delete=models.PROTECT,
        related_name="policy_articles",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region-wide (全区域适用)"),
        on_delete=models.PROTECT,
        related_name="policy_articles",
        null=True,
        blank=True,
        help_text=_("Shown on the board of every market in this region."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    issuing_body = models.CharField(_("issuing body (发文机关)"), max_length=100)
    document_number = models.CharField(_("document number (文号)"), max_length=100, blank=True)
    published_on = models.DateField(_("published on"))
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    source_url = models.URLField(_("source (link)"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical policy article"))

    class Meta:
        ordering = ["-published_on", "-pk"]
        verbose_name = _("policy article")
        verbose_name_plural = _("policy articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(archived_on__isnull=True)
                | Q(archived_on__gte=models.F("published_on")),
                name="policy_article_archived_after_published",
                violation_error_message=_("A policy is archived on or after its publication."),
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticeBlock(models.Model):
    """A short text of a market's board (start-up services, service rules, complaint
    channels). The service rules and complaint channels have default texts in the page; a
    block replaces them."""

    class Kind(models.TextChoices):
        START_UP = "start_up", _("Start-up services")
        SERVICE_RULES = "service_rules", _("Service rules")
        COMPLAINT_CHANNELS = "complaint_channels", _("Complaint channels")

    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="notice_blocks"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    body = models.TextField(_("text"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("changed at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical notice board text"))

    class Meta:
        ordering = ["market", "kind"]
        verbose_name = _("notice board text")
        verbose_name_plural = _("notice board texts")
        constraints = [
            models.UniqueConstraint(fields=["market", "kind"], name="notice_block_one_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.market} · {self.get_kind_display()}"


class CaseCitation(models.Model):
    """A policy article cited on a policy consultation case (政策咨询引用)."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="policy_citations"
    )
    article = models.ForeignKey(
        PolicyArticle,
        verbose_name=_("policy article"),
        on_delete=models.PROTECT,
        related_name="citations",
    )
    cited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("cited at"), default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("policy citation")
        verbose_name_plural = _("policy citations")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "article"],
                name="case_citation_once",
                violation_error_message=_("This case cites this policy already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.article}"


class StaffTraining(models.Model):
    """A training a member of staff took (工作人员培训记录, standard art. 28), recorded by a
    team lead of the market they work in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.PROTECT,
        related_name="trainings",
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="staff_trainings"
    )
    title = models.CharField(_("training"), max_length=200)
    provider = models.CharField(_("provider"), max_length=200)
    date = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    certificate = models.CharField(_("certificate"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical staff training"))

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("staff training")
        verbose_name_plural = _("staff trainings")
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0),
                name="staff_training_hours_positive",
                violation_error_message=_("A training lasts more than zero hours."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.title} ({self.date})"
