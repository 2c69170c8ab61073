"""Training (职业技能培训, standard art. 21–22): the local training providers (培训机构) and their
programmes on a market's notice board, training referrals (培训推荐) as cases, and the training
wishes (培训意愿) collected from seekers at the counter.

A referral's state graph lives on :class:`TrainingReferral` (transitions named as verbs, thin
bodies that set fields); ``workflows/training/services.py`` runs them: lock, check, transition,
save, audit, and resolve the case when the referral ends.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from cases import permissions as can
from cases.models import Case
from markets.models import Market
from workflows.postings.models import Occupation
from workflows.seekers.models import SeekerProfile


class ScheduleKind(models.TextChoices):
    """How a programme fits around gig work (灵活培训, art. 22)."""

    EVENINGS = "evenings", _("Evenings")  # 晚间班
    WEEKENDS = "weekends", _("Weekends")  # 周末班
    SHORT_MODULES = "short_modules", _("Short modules")  # 短期模块
    FULL_TIME = "full_time", _("Full time")  # 全日制


class Provider(models.Model):
    """A local training provider (培训机构), published with its programmes (art. 21)."""

    name = models.CharField(_("name"), max_length=100)
    credit_code = models.CharField(
        _("unified social credit code (统一社会信用代码)"), max_length=18, unique=True
    )
    address = models.CharField(_("address"), max_length=200)
    phone = models.CharField(_("phone"), max_length=20)
    markets = models.ManyToManyField(
        Market, verbose_name=_("markets served"), related_name="training_providers"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical training provider"))

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A training programme (培训项目) of a provider, on the notice board of one market."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    market = models.ForeignKey(
        Market,
        verbose_name=_("market whose notice board carries it"),
        on_delete=models.PROTECT,
        related_name="training_programmes",
    )
    title = models.CharField(_("title"), max_length=200)
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation (工种)"),
        on_delete=models.PROTECT,
        related_name="training_programmes",
    )
    schedule_kind = models.CharField(_("schedule"), max_length=16, choices=ScheduleKind.choices)
    schedule_text = models.CharField(_("when (e.g. 周二、周四 19:00–21:00)"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    cost = models.DecimalField(_("cost (元)"), max_digits=10, decimal_places=2)
    subsidy = models.DecimalField(
        _("training subsidy (职业技能培训补贴, 元)"),
        max_digits=10,
        decimal_places=2,
        default=0,
    )
    capacity = models.PositiveIntegerField(_("places"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    is_published = models.BooleanField(_("published"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical training programme"))

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="programme_dates_in_order"
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0, subsidy__gte=0), name="programme_money_not_negative"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="programme_has_places"),
        ]
        indexes = [models.Index(fields=["market", "is_published", "ends_on"])]

    def __str__(self) -> str:
        return self.title


class ReferralState(models.TextChoices):
    REFERRED = "referred", _("Referred")  # 已推荐: waiting for the provider to enrol
    ENROLLED = "enrolled", _("Enrolled")  # 已报名入学
    COMPLETED = "completed", _("Completed")  # 已结业
    DROPPED = "dropped", _("Dropped out")  # 未参加或中途退出


# The states that hold a place of the programme.
HOLDING_STATES = (ReferralState.REFERRED, ReferralState.ENROLLED)


def _staff(referral: Any, user: Any) -> bool:
    """The case's owner or a team lead of its market (as for every case action)."""
    return can.work_on(referral.case, user)


class TrainingReferral(ConcurrentTransitionMixin, models.Model):
    """A seeker referred to a training programme (培训推荐, art. 21), as a case of kind
    ``training_referral``: the case resolves when the seeker completes or drops out."""

    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="training_referral"
    )
    seeker = models.ForeignKey(
        SeekerProfile,
        verbose_name=_("job seeker"),
        on_delete=models.PROTECT,
        related_name="training_referrals",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = FSMField(
        _("state"),
        default=ReferralState.REFERRED,
        choices=ReferralState.choices,
        protected=True,
        max_length=12,
    )
    referred_at = models.DateTimeField(_("referred at"), default=timezone.now)
    enrolled_at = models.DateTimeField(_("enrolled at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(verbose_name=_("historical training referral"))

    class Meta:
        ordering = ["-referred_at", "-pk"]
        verbose_name = _("training referral")
        verbose_name_plural = _("training referrals")
        indexes = [models.Index(fields=["programme", "state"])]

    def __str__(self) -> str:
        return f"{self.seeker} → {self.programme} ({self.get_state_display()})"

    @property
    def is_open(self) -> bool:
        return self.state in HOLDING_STATES

    # --- The state graph ---------------------------------------------------------------------
    # Forward only: referred → enrolled → completed; dropped ends any referral still open
    # (the seeker did not turn up, or left the course).

    @transition(
        field=state,
        source=ReferralState.REFERRED,
        target=ReferralState.ENROLLED,
        permission=_staff,
    )
    def enrol(self) -> None:
        self.enrolled_at = timezone.now()

    @transition(
        field=state,
        source=ReferralState.ENROLLED,
        target=ReferralState.COMPLETED,
        permission=_staff,
    )
    def complete(self) -> None:
        self.finished_at = timezone.now()

    @transition(
        field=state,
        source=[ReferralState.REFERRED, ReferralState.ENROLLED],
        target=ReferralState.DROPPED,
        permission=_staff,
    )
    def drop(self) -> None:
        self.finished_at = timezone.now()


class TrainingWish(models.Model):
    """A training wish (培训意愿) a seeker told the counter (art. 21), counted by the
    demand-versus-supply report (art. 22) with the training needs of the seeker's profile."""

    seeker = models.ForeignKey(
        SeekerProfile,
        verbose_name=_("job seeker"),
        on_delete=models.PROTECT,
        related_name="training_wishes",
    )
    occupation = models.ForeignKey(
        Occupation,
        verbose_name=_("occupation (工种)"),
        on_delete=models.PROTECT,
        related_name="training_wishes",
    )
    note = models.TextField(_("note"), blank=True)
    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical training wish"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("training wish")
        verbose_name_plural = _("training wishes")
        indexes = [models.Index(fields=["market", "created_at"])]

    def __str__(self) -> str:
        return f"{self.seeker} · {self.occupation.name}"
