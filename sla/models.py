"""Time-limited completion (限时办结): calendar overrides, SLA policies, deadlines and the
reminders sent about them.

A deadline is about a "subject" (a case) named by type and id, not by a foreign key: ``sla``
sits below ``cases`` and never imports it. The case engine starts, pauses and stops deadlines
through ``sla.services`` and hears about due ones through a hook (``sla.hooks``).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from markets.models import Market, ServiceStation


class CalendarDay(models.Model):
    """A day that differs from the statutory calendar: next year's State Council schedule
    before the package knows it, or a local closure. Without a market it applies everywhere."""

    day = models.DateField(_("day"))
    market = models.ForeignKey(
        Market,
        verbose_name=_("market (empty: every market)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_days",
    )
    is_working_day = models.BooleanField(_("working day"))
    reason = models.CharField(_("reason"), max_length=200)

    history = HistoricalRecords(verbose_name=_("historical calendar day"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(
                fields=["day"],
                condition=Q(market__isnull=True),
                name="calendar_day_once_everywhere",
                violation_error_message=_("This day is entered already for every market."),
            ),
            models.UniqueConstraint(
                fields=["day", "market"],
                condition=Q(market__isnull=False),
                name="calendar_day_once_per_market",
                violation_error_message=_("This day is entered already for this market."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {'✓' if self.is_working_day else '✗'} {self.reason}"


class CalendarYear(models.Model):
    """A year whose whole schedule administrators have entered (as CalendarDay rows): its
    days are no longer estimated."""

    year = models.PositiveSmallIntegerField(
        _("year"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
        error_messages={"unique": _("This year's schedule has been entered already.")},
    )
    source = models.CharField(_("source (e.g. State Council notice)"), max_length=200)

    history = HistoricalRecords(verbose_name=_("historical calendar year"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")

    def __str__(self) -> str:
        return str(self.year)


class CalendarGapAlert(models.Model):
    """The administrators were told once that deadlines in this year are estimated."""

    year = models.PositiveSmallIntegerField(unique=True)
    alerted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.year)


class Target(models.TextChoices):
    ACCEPTANCE = "acceptance", _("Acceptance (first response)")
    COMPLETION = "completion", _("Completion")


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    WORKING_HOURS = "working_hours", _("working hours")
    SAME_DAY = "same_day", _("same working day")


def time_limit_text(amount: int, unit: str) -> str:
    """The time allowed in words, in the active language: "5 working days", "4 working
    hours", "the same working day" (the receipt, the notice board, the text message)."""
    if unit == Unit.SAME_DAY:
        return gettext("the same working day")
    if unit == Unit.WORKING_HOURS:
        return ngettext("%(count)d working hour", "%(count)d working hours", amount) % {
            "count": amount
        }
    return ngettext("%(count)d working day", "%(count)d working days", amount) % {"count": amount}


class Policy(models.Model):
    """How long a kind of case may take (optionally for one market), when the clock pauses,
    when to warn and when to escalate. A changed policy applies to cases opened afterwards."""

    kind = models.CharField(_("case kind"), max_length=40)
    market = models.ForeignKey(
        Market,
        verbose_name=_("market (empty: every market)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    channel = models.CharField(
        _("channel (empty: every channel)"),
        max_length=16,
        blank=True,
        help_text=_(
            "For example “counter”: a request taken at the counter may have a tighter limit."
        ),
    )
    target = models.CharField(_("target"), max_length=12, choices=Target.choices)
    amount = models.PositiveSmallIntegerField(
        _("time allowed"), default=1, help_text=_("Ignored for “same working day”.")
    )
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    pause_states = models.JSONField(_("states that pause the clock"), default=list, blank=True)
    warn_percent = models.PositiveSmallIntegerField(
        _("warn when this share of the time is used (%)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("escalate this many working days after a breach"), default=2
    )
    is_active = models.BooleanField(_("in force"), default=True)

    history = HistoricalRecords(verbose_name=_("historical SLA policy"))

    class Meta:
        ordering = ["kind", "target"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target", "channel"],
                condition=Q(market__isnull=True, is_active=True),
                name="policy_one_default_per_kind_target",
                violation_error_message=_("A policy for this kind and target exists already."),
            ),
            models.UniqueConstraint(
                fields=["kind", "target", "channel", "market"],
                condition=Q(market__isnull=False, is_active=True),
                name="policy_one_per_market_kind_target",
                violation_error_message=_(
                    "This market has a policy for this kind and target already."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(unit="same_day"),
                name="policy_amount_positive",
                violation_error_message=_("The time allowed must be at least 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.get_target_display()}"

    @property
    def time_limit_text(self) -> str:
        """The time allowed in words, in the active language (``time_limit_text``)."""
        return time_limit_text(self.amount, self.unit)

    def clean(self) -> None:
        from .hooks import pausable_states

        errors: dict[str, object] = {}
        if self.unit != Unit.SAME_DAY and not self.amount:
            errors["amount"] = _("The time allowed must be at least 1.")
        known = pausable_states()
        if not isinstance(self.pause_states, list) or not all(
            isinstance(state, str) for state in self.pause_states
        ):
            errors["pause_states"] = _("List the states by name.")
        else:
            unknown = sorted(set(self.pause_states) - set(known))
            if unknown:
                errors["pause_states"] = _(
                    "These states do not exist: %(unknown)s. Choose from: %(known)s."
                ) % {"unknown": ", ".join(unknown), "known": ", ".join(sorted(known))}
        if errors:
            raise ValidationError(errors)


class Level(models.TextChoices):
    WARNING = "warning", _("Due soon")
    BREACH = "breach", _("Overdue")
    ESCALATION = "escalation", _("Escalated")


class Deadline(models.Model):
    """One clock of one case: acceptance or completion, due at ``due_at``.

    The reminders still to come are ``Alert`` rows of their own, one a level; the sweep reads
    only those that have fallen due, so its cost grows with the deadlines that are due, not
    with all cases.
    """

    subject_type = models.CharField(max_length=40)
    subject_id = models.PositiveBigIntegerField()
    market = models.ForeignKey(Market, verbose_name=_("market"), on_delete=models.PROTECT)
    kind = models.CharField(_("case kind"), max_length=40)
    target = models.CharField(_("target"), max_length=12, choices=Target.choices)
    policy = models.ForeignKey(Policy, verbose_name=_("policy"), on_delete=models.PROTECT)
    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warn at"))
    escalate_at = models.DateTimeField(_("escalate at"))
    estimated = models.BooleanField(
        _("estimated"),
        default=False,
        help_text=_("The calendar of the due date's year is not known yet: Monday–Friday."),
    )
    paused_at = models.DateTimeField(_("paused since"), null=True, blank=True)
    paused_total = models.DurationField(_("working time paused"), default=timedelta)
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)
    # Whose it is (the case's current owner, 负责人), kept here as ``market`` is so that the
    # dashboard counters (``DeadlineCount``) can be moved when it changes; None: nobody's.
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # What its subject came in by, and at which service station (a case's channel and station,
    # neither of which changes after intake), kept here as ``market`` is: a due list narrowed
    # to a channel or a station is one range of the clocks' index, not every clock of the
    # market in the range, each asking its case (bench/README.md, "The clock's channel").
    channel = models.CharField(_("channel"), max_length=16, blank=True, default="")
    station = models.ForeignKey(
        ServiceStation,
        verbose_name=_("service station"),
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the clock reads overdue if nothing changes: its due time while it runs, and while
    # it is paused after that time (it stays overdue); none once it has stopped, or while it is
    # paused before its due time (the due time moves on when it goes on). Computed by the
    # database from the columns above, so "overdue", "due today" and "due this week" are each
    # one range on one index however many clocks are open or paused.
    overdue_after = models.GeneratedField(
        expression=models.Case(
            models.When(stopped_at__isnull=False, then=models.Value(None)),
            models.When(paused_at__isnull=True, then=F("due_at")),
            models.When(paused_at__gt=F("due_at"), then=F("due_at")),
            default=models.Value(None),
            output_field=models.DateTimeField(),
        ),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "target"], name="deadline_one_per_target"
            )
        ]
        indexes = [
            # The scorecard's month (scorecard.selectors): the clocks stopped in it, and those
            # not stopped that fell due in it, each a range of its own partial index. One
            # index of (market, stopped_at, due_at) served both, but SQLite's statistics
            # average the one large "not stopped" group with the stopped times, all distinct,
            # so its planner took that index for any question about running clocks (the
            # region view's "warned today, due after today" read every running clock).
            models.Index(
                fields=["market", "stopped_at"],
                name="deadline_market_stopped",
                condition=Q(stopped_at__isnull=False),
            ),
            models.Index(
                fields=["market", "due_at"],
                name="deadline_market_unstopped_due",
                condition=Q(stopped_at__isnull=True),
            ),
            # A market's clocks in due order (the due lists and filters, "due soon"), and the
            # dashboards' clocks due today, counted by officer and kind from the index alone
            # (sla.counters.deadline_figures): the columns after (market, overdue_after, id)
            # are what those counts read, so that a busy day's thousands of clocks are not
            # read row by row.
            models.Index(
                fields=[
                    "market",
                    "overdue_after",
                    "id",  # the lists' order, (overdue_after, id), read from the index
                    "subject_type",
                    "target",
                    "officer",
                    "kind",
                    "paused_at",
                    "stopped_at",
                    "warn_at",
                    "subject_id",  # the case a due list joins, without reading the clock
                ],
                name="deadline_market_overdue",
            ),
            # An officer's own due list (the workbench; the market list filtered by owner), in
            # due order: one range of the officer's clocks that can still fall due, however
            # many open cases the officer has, with the case each belongs to (read from the
            # index alone, in due order, to the page's last row). Only the clocks somebody
            # has: those nobody has (new cases) are a market's or a station's, told apart in
            # their indexes; here, SQLite read those of every market for one market's list.
            models.Index(
                fields=["officer", "overdue_after", "subject_type", "target", "subject_id"],
                name="deadline_officer_overdue",
                condition=Q(overdue_after__isnull=False, officer__isnull=False),
            ),
            # A market's due list narrowed to a channel (the phone's overdue cases), and a
            # station's (of any market: a case transferred keeps its station), in due order with
            # the case each clock is of, from the index alone; the station's with whose clock
            # it is, so that its unclaimed cases (nobody's) are told apart in the index too.
            models.Index(
                fields=[
                    "market",
                    "channel",
                    "overdue_after",
                    "subject_type",
                    "target",
                    "subject_id",
                ],
                name="deadline_channel_due",
                condition=Q(overdue_after__isnull=False),
            ),
            models.Index(
                fields=[
                    "station",
                    "overdue_after",
                    "officer",
                    "subject_type",
                    "target",
                    "subject_id",
                ],
                name="deadline_station_due",
                condition=Q(station__isnull=False, overdue_after__isnull=False),
            ),
            # The dashboards' "due soon": the running clocks warned so far today, counted by
            # their due time from the index alone (sla.counters.deadline_figures).
            models.Index(
                fields=["market", "warn_at", "due_at", "subject_type", "target"],
                name="deadline_market_warn_running",
                condition=Q(stopped_at__isnull=True, paused_at__isnull=True),
            ),
            # A list that walks its cases (an officer's own, a few of a station) asks each
            # case's clock whether it is due from this index alone, without reading the row
            # (the market too: a market's list names its clocks' market).
            models.Index(
                fields=["subject_type", "subject_id", "target", "overdue_after", "market"],
                name="deadline_subject_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}#{self.subject_id} {self.target} → {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None and self.paused_at is None

    def overdue(self, now: object = None) -> bool:
        moment = now or timezone.now()
        end = self.stopped_at or moment
        return bool(end > self.due_at)  # type: ignore[operator]


class DeadlineChange(models.Model):
    """Every change of a due time, with its reason (pause and resume, reopening …)."""

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(default=timezone.now)
    old_due_at = models.DateTimeField(null=True, blank=True)
    new_due_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.deadline_id}: {self.old_due_at} → {self.new_due_at} ({self.reason})"


class Alert(models.Model):
    """A reminder still to come: one row for each level of a running clock not yet reminded,
    due ``at``. The clock services write them when a clock starts or goes on and delete them
    when it pauses or stops; the sweep takes the rows that have fallen due and deletes each as
    it makes its reminder.

    A narrow table of its own, not columns of the clock: the clock's row is indexed eleven
    ways (the lists, the dashboards, the owner's desk), and rewriting it for every reminder
    cost ten times what deleting one of these does (bench/README.md, "SLA sweep")."""

    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, db_index=False, related_name="alerts"
    )
    level = models.CharField(max_length=12, choices=Level.choices)
    at = models.DateTimeField()
    # Where its reminder will count (``sla.counters.reminder_bucket``): the clock's, kept with
    # the clock's (an accepted transfer moves both, ``deadlines_follow_state``), so the sweep
    # reads no clock.
    market = models.ForeignKey(Market, on_delete=models.CASCADE, db_index=False, related_name="+")
    subject_type = models.CharField(max_length=40)
    target = models.CharField(max_length=12, choices=Target.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "level"], name="alert_once_per_level")
        ]
        indexes = [models.Index(fields=["at"], name="alert_due")]

    def __str__(self) -> str:
        return f"{self.deadline_id}: {self.level} at {self.at}"


class Reminder(models.Model):
    """A reminder or escalation about one deadline at one level: created exactly once (the
    unique key), however often or late the sweep runs."""

    # No foreign key in the database: checking it at each sweep's commit (a lookup in the
    # clocks' primary key and a lock on the clock's row per reminder) was a third of a sweep
    # (bench/README.md, "SLA sweep"). A reminder is made only from an alert of its clock,
    # deleted in the same statement, and the alert's key is checked; clocks are never deleted
    # (the trail keeps them), and a deletion through the ORM takes the reminders with it.
    deadline = models.ForeignKey(
        Deadline,
        on_delete=models.CASCADE,
        db_constraint=False,
        db_index=False,  # the unique (deadline, level) leads with it
        related_name="reminders",
    )
    level = models.CharField(max_length=12, choices=Level.choices)
    created_at = models.DateTimeField(default=timezone.now)
    # Set once the handlers have told everyone; until then the sweep re-sends the task whenever
    # the lease of the last one (``queued_until``, see ``sla.services.QUEUE_LEASE``) runs out.
    delivered_at = models.DateTimeField(null=True, blank=True)
    # Never empty: a reminder under no lease is due to be handed over at once (its creation
    # time), so that the sweep finds the lost ones as one range of the lease index.
    queued_until = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["deadline", "level"], name="reminder_once_per_level")
        ]
        indexes = [
            # The team lead's breach list (cases.sla_selectors.sla_dashboard): a period's
            # breaches and escalations newest first, without walking past the warnings.
            models.Index(
                fields=["created_at", "id"],
                name="reminder_breach_created",
                condition=Q(level__in=[Level.BREACH, Level.ESCALATION]),
            ),
            models.Index(
                fields=["queued_until"],
                name="reminder_undelivered_lease",
                condition=Q(delivered_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deadline_id}: {self.level}"


class DeadlineCount(models.Model):
    """Dashboard counters: how many completion clocks are in each bucket, kept up to date by
    the clock services in the same transaction (``sla.counters``), so that the team lead's
    dashboard and the region view add up a few hundred rows instead of every clock.

    A bucket is (market, subject type, status, day, hour, warn day, warn hour, officer, kind):
    running clocks by the local day and hour they are due and the day and hour they warn (which
    of today's are overdue or warned depends on the hour: a dashboard reads the hours gone by
    from here, and only the current hour's clocks from the clocks); the daily prune merges the
    rows of the hours of a day gone by into one (``WHOLE_DAY``: the hour no longer matters).
    Clocks paused after their due time (they stay overdue) by the day they were due; stopped
    ones, met or late, by the local day they stopped (neither by the hour). Each clock counts
    in three rows: its officer's (all kinds), its kind's (all officers) and the market's (all
    officers and kinds). Rebuilt from the clocks by ``manage.py sla_counters_rebuild``.
    """

    class Status(models.TextChoices):
        OPEN = "open"
        PAUSED_LATE = "paused_late"
        MET = "met"
        LATE = "late"

    ALL_OFFICERS = -1
    NOBODY = 0
    ALL_KINDS = ""
    WHOLE_DAY = -1  # an hour: every hour of the day

    market = models.ForeignKey(Market, on_delete=models.CASCADE, db_index=False, related_name="+")
    subject_type = models.CharField(max_length=40)
    # One of Status: an internal column, never shown (no choices, so no labels to translate).
    status = models.CharField(max_length=12)
    day = models.DateField()
    hour = models.SmallIntegerField(default=WHOLE_DAY)  # of ``day``, local: 0–23 or WHOLE_DAY
    warn_day = models.DateField()
    warn_hour = models.SmallIntegerField(default=WHOLE_DAY)  # of ``warn_day``, likewise
    # A user id, NOBODY (unclaimed) or ALL_OFFICERS; not a foreign key (the sentinels).
    officer = models.BigIntegerField()
    kind = models.CharField(max_length=40)  # ALL_KINDS: every kind
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "market",
                    "subject_type",
                    "status",
                    "day",
                    "hour",
                    "warn_day",
                    "warn_hour",
                    "officer",
                    "kind",
                ],
                name="deadline_count_bucket",
            )
        ]

    def __str__(self) -> str:
        return f"{self.market_id} {self.status} {self.day} {self.officer} {self.kind}: {self.n}"


class ReminderCount(models.Model):
    """Dashboard counters of the reminders: how many completion clocks were reminded at each
    level on each local day, per market (the market whose clock it was when the reminder went
    out), kept by the sweep in the transaction that creates the reminders
    (``sla.counters.reminder_counts_add``). The weekly "due soon and overdue" trend adds up
    these rows (at most a row per day and level) instead of joining every reminder of twelve
    weeks to its clock. Rebuilt with the clocks' counters (``manage.py sla_counters_rebuild``).
    """

    market = models.ForeignKey(Market, on_delete=models.CASCADE, db_index=False, related_name="+")
    subject_type = models.CharField(max_length=40)
    day = models.DateField()
    level = models.CharField(max_length=12)  # one of Level: an internal column, never shown
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["market", "subject_type", "day", "level"], name="reminder_count_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.market_id} {self.day} {self.level}: {self.n}"
