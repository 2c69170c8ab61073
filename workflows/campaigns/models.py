"""Public employment campaigns and local events (公共就业服务专项活动, standard art. 11): job
fairs, the national special campaigns (春风行动, 就业援助月, 民营企业招聘月 …) and local events,
with the employers taking part, the postings offered, attendance and outcomes.

A campaign is not a request from an applicant, so it is no case: it has no applicant, no
first-contact officer and no time limit to meet. Its records are kept with field history and
every change is one event of the log (the ledger counts them).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Applicant
from markets.models import Market
from workflows.postings.models import Posting
from workflows.seekers.models import SeekerProfile


class Kind(models.TextChoices):
    JOB_FAIR = "job_fair", _("Job fair")
    SPECIAL = "special", _("Special campaign")
    LOCAL_EVENT = "local_event", _("Local event")


class Campaign(models.Model):
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="campaigns"
    )
    name = models.CharField(_("name (e.g. 春风行动)"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    place = models.CharField(_("place"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    postings = models.ManyToManyField(
        Posting, verbose_name=_("postings offered"), blank=True, related_name="campaigns"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical campaign"))

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("campaign or event")
        verbose_name_plural = _("campaigns and events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_ordered"
            )
        ]
        indexes = [models.Index(fields=["market", "-starts_on"])]

    def __str__(self) -> str:
        return self.name


class CampaignEmployer(models.Model):
    """An employer (用工主体, an organisation) taking part, with its booth (展位)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="employers"
    )
    employer = models.ForeignKey(
        Applicant, verbose_name=_("employer"), on_delete=models.PROTECT, related_name="+"
    )
    booth = models.CharField(_("booth (展位号)"), max_length=20, blank=True)

    history = HistoricalRecords(verbose_name=_("historical campaign employer"))

    class Meta:
        ordering = ["booth", "pk"]
        verbose_name = _("participating employer")
        verbose_name_plural = _("participating employers")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "employer"],
                name="campaign_employer_once",
                violation_error_message=_("This employer takes part already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.employer} @ {self.booth}"


class CampaignAttendance(models.Model):
    """Attendance of one day: either the people counted at the door that day (``headcount``),
    or one registered seeker recorded by name (``seeker``). The two are totalled apart: the
    door count already includes the registered seekers who came."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="attendance"
    )
    day = models.DateField(_("day"))
    headcount = models.PositiveIntegerField(_("people counted"), null=True, blank=True)
    seeker = models.ForeignKey(
        SeekerProfile,
        verbose_name=_("registered job seeker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name=_("historical campaign attendance"))

    class Meta:
        ordering = ["day", "pk"]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.CheckConstraint(
                condition=Q(headcount__isnull=True, seeker__isnull=False)
                | Q(headcount__isnull=False, seeker__isnull=True),
                name="campaign_attendance_count_or_seeker",
            ),
            models.UniqueConstraint(
                fields=["campaign", "day"],
                condition=Q(seeker__isnull=True),
                name="campaign_attendance_one_count_a_day",
            ),
            models.UniqueConstraint(
                fields=["campaign", "day", "seeker"],
                condition=Q(seeker__isnull=False),
                name="campaign_attendance_seeker_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.headcount or self.seeker_id}"


class CampaignOutcome(models.Model):
    """What came of the campaign, recorded as it is known: intentions reached (达成意向) and
    people hired (录用), overall or for one participating employer."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="outcomes"
    )
    employer = models.ForeignKey(
        CampaignEmployer,
        verbose_name=_("employer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
    )
    intentions = models.PositiveIntegerField(_("intentions reached (达成意向)"))
    hired = models.PositiveIntegerField(_("hired (录用)"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical campaign outcome"))

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("campaign outcome")
        verbose_name_plural = _("campaign outcomes")

    def __str__(self) -> str:
        return f"{self.intentions}/{self.hired}"
