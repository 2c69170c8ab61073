"""The case engine: every service request is a Case (案件) with an applicant, an owner, a state
and, when materials are missing, one single notice (一次性告知书).

The state graph shared by every kind of case lives on Case (transitions named as verbs, thin
bodies that set fields; guards and permissions in the declaration). The services in
``cases/services.py`` call them: lock, check, transition, save, audit, side effects on commit.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.sql.where import AND, WhereNode
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from markets.models import Market, ServiceStation

from . import permissions as can
from .crypto import EncryptedTextField
from .identity import mobile_mask


def applicant_key(field: str, value: str, *, through: str = "") -> Q:
    """``field = value`` on one of the applicant's partially unique keys (``id_number_index``,
    ``credit_code``: unique where not empty), with the index's condition repeated: SQLite uses
    a partial index only when the query repeats its condition, and scans every applicant
    otherwise. ``through`` reaches the applicant from another model (``"applicant__"``)."""
    name = f"{through}{field}"
    return Q(**{name: value}) & ~Q(**{name: ""})


class Industry(models.Model):
    """A section (门类, ``A``–``T``) or division (大类, ``01``–``97``) of the industry
    classification (国民经济行业分类, GB/T 4754-2017), loaded from ``cases/data`` by a data
    migration (``cases.industries``). Employers and postings name a division; none named is
    "unknown" (未知)."""

    class Level(models.TextChoices):
        SECTION = "section", _("Section (门类)")
        DIVISION = "division", _("Division (大类)")

    code = models.CharField(_("code (行业代码)"), max_length=4, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    section = models.ForeignKey(
        "self",
        verbose_name=_("section (门类)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="divisions",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("industry")
        verbose_name_plural = _("industries")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Applicant(models.Model):
    """A job seeker, employer or other person or organisation a case is for (申请人).

    The ID number and mobile are encrypted at rest; the masked forms are kept beside them for
    display, and a keyed hash (``id_number_index``) finds a person without decrypting anyone.
    """

    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        ORGANISATION = "organisation", _("Organisation")

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    id_number = EncryptedTextField(_("ID number (身份证号码)"), blank=True)
    id_number_index = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=32, blank=True, editable=False)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    mobile = EncryptedTextField(_("mobile (手机号码)"), blank=True)
    mobile_masked = models.CharField(_("mobile"), max_length=16, blank=True, editable=False)
    # The keyed lookup hash of the mobile (``cases.crypto.mobile_index``), as for the ID number:
    # the search box finds a person by mobile without decrypting anyone.
    mobile_index = models.CharField(max_length=64, blank=True, editable=False)
    credit_code = models.CharField(
        _("unified social credit code (统一社会信用代码)"), max_length=18, blank=True
    )
    # An employer's industry (所属行业, a 大类 of GB/T 4754-2017); empty is unknown (未知).
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("industry (所属行业)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"level": Industry.Level.DIVISION},
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"), default=timezone.now)
    anonymised_at = models.DateTimeField(
        _("anonymised at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The retention period after the last case ended had passed."),
    )

    history = HistoricalRecords(
        excluded_fields=["id_number", "mobile", "mobile_index"],
        verbose_name=_("historical applicant"),
    )

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")
        indexes = [models.Index(fields=["mobile_index"], name="applicant_mobile_index")]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~Q(id_number_index=""),
                name="applicant_one_per_id_number",
            ),
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="applicant_one_per_credit_code",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Channel(models.TextChoices):
    COUNTER = "counter", _("Counter")
    PHONE = "phone", _("Phone")
    STATION = "station", _("Service station")
    KIOSK = "kiosk", _("Self-service kiosk")
    ONLINE = "online", _("Online")
    PLATFORM = "platform", _("Provincial platform sync")


class State(models.TextChoices):
    NEW = "new", _("Waiting to be claimed")
    IN_PROGRESS = "in_progress", _("In progress")
    TRANSFER_PENDING = "transfer_pending", _("Transfer waiting for acceptance")
    AWAITING_MATERIALS = "awaiting_materials", _("Waiting for materials")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_STATES = (
    State.NEW,
    State.IN_PROGRESS,
    State.TRANSFER_PENDING,
    State.AWAITING_MATERIALS,
)


def open_state_condition() -> RawSQL:
    """``state IN (the open states)`` with the states written into the SQL, not bound: the
    condition of the partial index ``case_open_workload`` as SQLite needs to see it to use the
    index (it compares a partial index's condition with the query's text; a bound parameter
    matches nothing). The states are this module's constants, never input."""
    states = ", ".join(f"'{state}'" for state in OPEN_STATES)
    return RawSQL(f'"cases_case"."state" IN ({states})', [], output_field=models.BooleanField())  # noqa: S611


class CompletionClock(models.ForeignObject):
    """The case's completion clock (限时办结), as a relation a list can filter and sort by in
    one join: "overdue, most urgent first" reads the clocks' (market, overdue_after) index in
    order and stops at the page's last row. A deadline names its case by type and id (``sla``
    sits below ``cases``), so the join is on ``subject_id`` with the type and the target as
    the join's extra conditions; ``deadline_one_per_target`` makes it one clock per case. No
    column, nothing written: a case's clocks change through ``sla.services`` only."""

    SUBJECT_TYPE = "cases.case"
    TARGET = "completion"

    def __init__(self, **kwargs: object) -> None:
        kwargs.update(
            to="sla.Deadline",
            on_delete=models.DO_NOTHING,
            from_fields=["id"],
            to_fields=["subject_id"],
            related_name="+",
            null=True,
            editable=False,
        )
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def deconstruct(self) -> tuple[str, str, list[object], dict[str, object]]:
        name, path, _args, _kwargs = super().deconstruct()
        return name, path, [], {}

    def _check_unique_target(self) -> list[object]:
        return []  # unique together with the extra conditions (deadline_one_per_target)

    def get_extra_restriction(self, alias: str, related_alias: str) -> WhereNode:
        deadline = self.remote_field.model._meta
        conditions: list[Any] = []
        for name, value in (("subject_type", self.SUBJECT_TYPE), ("target", self.TARGET)):
            field = cast("models.Field[Any, Any]", deadline.get_field(name))
            exact = field.get_lookup("exact")
            assert exact is not None  # noqa: S101  (every field has "exact")
            conditions.append(exact(field.get_col(alias), value))
        return WhereNode(conditions, connector=AND)

    def get_extra_descriptor_filter(self, instance: object) -> dict[str, str]:
        return {"subject_type": self.SUBJECT_TYPE, "target": self.TARGET}


_STATE_LABELS = dict(State.choices)


class Case(ConcurrentTransitionMixin, models.Model):
    """One service request (案件), owned by the officer who first took it (首问负责制)."""

    class Priority(models.TextChoices):
        NORMAL = "normal", _("Normal")
        URGENT = "urgent", _("Urgent")

    reference = models.CharField(_("reference number"), max_length=24, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    state = FSMField(
        _("state"), default=State.NEW, choices=State.choices, protected=True, max_length=24
    )
    # No index of their own on market, station, owner and the first-contact officer: each
    # leads an index of Meta.indexes below, which serves the same lookups (a second one only
    # costs every intake a write, and gives the planner a worse choice: no order for a list).
    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    station = models.ForeignKey(
        ServiceStation,
        verbose_name=_("service station"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("applicant"), on_delete=models.PROTECT, related_name="cases"
    )
    # The mobile the applicant gave when the case was opened (联系手机): the kiosk's status
    # lookup and the case's SMS use it, so a later change of the applicant's mobile never cuts
    # them off from an earlier case. Encrypted like the applicant's.
    contact_mobile = EncryptedTextField(_("contact mobile (联系手机)"), blank=True)
    # Its keyed lookup hash: the search box finds the case by the mobile given for it.
    contact_mobile_index = models.CharField(max_length=64, blank=True, editable=False)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    first_contact_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first-contact officer (首问责任人)"),
        on_delete=models.PROTECT,
        related_name="first_contact_cases",
        editable=False,
        db_index=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("current owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
        db_index=False,
    )
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    outcome = models.TextField(_("outcome"), blank=True)
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    completion_clock = CompletionClock(verbose_name=_("completion clock"))
    # Where the dashboard counters count the case, as read or last saved (``from_db``).
    counted_as: tuple[int, Any, str, str, int | None] | None = None

    history = HistoricalRecords(
        excluded_fields=["contact_mobile", "contact_mobile_index", "completion_clock"],
        verbose_name=_("historical case"),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            # An officer's open cases (the workbench), and with a station narrowed in the index;
            # the market and the first-contact officer last, so that whether the officer may see
            # each case (``case_visibility``) is read from the index too: at 5 000 000 cases an
            # officer's 4 978 open cases at a station were each read from the table (12 ms).
            models.Index(
                fields=[
                    "owner",
                    "state",
                    "opened_at",
                    "id",
                    "station",
                    "market",
                    "first_contact_officer",
                ],
                name="case_owner_state_opened",
            ),
            # The workbench's own cases, newest (or oldest) first: the officer's open cases only,
            # in the lists' order, with what the lists' filters and ``case_visibility`` read, so a
            # page is the first rows of one range read from the index alone. Through
            # ``case_owner_opened`` (every case of the officer) a page stepped over the officer's
            # finished cases between the open ones, each looked up in the table (at 5 000 000
            # cases up to 8 ms a page, bench/README.md). Read by PostgreSQL; SQLite takes a
            # partial index for a query that writes its condition out (``open_state_condition``),
            # and so written its plans of the officer's due lists changed for the worse: it walks
            # ``case_owner_opened`` (cheap row lookups; its workbench within target at 1 000 000).
            models.Index(
                fields=[
                    "owner",
                    "opened_at",
                    "id",
                    "market",
                    "first_contact_officer",
                    "state",
                    "kind",
                    "channel",
                    "station",
                ],
                name="case_owner_open_opened",
                condition=Q(state__in=OPEN_STATES),
            ),
            models.Index(fields=["first_contact_officer", "state"]),
            # The case lists' filters, each in the lists' order (opened, then id: a stable
            # page boundary); see cases.selectors.cases_filtered and bench/lists.py.
            models.Index(fields=["market", "opened_at", "id"], name="case_market_opened"),
            models.Index(
                fields=["market", "state", "opened_at", "id"], name="case_market_state_opened"
            ),
            models.Index(fields=["market", "reference"], name="case_market_reference"),
            # Also covers the monthly statistics' job-seeker registrations (state, applicant:
            # read from the index alone, never from the wide rows; bench/stats.py), and a kind
            # narrowed to a channel, counted from the index alone: without the channel,
            # PostgreSQL counted a market's complaints by phone by scanning the table.
            models.Index(
                fields=["market", "kind", "opened_at", "id", "state", "applicant", "channel"],
                name="case_market_kind_opened",
            ),
            models.Index(
                fields=["market", "channel", "opened_at", "id"], name="case_market_channel_opened"
            ),
            # An owner's cases in a market (the market's list by owner), counted from the index.
            models.Index(fields=["owner", "opened_at", "id", "market"], name="case_owner_opened"),
            # A station's cases in a state (the unclaimed ones of the workbench) are one range;
            # a station alone is read through the market's index (half its cases). The market
            # last: the lists ask a station's cases their market too, answered from the index
            # alone (at 5 000 000 cases, a station's new cases due this week read 17 000 rows
            # from the table for it: 60 ms; bench/README.md, "Case lists").
            models.Index(
                fields=["station", "state", "opened_at", "id", "market"],
                name="case_station_state_opened",
            ),
            models.Index(fields=["contact_mobile_index"], name="case_contact_mobile_index"),
            # A due list walks its clocks in due order and asks each one's case its market,
            # state, station and channel from this index alone (the market's overdue cases or
            # due this week, counted to 1 000, probe a thousand cases: 17 -> 9 ms at 1 M cases
            # on PostgreSQL; a station's cases due this week, or the phone's overdue: with the
            # case's row read for its station or channel, PostgreSQL hashed the market's clocks
            # in the range against every case of the station instead, 22 -> 2 ms a page).
            models.Index(fields=["id", "market", "state", "station", "channel"], name="case_probe"),
            # The dashboards' workload (open cases per officer or market, by state): only the
            # open cases, read from the index alone (cases.dashboard_selectors.case_workload).
            models.Index(
                fields=["market", "state", "owner"],
                name="case_open_workload",
                condition=Q(state__in=OPEN_STATES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Case:
        case = super().from_db(db, field_names, values)
        if len(values) == len(cls._meta.concrete_fields):
            # Read whole: where the dashboard counters count it now (cases.counters), for the
            # service that saves it to move its count from there.
            case.counted_as = case.counted_now()
        return case

    def counted_now(self) -> tuple[int, Any, str, str, int | None]:
        """What the dashboard counters count a case by: market, time opened, kind, state,
        owner (``cases.counters.case_bucket`` makes their buckets of it)."""
        return (self.market_id, self.opened_at, self.kind, self.state, self.owner_id)

    def get_state_display(self) -> str:  # type: ignore[no-redef]
        """The state in words, as Django's own ``get_state_display`` says it; a list draws one
        per row, and Django's translates every label of the field to find one."""
        return str(_STATE_LABELS.get(self.state, self.state))

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def contact_mobile_masked(self) -> str:
        """``138****8000``: for pages; the whole number is for the SMS gateway only."""
        return mobile_mask(self.contact_mobile or "")

    # --- The shared state graph ---------------------------------------------------------------
    # Bodies only set fields; the services save, audit and notify.

    @transition(field=state, source=State.NEW, target=State.IN_PROGRESS, permission=can.claim)
    def claim(self, *, by: object) -> None:
        self.owner = by  # type: ignore[assignment]

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.TRANSFER_PENDING,
        permission=can.work_on,
    )
    def transfer(self) -> None:
        """Hand over to an officer or another market's team; the owner keeps it meanwhile."""

    @transition(field=state, source=State.TRANSFER_PENDING, target=State.IN_PROGRESS)
    def accept_transfer(self, *, by: object, market: Market) -> None:
        self.owner = by  # type: ignore[assignment]
        self.market = market

    @transition(field=state, source=State.TRANSFER_PENDING, target=State.IN_PROGRESS)
    def decline_transfer(self) -> None:
        """Back to the sender, who stays the owner."""

    @transition(
        field=state,
        source=State.IN_PROGRESS,
        target=State.AWAITING_MATERIALS,
        permission=can.work_on,
    )
    def request_materials(self) -> None:
        """The single notice is issued; the applicant's turn."""

    @transition(
        field=state,
        source=State.AWAITING_MATERIALS,
        target=State.IN_PROGRESS,
        permission=can.work_on,
    )
    def receive_materials(self) -> None:
        """Every item of the notice is in."""

    @transition(
        field=state, source=State.IN_PROGRESS, target=State.RESOLVED, permission=can.work_on
    )
    def resolve(self, *, outcome: str) -> None:
        self.outcome = outcome
        self.resolved_at = timezone.now()

    @transition(field=state, source=State.RESOLVED, target=State.CLOSED, permission=can.work_on)
    def close(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=state,
        source=[State.RESOLVED, State.CLOSED],
        target=State.IN_PROGRESS,
        permission=can.lead,
    )
    def reopen(self) -> None:
        self.resolved_at = None
        self.closed_at = None

    @transition(
        field=state,
        source=[State.NEW, State.IN_PROGRESS, State.AWAITING_MATERIALS],
        target=State.WITHDRAWN,
        permission=can.work_on,
    )
    def withdraw(self) -> None:
        self.closed_at = timezone.now()


class CaseOpenedCount(models.Model):
    """Dashboard counters of the cases: how many cases of each market opened on each local day
    are of each kind and now in each state, kept up to date by the case services in their
    transaction (``cases.counters``), so that "cases opened in the period, by kind and state"
    adds up a few hundred rows instead of every case of the month. Rebuilt from the cases by
    ``manage.py sla_counters_rebuild``."""

    market = models.ForeignKey(Market, on_delete=models.CASCADE, db_index=False, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=40)
    state = models.CharField(max_length=24)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["market", "day", "kind", "state"], name="case_opened_count_bucket"
            )
        ]

    def __str__(self) -> str:
        return f"{self.market_id} {self.day} {self.kind} {self.state}: {self.n}"


class CaseLoadCount(models.Model):
    """Dashboard counters of the cases: how many cases of each market each officer owns now, by
    state (``NOBODY``: no owner), kept as ``CaseOpenedCount`` is; the dashboards' workload adds
    up the open states' rows."""

    NOBODY = 0

    market = models.ForeignKey(Market, on_delete=models.CASCADE, db_index=False, related_name="+")
    owner = models.BigIntegerField()  # a user id or NOBODY: not a foreign key (the sentinel)
    state = models.CharField(max_length=24)
    n = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["market", "owner", "state"], name="case_load_count_bucket"
            )
        ]

    def __str__(self) -> str:
        return f"{self.market_id} {self.owner} {self.state}: {self.n}"


class ReferenceSequence(models.Model):
    """The last number given under a reference prefix (the market's division code) and year,
    locked while a number is taken. Keyed by the prefix itself, so two markets that share a
    division code can never hand out the same reference."""

    prefix = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["prefix", "year"], name="reference_sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class Transfer(models.Model):
    """A hand-over waiting for the receiver (an officer, or a market's team) to accept."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="transfers"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("from"),
        on_delete=models.PROTECT,
        related_name="transfers_sent",
    )
    to_market = models.ForeignKey(
        Market, verbose_name=_("to market"), on_delete=models.PROTECT, related_name="+"
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfers_received",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    history = HistoricalRecords(verbose_name=_("historical transfer"))

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(status="pending"),
                name="transfer_one_pending_per_case",
            )
        ]
        # Waiting for a person, or for a market's team: each in the order the workbench
        # lists them (oldest first).
        indexes = [
            models.Index(
                fields=["to_market", "status", "created_at"], name="transfer_to_market_waiting"
            ),
            models.Index(
                fields=["to_user", "status", "created_at"], name="transfer_to_user_waiting"
            ),
            # The workbench's "waiting for me" (for me, or for my market's team), oldest first:
            # the pending ones in that order, until the page is full; the either-or of the two
            # addressees reads neither index above in order (a sort of every pending transfer
            # of the team: 10 ms at 6 500).
            models.Index(
                fields=["created_at", "id"],
                name="transfer_pending_oldest",
                condition=Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.reference} → {self.to_user or self.to_market}"


class ChecklistItem(models.Model):
    """One item of a case kind's materials checklist (材料清单), kept by administrators."""

    kind = models.CharField(_("case kind"), max_length=40)
    name = models.CharField(_("material"), max_length=200)
    reason = models.CharField(_("why it is needed"), max_length=300)
    format = models.CharField(_("form (original, copy …)"), max_length=100)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    issuing_body = models.CharField(_("issued by"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    history = HistoricalRecords(verbose_name=_("historical checklist item"))

    class Meta:
        ordering = ["kind", "position", "pk"]
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")

    def __str__(self) -> str:
        return self.name


class SingleNotice(models.Model):
    """The single written notice (一次性告知书) listing every missing item. Frozen once issued:
    only the receipt of items is recorded afterwards."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="notices"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    legal_basis = models.TextField(_("legal basis"))
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"))
    where_to_submit = models.TextField(_("where and how to hand them in"))
    how_to_complain = models.TextField(_("how to complain"))
    sms_text = models.TextField(_("SMS text"))

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("single notice")
        verbose_name_plural = _("single notices")

    def __str__(self) -> str:
        return f"{self.case.reference} · {self.issued_at:%Y-%m-%d}"


class NoticeItem(models.Model):
    """A missing item as the notice listed it (copied from the checklist, not linked)."""

    notice = models.ForeignKey(
        SingleNotice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="items"
    )
    name = models.CharField(_("material"), max_length=200)
    reason = models.CharField(_("why it is needed"), max_length=300)
    format = models.CharField(_("form"), max_length=100)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    issuing_body = models.CharField(_("issued by"), max_length=100, blank=True)
    # An item demanded after the notice: approved by a team lead and counted as a breach.
    added_later = models.BooleanField(_("added after the notice"), default=False)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name=_("historical notice item"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("notice item")
        verbose_name_plural = _("notice items")

    def __str__(self) -> str:
        return self.name


class SingleNoticeBreach(models.Model):
    """An item demanded that the single notice did not list (违反一次性告知), counted against the
    officer who issued the notice and the market."""

    notice = models.ForeignKey(
        SingleNotice, verbose_name=_("notice"), on_delete=models.PROTECT, related_name="breaches"
    )
    item = models.OneToOneField(
        NoticeItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="breach"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("officer"),
        on_delete=models.PROTECT,
        related_name="single_notice_breaches",
    )
    market = models.ForeignKey(Market, verbose_name=_("market"), on_delete=models.PROTECT)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("single-notice breach")
        verbose_name_plural = _("single-notice breaches")
        indexes = [models.Index(fields=["market", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.notice} · {self.item.name}"


class CaseNote(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical note"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        # The case page reads a case's notes a page at a time, newest first, by keyset on
        # (created_at, id) (cases.staff_selectors.case_note_page): read in index order, not
        # every note of the case sorted for each page.
        indexes = [models.Index(fields=["case", "created_at", "id"], name="casenote_case_written")]

    def __str__(self) -> str:
        return self.text[:50]


def _attachment_path(instance: CaseAttachment, filename: str) -> str:
    # Never the uploaded name: a random one under the case, outside any served directory.
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}"


class CaseAttachment(models.Model):
    """A file handed in for a case, stored under MEDIA_ROOT (never served by the web server)
    and sent only to staff who may see the case."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.PROTECT, related_name="attachments"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT
    )
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    # Set by the hourly sweep (cases.attachments.attachment_orphans_remove) when the stored
    # file has gone from the store; the row is kept for the trail. Cleared if it comes back.
    file_missing_since = models.DateTimeField(_("file missing since"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("historical attachment"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class FormSubmission(models.Model):
    """The one-time token of a form that creates something, and the page of what it made.

    Inserted in the same transaction as the thing itself, under a unique token: a second
    submit of the same form (a double click, a resent request, a browser's retry) finds the
    first one's row, or waits for it and then finds it, and answers with the same result
    instead of creating again. See ``backoffice/common/once.py``.
    """

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    path = models.CharField(max_length=300)
    result_url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("form submission")
        verbose_name_plural = _("form submissions")

    def __str__(self) -> str:
        return f"{self.path} → {self.result_url}"
