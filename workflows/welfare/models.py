"""Applications for public-welfare jobs (公益性岗位申请, standard art. 20) and the placements
they lead to (上岗安置), with the job subsidy's period (岗位补贴期限).

The application's state graph lives on :class:`Application` (transitions named as verbs, thin
bodies that set fields); ``workflows/welfare/services.py`` runs them and drives the case of kind
``welfare_application`` through the case engine: the case resolves at placement or decline.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from cases import permissions as can
from cases.models import Case
from markets.models import Market
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile

SUBSIDY_MONTHS_MAX = 36  # 公益性岗位补贴期限一般不超过三年


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on; the 31st of a shorter month becomes its
    last day (2026-01-31 + 1 month = 2026-02-28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Status(models.TextChoices):
    APPLIED = "applied", _("Applied")  # 已申请: waiting for the team lead
    APPROVED = "approved", _("Approved")  # 审核通过: waiting to start work
    PLACED = "placed", _("Placed")  # 已上岗
    DECLINED = "declined", _("Declined")  # 未通过


def _lead(application: Any, user: Any) -> bool:
    """Decisions reserved to the market's team lead (approve, decline)."""
    return can.leads(user, application.market_id)


def _case_worker(application: Any, user: Any) -> bool:
    """The case's owner or a team lead of its market (who may resolve the case)."""
    return can.work_on(application.case, user)


class Application(ConcurrentTransitionMixin, models.Model):
    """A seeker's application for a public-welfare posting, checked against the posting's
    eligibility when it is taken in. One case per application."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="welfare_application"
    )
    seeker = models.ForeignKey(
        SeekerProfile,
        verbose_name=_("job seeker"),
        on_delete=models.PROTECT,
        related_name="welfare_applications",
    )
    posting = models.ForeignKey(
        Posting,
        verbose_name=_("public-welfare job (公益性岗位)"),
        on_delete=models.PROTECT,
        related_name="welfare_applications",
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="+"
    )
    categories_matched = models.JSONField(
        _("categories that qualify (符合的就业困难人员类别)"), default=list
    )
    status = FSMField(
        _("status"), default=Status.APPLIED, choices=Status.choices, protected=True, max_length=12
    )
    applied_at = models.DateTimeField(_("applied at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("reason or note of the decision"), blank=True)

    history = HistoricalRecords(verbose_name=_("historical public-welfare job application"))

    class Meta:
        ordering = ["-applied_at", "-pk"]
        verbose_name = _("public-welfare job application")
        verbose_name_plural = _("public-welfare job applications")
        constraints = [
            models.UniqueConstraint(
                fields=["seeker", "posting"],
                condition=~Q(status="declined"),
                name="welfare_one_live_application_per_seeker_and_posting",
                violation_error_message=_("This seeker has applied for this job already."),
            )
        ]
        indexes = [models.Index(fields=["market", "status", "-applied_at"])]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.get_status_display()}"

    # --- The state graph ---------------------------------------------------------------------

    @transition(field=status, source=Status.APPLIED, target=Status.APPROVED, permission=_lead)
    def approve(self, *, by: object, note: str) -> None:
        self.decided_by = by  # type: ignore[assignment]
        self.decided_at = timezone.now()
        self.decision_note = note

    @transition(
        field=status,
        source=[Status.APPLIED, Status.APPROVED],
        target=Status.DECLINED,
        permission=_lead,
    )
    def decline(self, *, by: object, reason: str) -> None:
        self.decided_by = by  # type: ignore[assignment]
        self.decided_at = timezone.now()
        self.decision_note = reason

    @transition(field=status, source=Status.APPROVED, target=Status.PLACED, permission=_case_worker)
    def place(self) -> None:
        """Started work: the placement is recorded beside it."""


class Placement(models.Model):
    """A seeker at work in a public-welfare job (上岗), with the job subsidy's period: from the
    first day for ``subsidy_months`` months, ``subsidy_ends_on`` being ``starts_on`` moved that
    many months on (see :func:`add_months`)."""

    class EndReason(models.TextChoices):
        SUBSIDY_EXPIRED = "subsidy_expired", _("Subsidy period over")  # 补贴期满
        FOUND_STABLE_JOB = "stable_job", _("Moved on to a stable job")  # 转入稳定就业
        RESIGNED = "resigned", _("Resigned")  # 本人辞职
        DISMISSED = "dismissed", _("Dismissed or contract ended")  # 解除劳动关系
        OTHER = "other", _("Other")

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="placement",
    )
    seeker = models.ForeignKey(
        SeekerProfile, verbose_name=_("job seeker"), on_delete=models.PROTECT, related_name="+"
    )
    posting = models.ForeignKey(
        Posting,
        verbose_name=_("public-welfare job (公益性岗位)"),
        on_delete=models.PROTECT,
        related_name="welfare_placements",
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("first day at work (上岗日期)"))
    subsidy_months = models.PositiveSmallIntegerField(_("subsidy period (months)"))
    subsidy_ends_on = models.DateField(_("subsidy period ends (补贴期满)"), editable=False)
    subsidy_monthly_amount = models.DecimalField(
        _("monthly subsidy (元/月, 岗位补贴)"), max_digits=8, decimal_places=2
    )
    ended_on = models.DateField(_("left the job on"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=16, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical public-welfare placement"))

    class Meta:
        ordering = ["subsidy_ends_on", "pk"]
        verbose_name = _("public-welfare placement")
        verbose_name_plural = _("public-welfare placements")
        constraints = [
            models.CheckConstraint(
                condition=Q(subsidy_months__gte=1, subsidy_months__lte=SUBSIDY_MONTHS_MAX),
                name="welfare_subsidy_months_in_range",
            ),
            models.CheckConstraint(
                condition=Q(subsidy_monthly_amount__gt=0), name="welfare_subsidy_positive"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("starts_on")),
                name="welfare_placement_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["market", "ended_on", "subsidy_ends_on"])]

    def __str__(self) -> str:
        return f"{self.seeker} → {self.posting} ({self.starts_on})"
