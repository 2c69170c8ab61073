"""Complaints and rights protection (投诉与维权, standard art. 24).

A complaint is a case of kind ``complaint`` with the details below, and at most one open
referral to labour inspection (劳动保障监察) at a time, tracked step by step.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from cases.models import Applicant, Case
from workflows.postings.models import Posting


class Category(models.TextChoices):
    WAGE_ARREARS = "wage_arrears", _("Wage arrears")
    DISCRIMINATION = "discrimination", _("Employment discrimination")
    UNSAFE_WORK = "unsafe_work", _("Unsafe work")
    CONTRACT_PAY = "contract_pay", _("Contract or pay-method dispute")
    WORKER_FEES = "worker_fees", _("Fees charged to workers")
    MARKET_SERVICE = "market_service", _("The market's own service")


class Status(models.TextChoices):
    FILED = "filed", _("Waiting for the acceptance decision")
    ACCEPTED = "accepted", _("Accepted")
    REFERRED = "referred", _("With labour inspection")
    DECLINED = "declined", _("Not accepted")
    RESOLVED = "resolved", _("Resolved")


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NEUTRAL = "neutral", _("Neither satisfied nor dissatisfied")
    SOMEWHAT_DISSATISFIED = "somewhat_dissatisfied", _("Somewhat dissatisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")


class Complaint(models.Model):
    """One complaint (投诉): who complains, against whom, about what, and what they want."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="complaint"
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    anonymous = models.BooleanField(
        _("anonymous to the employer"),
        default=False,
        help_text=_("The employer and any referral never learn who complained."),
    )
    employer = models.ForeignKey(
        Applicant,
        verbose_name=_("employer (用工主体)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_against",
    )
    employer_name = models.CharField(_("employer"), max_length=100, blank=True)
    posting = models.ForeignKey(
        Posting,
        verbose_name=_("job posting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
    )
    description = models.TextField(_("what happened"))
    desired_outcome = models.TextField(_("outcome wanted"), blank=True)
    status = FSMField(
        _("status"), default=Status.FILED, choices=Status.choices, protected=True, max_length=12
    )
    decided_at = models.DateTimeField(_("acceptance decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acceptance decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reason = models.TextField(_("reason for not accepting"), blank=True)
    satisfaction = models.CharField(
        _("satisfaction (满意度)"), max_length=24, choices=Satisfaction.choices, blank=True
    )
    satisfaction_note = models.TextField(_("satisfaction note"), blank=True)
    satisfaction_recorded_at = models.DateTimeField(
        _("satisfaction recorded at"), null=True, blank=True
    )
    posting_suspended_at = models.DateTimeField(_("posting suspended at"), null=True, blank=True)
    posting_suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posting suspended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name=_("historical complaint"))

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["category", "status"])]

    def __str__(self) -> str:
        return f"{self.case.reference} {self.get_category_display()}"

    @property
    def employer_label(self) -> str:
        return self.employer.name if self.employer else self.employer_name

    # --- The state graph (bodies set fields only; the services save and audit) --------------

    @transition(field=status, source=Status.FILED, target=Status.ACCEPTED)
    def accept(self, *, by: object) -> None:
        self.decided_at = timezone.now()
        self.decided_by = by  # type: ignore[assignment]

    @transition(field=status, source=Status.FILED, target=Status.DECLINED)
    def decline(self, *, by: object, reason: str) -> None:
        self.decided_at = timezone.now()
        self.decided_by = by  # type: ignore[assignment]
        self.decline_reason = reason

    @transition(field=status, source=[Status.FILED, Status.ACCEPTED], target=Status.REFERRED)
    def refer(self, *, by: object) -> None:
        """A referral is also an acceptance decision when the complaint is still filed."""
        if self.decided_at is None:
            self.decided_at = timezone.now()
            self.decided_by = by  # type: ignore[assignment]

    @transition(field=status, source=Status.REFERRED, target=Status.ACCEPTED)
    def referral_concluded(self) -> None:
        """The inspection's outcome is back: the market finishes the complaint."""

    @transition(field=status, source=Status.ACCEPTED, target=Status.RESOLVED)
    def resolve(self) -> None:
        pass


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Investigating")
    CONCLUDED = "concluded", _("Concluded")


REFERRAL_STEPS = [s.value for s in ReferralStatus]


class InspectionReferral(models.Model):
    """A complaint handed to labour inspection (移送劳动保障监察) and its progress there."""

    complaint = models.ForeignKey(
        Complaint, verbose_name=_("complaint"), on_delete=models.PROTECT, related_name="referrals"
    )
    authority = models.CharField(_("labour inspection body"), max_length=200)
    letter = models.TextField(_("referral letter"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    inspection_reference = models.CharField(
        _("inspection's case number"), max_length=64, blank=True
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    investigating_at = models.DateTimeField(_("investigation started at"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded at"), null=True, blank=True)
    outcome = models.TextField(_("inspection's outcome"), blank=True)
    last_note = models.TextField(_("latest note"), blank=True)

    history = HistoricalRecords(verbose_name=_("historical inspection referral"))

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("labour-inspection referral")
        verbose_name_plural = _("labour-inspection referrals")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint"],
                condition=~Q(status="concluded"),
                name="referral_one_open_per_complaint",
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint} → {self.authority}"

    def step_at(self, step: str) -> object:
        return {
            ReferralStatus.SENT: self.sent_at,
            ReferralStatus.ACKNOWLEDGED: self.acknowledged_at,
            ReferralStatus.INVESTIGATING: self.investigating_at,
            ReferralStatus.CONCLUDED: self.concluded_at,
        }[ReferralStatus(step)]
