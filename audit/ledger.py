"""The work-log ledger (工作日志台账, art. 3 of the regional standard): daily and monthly figures
per market and per officer, counted from the event log, and the team lead's sign-off.

A ledger day is a calendar day in Asia/Shanghai, whatever the server's zone: the day becomes a
half-open UTC range on ``occurred_at`` and is read through the (market, occurred_at) index.
The figures come from one aggregate query (GROUP BY action, actor and the JSON keys the ledger
splits by), so a day with a million events costs the same number of queries as a quiet one.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case as DbCase
from django.db.models import CharField, Count, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from markets.models import Market, Membership, Role

from .models import AuditEvent, LedgerSignOff
from .services import event_record

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LEDGER_ZONE = ZoneInfo("Asia/Shanghai")

# The case engine's codes (written by ``cases``, which sits above this app).
CASE_OPENED = "case.opened"
CASE_CLAIMED = "case.claimed"
CASE_TRANSFERRED = "case.transferred"
CASE_TRANSFER_ACCEPTED = "case.transfer_accepted"
CASE_TRANSFER_DECLINED = "case.transfer_declined"
CASE_MATERIALS_REQUESTED = "case.materials_requested"
CASE_MATERIALS_RECEIVED = "case.materials_received"
CASE_RESOLVED = "case.resolved"
CASE_CLOSED = "case.closed"
CASE_REOPENED = "case.reopened"
CASE_WITHDRAWN = "case.withdrawn"
NOTICE_BREACH_RECORDED = "notice.breach_recorded"
PERSONAL_DATA_REVEALED = "personal_data.revealed"

# The main business of the market (art. 3: 工作日志台账 of the main business), written by the
# workflows (``workflows/<service>/events.py``), which sit above this app too.
POSTING_TAKEN_IN = "posting.taken_in"
POSTING_PUBLISHED = "posting.published"
SEEKER_REGISTERED = "seeker.registered"
REFERRAL_RECORDED = "guidance.referred"
REFERRAL_OUTCOME = "guidance.referral_outcome"
GUIDANCE_ITEM_RECORDED = "seeker.guidance_recorded"
GUIDANCE_SESSION_RECORDED = "guidance.session_recorded"
TRAINING_REFERRED = "training.referred"
TRAINING_COMPLETED = "training.completed"
WELFARE_PLACED = "welfare.placed"
CAMPAIGN_CREATED = "campaign.created"
CAMPAIGN_ATTENDANCE = "campaign.attendance_recorded"
COMPLAINT_FILED = "complaint.filed"
COMPLAINT_RESOLVED = "complaint.resolved"
COMPLAINT_DECLINED = "complaint.declined"

# The ledger's own codes.
LEDGER_SIGNED_OFF = "ledger.signed_off"
LEDGER_EXPORTED = "ledger.exported"

CASES = "cases"
BUSINESS = "business"


@dataclass(frozen=True)
class Figure:
    """One count of the ledger: which events it counts, and for whom.

    ``where`` narrows the events to those whose ``new_values`` hold these values (a hire is a
    referral outcome of "hired"); at most one narrowed figure per action. A breach counts for
    the officer named in the event (``officer_id``: who issued the notice), not for the team
    lead who recorded it; every other event for its actor.
    """

    name: str
    label: StrOrPromise
    actions: tuple[str, ...]
    section: str
    where: tuple[tuple[str, str], ...] = ()
    for_named_officer: bool = False


# Every figure, in the order the ledger lists them.
FIGURES: tuple[Figure, ...] = (
    Figure("opened", gettext_lazy("Cases opened"), (CASE_OPENED,), CASES),
    Figure("claimed", gettext_lazy("Cases claimed"), (CASE_CLAIMED,), CASES),
    Figure("transfers_out", gettext_lazy("Transfers out"), (CASE_TRANSFERRED,), CASES),
    Figure(
        "transfers_accepted",
        gettext_lazy("Transfers accepted"),
        (CASE_TRANSFER_ACCEPTED,),
        CASES,
    ),
    Figure(
        "transfers_declined",
        gettext_lazy("Transfers declined"),
        (CASE_TRANSFER_DECLINED,),
        CASES,
    ),
    Figure(
        "notices_issued",
        gettext_lazy("Single notices issued"),
        (CASE_MATERIALS_REQUESTED,),
        CASES,
    ),
    Figure(
        "materials_received",
        gettext_lazy("Materials received"),
        (CASE_MATERIALS_RECEIVED,),
        CASES,
    ),
    Figure("resolved", gettext_lazy("Cases resolved"), (CASE_RESOLVED,), CASES),
    Figure("closed", gettext_lazy("Cases closed"), (CASE_CLOSED,), CASES),
    Figure("reopened", gettext_lazy("Cases reopened"), (CASE_REOPENED,), CASES),
    Figure("withdrawn", gettext_lazy("Cases withdrawn"), (CASE_WITHDRAWN,), CASES),
    Figure(
        "breaches",
        gettext_lazy("Single-notice breaches"),
        (NOTICE_BREACH_RECORDED,),
        CASES,
        for_named_officer=True,
    ),
    Figure(
        "personal_data_reveals",
        gettext_lazy("Personal data revealed"),
        (PERSONAL_DATA_REVEALED,),
        CASES,
    ),
    Figure("postings_taken_in", gettext_lazy("Postings taken in"), (POSTING_TAKEN_IN,), BUSINESS),
    Figure(
        "postings_published", gettext_lazy("Postings published"), (POSTING_PUBLISHED,), BUSINESS
    ),
    Figure(
        "seekers_registered",
        gettext_lazy("Job seekers registered"),
        (SEEKER_REGISTERED,),
        BUSINESS,
    ),
    Figure("referrals", gettext_lazy("Referrals made"), (REFERRAL_RECORDED,), BUSINESS),
    Figure(
        "hires",
        gettext_lazy("Hires from referrals"),
        (REFERRAL_OUTCOME,),
        BUSINESS,
        where=(("outcome", "hired"),),
    ),
    Figure(
        "guidance_items",
        gettext_lazy("Guidance items given"),
        (GUIDANCE_ITEM_RECORDED,),
        BUSINESS,
    ),
    Figure(
        "guidance_sessions",
        gettext_lazy("Career guidance sessions"),
        (GUIDANCE_SESSION_RECORDED,),
        BUSINESS,
    ),
    Figure(
        "training_referrals",
        gettext_lazy("Training referrals"),
        (TRAINING_REFERRED,),
        BUSINESS,
    ),
    Figure(
        "training_completions",
        gettext_lazy("Training completions"),
        (TRAINING_COMPLETED,),
        BUSINESS,
    ),
    Figure(
        "welfare_placements",
        gettext_lazy("Welfare job placements"),
        (WELFARE_PLACED,),
        BUSINESS,
    ),
    Figure("campaigns_held", gettext_lazy("Campaign events"), (CAMPAIGN_CREATED,), BUSINESS),
    Figure(
        "campaign_attendances",
        gettext_lazy("Campaign attendance records"),
        (CAMPAIGN_ATTENDANCE,),
        BUSINESS,
    ),
    Figure(
        "complaints_received",
        gettext_lazy("Complaints received"),
        (COMPLAINT_FILED,),
        BUSINESS,
    ),
    Figure(
        "complaints_concluded",
        gettext_lazy("Complaints concluded"),
        (COMPLAINT_RESOLVED, COMPLAINT_DECLINED),
        BUSINESS,
    ),
)
FIGURES_BY_NAME: dict[str, Figure] = {figure.name: figure for figure in FIGURES}
_BY_ACTION: dict[str, tuple[Figure, ...]] = {}
for _figure in FIGURES:
    for _action in _figure.actions:
        _BY_ACTION[_action] = (*_BY_ACTION.get(_action, ()), _figure)
LEDGER_ACTIONS = tuple(_BY_ACTION)

# What an event without a kind or channel is counted under.
UNSPECIFIED = ""


@dataclass
class LedgerFigures:
    """The ledger's figures for a market or for one officer over one period."""

    opened: int = 0
    opened_by_kind: dict[str, int] = field(default_factory=dict)
    opened_by_channel: dict[str, int] = field(default_factory=dict)
    claimed: int = 0
    transfers_out: int = 0
    transfers_accepted: int = 0
    transfers_declined: int = 0
    notices_issued: int = 0
    materials_received: int = 0
    resolved: int = 0
    closed: int = 0
    closed_by_kind: dict[str, int] = field(default_factory=dict)
    reopened: int = 0
    withdrawn: int = 0
    breaches: int = 0
    personal_data_reveals: int = 0
    postings_taken_in: int = 0
    postings_published: int = 0
    seekers_registered: int = 0
    referrals: int = 0
    hires: int = 0
    guidance_items: int = 0
    guidance_sessions: int = 0
    training_referrals: int = 0
    training_completions: int = 0
    welfare_placements: int = 0
    campaigns_held: int = 0
    campaign_attendances: int = 0
    complaints_received: int = 0
    complaints_concluded: int = 0

    def __add__(self, other: LedgerFigures) -> LedgerFigures:
        summed = LedgerFigures()
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if isinstance(mine, dict):
                setattr(summed, f.name, _dict_sum(mine, theirs))
            else:
                setattr(summed, f.name, mine + theirs)
        return summed

    def as_dict(self) -> dict[str, Any]:
        """Plain values (for the event log and for comparing)."""
        return {f.name: _sorted(getattr(self, f.name)) for f in fields(self)}


def _dict_sum(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    return {key: a.get(key, 0) + b.get(key, 0) for key in sorted(a.keys() | b.keys())}


def _sorted(value: int | dict[str, int]) -> int | dict[str, int]:
    return dict(sorted(value.items())) if isinstance(value, dict) else value


def _bump(counts: dict[str, int], key: str, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


# The plain counts, in the order the ledger lists them, with their headings: all of them, and
# the case engine's and the main business's apart.
FIGURE_LABELS: tuple[tuple[str, StrOrPromise], ...] = tuple((f.name, f.label) for f in FIGURES)
CASE_FIGURE_LABELS = tuple((f.name, f.label) for f in FIGURES if f.section == CASES)
BUSINESS_FIGURE_LABELS = tuple((f.name, f.label) for f in FIGURES if f.section == BUSINESS)


@dataclass(frozen=True)
class OfficerLedger:
    """One officer's line in the ledger: events they acted in, and breaches counted against
    them (``notice.breach_recorded`` names the officer who issued the notice)."""

    user_id: int
    username: str
    full_name: str
    figures: LedgerFigures


@dataclass(frozen=True)
class Ledger:
    """One market's ledger for a day or a month (both ends inclusive, Asia/Shanghai days)."""

    market: Market
    first_day: date
    last_day: date
    period: str  # "2026-03-02" for a day, "2026-03" for a month
    starts_at: datetime  # UTC, inclusive
    ends_at: datetime  # UTC, exclusive
    totals: LedgerFigures
    officers: tuple[OfficerLedger, ...]
    sign_offs: tuple[LedgerSignOff, ...]

    @property
    def is_day(self) -> bool:
        return self.first_day == self.last_day

    def officer(self, user_id: int) -> OfficerLedger | None:
        return next((o for o in self.officers if o.user_id == user_id), None)


def day_range(day: date, days: int = 1) -> tuple[datetime, datetime]:
    """The UTC instants at which ``day`` begins (inclusive) and ``days`` days later (exclusive),
    days counted in Asia/Shanghai."""
    starts = datetime.combine(day, time.min, tzinfo=LEDGER_ZONE)
    ends = datetime.combine(day + timedelta(days=days), time.min, tzinfo=LEDGER_ZONE)
    return starts.astimezone(UTC), ends.astimezone(UTC)


def _user_id(value: object) -> int | None:
    """``officer_id`` as read back from JSON: an integer, or its text (SQLite/PostgreSQL)."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def _figures_count(
    rows: Iterable[Mapping[str, Any]],
) -> tuple[LedgerFigures, dict[int, LedgerFigures]]:
    totals = LedgerFigures()
    per_user: dict[int, LedgerFigures] = {}
    for row in rows:
        action, n = row["action"], row["n"]
        for figure in _BY_ACTION[action]:
            if figure.where and row["narrowed"] != figure.name:
                continue
            who = _user_id(row["officer_id"]) if figure.for_named_officer else row["actor_id"]
            targets = [totals]
            if who is not None:
                targets.append(per_user.setdefault(who, LedgerFigures()))
            for figures in targets:
                setattr(figures, figure.name, getattr(figures, figure.name) + n)
                if action == CASE_OPENED:
                    _bump(figures.opened_by_kind, row["kind"] or UNSPECIFIED, n)
                    _bump(figures.opened_by_channel, row["channel"] or UNSPECIFIED, n)
                elif action == CASE_CLOSED:
                    _bump(figures.closed_by_kind, row["kind"] or UNSPECIFIED, n)
    return totals, per_user


def _where(figure: Figure) -> Q:
    return Q(action__in=figure.actions, **{f"new_values__{k}": v for k, v in figure.where})


def _narrowed() -> DbCase:
    """The name of the narrowed figure an event belongs to, or "" (one CASE over all of them)."""
    whens = [When(_where(f), then=Value(f.name)) for f in FIGURES if f.where]
    return DbCase(*whens, default=Value(""), output_field=CharField())


def ledger_event_counts(
    *, market: Market, starts_at: datetime, ends_at: datetime
) -> QuerySet[AuditEvent, dict[str, Any]]:
    """The counted events of ``market`` in [starts_at, ends_at), grouped by action, actor and the
    JSON keys the ledger splits by: one row per combination, with its count ``n``."""
    return (
        AuditEvent.objects.filter(
            market=market,
            occurred_at__gte=starts_at,
            occurred_at__lt=ends_at,
            action__in=LEDGER_ACTIONS,
            success=True,
        )
        .annotate(
            kind=KeyTextTransform("kind", "new_values"),
            channel=KeyTextTransform("channel", "new_values"),
            officer_id=KeyTextTransform("officer_id", "new_values"),
            narrowed=_narrowed(),
        )
        .order_by()
        .values("action", "actor_id", "kind", "channel", "officer_id", "narrowed")
        .annotate(n=Count("id"))
    )


def _ledger_build(*, market: Market, first_day: date, last_day: date, period: str) -> Ledger:
    starts_at, ends_at = day_range(first_day, (last_day - first_day).days + 1)
    rows = ledger_event_counts(market=market, starts_at=starts_at, ends_at=ends_at)
    totals, per_user = _figures_count(rows)
    users = (
        User.objects.filter(pk__in=per_user).values_list("pk", "username", "full_name")
        if per_user
        else []
    )
    officers = sorted(
        (
            OfficerLedger(user_id=pk, username=username, full_name=full_name, figures=per_user[pk])
            for pk, username, full_name in users
        ),
        key=lambda o: (o.username, o.user_id),
    )
    sign_offs = LedgerSignOff.objects.filter(
        market=market, day__gte=first_day, day__lte=last_day
    ).select_related("signed_by")
    return Ledger(
        market=market,
        first_day=first_day,
        last_day=last_day,
        period=period,
        starts_at=starts_at,
        ends_at=ends_at,
        totals=totals,
        officers=tuple(officers),
        sign_offs=tuple(sign_offs.order_by("day")),
    )


def ledger_figure_events(
    *,
    market: Market,
    figure: Figure,
    starts_at: datetime,
    ends_at: datetime,
    user_id: int | None = None,
) -> QuerySet[AuditEvent]:
    """The events behind one figure of ``market``'s ledger in [starts_at, ends_at), newest first:
    exactly those the figure counts (for one officer when ``user_id`` is given)."""
    events = AuditEvent.objects.filter(
        _where(figure),
        market=market,
        occurred_at__gte=starts_at,
        occurred_at__lt=ends_at,
        success=True,
    )
    if user_id is not None:
        if figure.for_named_officer:  # written as a number, or its text by older code
            named = Q(new_values__officer_id=user_id) | Q(new_values__officer_id=str(user_id))
            events = events.filter(named)
        else:
            events = events.filter(actor_id=user_id)
    return events.select_related("actor", "market").order_by("-occurred_at", "-id")


def ledger_day(*, market: Market, day: date) -> Ledger:
    """``market``'s ledger for one calendar day in Asia/Shanghai."""
    return _ledger_build(market=market, first_day=day, last_day=day, period=day.isoformat())


def ledger_month(*, market: Market, year: int, month: int) -> Ledger:
    """``market``'s ledger for one calendar month in Asia/Shanghai: the sum of its days."""
    last = calendar.monthrange(year, month)[1]
    return _ledger_build(
        market=market,
        first_day=date(year, month, 1),
        last_day=date(year, month, last),
        period=f"{year:04d}-{month:02d}",
    )


def ledger_sign_off(*, actor: User, market: Market, day: date, note: str = "") -> LedgerSignOff:
    """The team lead of ``market`` signs its ledger for ``day`` (台账签字确认), once.

    Records ``ledger.signed_off`` with the figures signed, in the same transaction. Raises
    PermissionDenied for anyone but an active team lead of the market, and ValidationError for
    a day that has not begun yet or is signed off already.
    """
    is_lead = Membership.objects.filter(user=actor, market=market, role=Role.TEAM_LEAD).exists()
    if not actor.is_active or not is_lead:
        raise PermissionDenied(_("Only a team lead of this market may sign off its ledger."))
    if day > timezone.localdate(timezone=LEDGER_ZONE):
        raise ValidationError(
            _("The ledger of %(day)s cannot be signed off before that day."),
            code="future_day",
            params={"day": day.isoformat()},
        )
    already = _("The ledger of %(day)s is signed off already.")
    with transaction.atomic():
        if LedgerSignOff.objects.filter(market=market, day=day).exists():
            raise ValidationError(already, code="signed_off", params={"day": day.isoformat()})
        try:
            with transaction.atomic():
                sign_off = LedgerSignOff.objects.create(
                    market=market, day=day, signed_by=actor, note=note
                )
        except IntegrityError as error:  # signed by someone else a moment ago
            raise ValidationError(
                already, code="signed_off", params={"day": day.isoformat()}
            ) from error
        ledger = ledger_day(market=market, day=day)
        event_record(
            action=LEDGER_SIGNED_OFF,
            actor=actor,
            target=sign_off,
            market=market,
            new_values={"day": day.isoformat(), "note": note, "totals": ledger.totals.as_dict()},
        )
    return sign_off
