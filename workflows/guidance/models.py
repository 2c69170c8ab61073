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
        return f"{self.seeker} → {self.posting} ({self.get_outcome_display()})"

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


# --- One-to-one career guidance (职业指导, standard art. 17) -------------------------------------


class GuidanceCase(models.Model):
    """What a career-guidance case (kind ``career_guidance``) adds to the engine's case: the
    registered seeker it is for and the topic. The case's state, owner, first-contact officer
    and deadline are the engine's (``cases.Case``)."""

    case = models.OneToOneField(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        related_name="guidance",
    )
    seeker = models.ForeignKey(
        SeekerProfile,
        verbose_name=_("job seeker"),
        on_delete=models.PROTECT,
        related_name="guidance_cases",
    )
    topic = models.CharField(_("topic (指导主题)"), max_length=200)

    history = HistoricalRecords(verbose_name=_("historical guidance case"))

    class Meta:
        verbose_name = _("career-guidance case")
        verbose_name_plural = _("career-guidance cases")

    def __str__(self) -> str:
        return self.topic


class GuidanceSession(models.Model):
    """One sitting of one-to-one career guidance (职业指导记录): when, by whom, what was talked
    about and the advice given."""

    guidance = models.ForeignKey(
        GuidanceCase,
        verbose_name=_("career-guidance case"),
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    held_at = models.DateTimeField(_("held at"), default=timezone.now)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    notes = models.TextField(_("notes (指导记录)"))
    advice = models.TextField(_("advice given (指导意见)"))

    history = HistoricalRecords(verbose_name=_("historical guidance session"))

    class Meta:
        ordering = ["held_at", "pk"]
        verbose_name = _("guidance session")
        verbose_name_plural = _("guidance sessions")

    def __str__(self) -> str:
        return f"{self.guidance_id} @ {self.held_at:%Y-%m-%d %H:%M}"


class GuidanceReferral(models.Model):
    """A referral made in the course of a guidance case (and in which session, when one was
    recorded by then). A referral is one per seeker and posting, so it belongs to one case at
    most."""

    guidance = models.ForeignKey(
        GuidanceCase,
        verbose_name=_("career-guidance case"),
        on_delete=models.PROTECT,
        related_name="referral_links",
    )
    session = models.ForeignKey(
        GuidanceSession,
        verbose_name=_("guidance session"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referral_links",
    )
    referral = models.OneToOneField(
        Referral,
        verbose_name=_("referral"),
        on_delete=models.PROTECT,
        related_name="guidance_link",
    )

    class Meta:
        verbose_name = _("referral of a guidance case")
        verbose_name_plural = _("referrals of guidance cases")

    def __str__(self) -> str:
        return f"{self.guidance_id} → {self.referral_id}"


# --- Rooms of a market (standard art. 6) ----------------------------------------------------------


class RoomKind(models.TextChoices):
    GUIDANCE = "guidance", _("Career-guidance room")  # 职业指导室
    TRAINING = "training", _("Training room")  # 培训室
    STARTUP = "startup", _("Start-up service room")  # 创业服务室
    RECRUITMENT = "recruitment", _("Recruitment talk room")  # 洽谈区 / 招聘洽谈室


class Room(models.Model):
    """A bookable room of a market (功能区, standard art. 6)."""

    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=64)
    kind = models.CharField(_("kind of room"), max_length=12, choices=RoomKind.choices)
    capacity = models.PositiveSmallIntegerField(_("seats"))
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords(verbose_name=_("historical room"))

    class Meta:
        ordering = ["market", "kind", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(fields=["market", "name"], name="room_name_unique_in_market"),
            models.CheckConstraint(condition=models.Q(capacity__gt=0), name="room_has_seats"),
        ]

    def __str__(self) -> str:
        return self.name


class RoomBooking(models.Model):
    """A room taken for a time (场地预约): a guidance session, a training, a recruitment talk.
    Two bookings of a room that are not cancelled never overlap (``room_book`` checks it with
    the room locked)."""

    room = models.ForeignKey(
        Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="bookings"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    purpose = models.CharField(_("purpose"), max_length=200)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    booked_at = models.DateTimeField(_("booked at"), default=timezone.now)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="room_bookings",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name=_("historical room booking"))

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("room booking")
        verbose_name_plural = _("room bookings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="room_booking_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["room", "starts_at"])]

    def __str__(self) -> str:
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        return f"{self.room} {start:%Y-%m-%d %H:%M}–{end:%H:%M} {self.purpose}"
