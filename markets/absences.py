"""Absence cover (AB岗): a team lead records that an officer of their market is away from one
day to another and names the colleague who covers (the deputy); ends it early when the officer
is back; cancels one that has not started. Each change is an audit event (``markets.hooks``).

The rules, each refused with its own message (``ValidationError`` on the field concerned):

- the absence ends on or after the day it starts, and not before today;
- the absent officer works in the market, and the deputy too (a colleague of the same market,
  active), and is not the absent officer;
- the officer is not already away in this market at any of those days (no overlap);
- the deputy is not away themselves at any of those days (in any market): cover never runs
  through a chain of deputies, so who receives an absent officer's work is always one step;
- for the same reason, the absent officer is not a deputy for someone else at any of those days.

Two team leads recording at once are serialised on the staff rows of the two people named
(locked in a fixed order), so two overlapping absences, or two people made each other's
deputy, cannot both pass the checks.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.history import save_with_history
from accounts.models import User

from .hooks import AbsenceChange, absence_change_record
from .models import MARKET_ROLES, Absence, Market, Membership, Role

NOTE_MAX = 200

RECORDED = "absences.recorded"
ENDED_EARLY = "absences.ended_early"
CANCELLED = "absences.cancelled"


def _values(absence: Absence) -> dict[str, object]:
    return {
        "officer_id": absence.officer_id,
        "officer": str(absence.officer),
        "deputy_id": absence.deputy_id,
        "deputy": str(absence.deputy),
        "starts_on": absence.starts_on.isoformat(),
        "ends_on": absence.ends_on.isoformat(),
    }


def _lead_required(actor: User, market_id: int) -> None:
    if not Membership.objects.filter(user=actor, market_id=market_id, role=Role.TEAM_LEAD).exists():
        raise PermissionDenied(_("Only a team lead of the market records its absences."))


def _works_in(user: User, market_id: int) -> bool:
    return Membership.objects.filter(user=user, market_id=market_id, role__in=MARKET_ROLES).exists()


def _not_withdrawn(absences: QuerySet[Absence]) -> QuerySet[Absence]:
    return absences.filter(cancelled_at__isnull=True, ended_at__isnull=True)


def _overlapping(starts_on: date, ends_on: date) -> Q:
    return Q(starts_on__lte=ends_on, ends_on__gte=starts_on)


def _period(absence: Absence) -> dict[str, str]:
    return {"start": absence.starts_on.isoformat(), "end": absence.ends_on.isoformat()}


def _check(*, market: Market, officer: User, deputy: User, starts_on: date, ends_on: date) -> None:
    """Every rule of the module's docstring, in the order a team lead would fix them."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("An absence cannot end before it starts.")})
    if ends_on < timezone.localdate():
        raise ValidationError({"ends_on": _("This absence would be over already.")})
    if not _works_in(officer, market.pk):
        raise ValidationError({"officer": _("This person does not work in this market.")})
    if deputy.pk == officer.pk:
        raise ValidationError({"deputy": _("The absent officer cannot be their own deputy.")})
    if not deputy.is_active or not _works_in(deputy, market.pk):
        raise ValidationError(
            {
                "deputy": _(
                    "The deputy must be an active colleague of the same market (%(market)s)."
                )
                % {"market": market.name}
            }
        )
    period = _overlapping(starts_on, ends_on)
    mine = _not_withdrawn(Absence.objects.filter(period, market=market, officer=officer)).first()
    if mine is not None:
        raise ValidationError(
            {
                "starts_on": _(
                    "%(name)s is already recorded as away from %(start)s to %(end)s: the "
                    "absences of one officer may not overlap. End or cancel that one first."
                )
                % {"name": officer, **_period(mine)}
            }
        )
    away = _not_withdrawn(Absence.objects.filter(period, officer=deputy)).first()
    if away is not None:
        raise ValidationError(
            {
                "deputy": _(
                    "%(name)s is away themselves from %(start)s to %(end)s: choose another deputy."
                )
                % {"name": deputy, **_period(away)}
            }
        )
    covering = _not_withdrawn(Absence.objects.filter(period, deputy=officer)).first()
    if covering is not None:
        raise ValidationError(
            {
                "officer": _(
                    "%(name)s covers for %(other)s from %(start)s to %(end)s: name another "
                    "deputy for %(other)s first."
                )
                % {"name": officer, "other": covering.officer, **_period(covering)}
            }
        )


@transaction.atomic
def absence_record(
    *,
    actor: User,
    market: Market,
    officer: User,
    deputy: User,
    starts_on: date,
    ends_on: date,
    note: str = "",
) -> Absence:
    """Record that ``officer`` is away from ``starts_on`` to ``ends_on`` (both included) and
    that ``deputy`` covers. Raises PermissionDenied for anyone but a team lead of ``market``,
    ValidationError (with the field and the reason) when a rule is broken."""
    _lead_required(actor, market.pk)
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("The note may be at most %(max)d characters long.") % {"max": NOTE_MAX}}
        )
    # Serialise every record that names either person, in a fixed order (no deadlock).
    list(User.objects.select_for_update().filter(pk__in={officer.pk, deputy.pk}).order_by("pk"))
    _check(market=market, officer=officer, deputy=deputy, starts_on=starts_on, ends_on=ends_on)
    absence = Absence(
        market=market,
        officer=officer,
        deputy=deputy,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
        recorded_by=actor,
    )
    save_with_history(absence, actor)
    absence_change_record(
        AbsenceChange(action=RECORDED, absence=absence, actor=actor, new_values=_values(absence))
    )
    return absence


def _locked(absence: Absence) -> Absence:
    locked: Absence = (
        Absence.objects.select_for_update(of=("self",))
        .select_related("market", "officer", "deputy")
        .get(pk=absence.pk)
    )
    return locked


@transaction.atomic
def absence_end(*, actor: User, absence: Absence) -> Absence:
    """The officer is back before the planned day: from now on everything is theirs again."""
    absence = _locked(absence)
    _lead_required(actor, absence.market_id)
    today = timezone.localdate()
    if not absence.runs_on(today):
        raise ValidationError(_("Only an absence that is running now can be ended early."))
    old = _values(absence)
    absence.ends_on = today
    absence.ended_at = timezone.now()
    absence.changed_by = actor
    save_with_history(absence, actor, update_fields=["ends_on", "ended_at", "changed_by"])
    absence_change_record(
        AbsenceChange(
            action=ENDED_EARLY,
            absence=absence,
            actor=actor,
            old_values=old,
            new_values={**_values(absence), "ended_at": absence.ended_at.isoformat()},
        )
    )
    return absence


@transaction.atomic
def absence_cancel(*, actor: User, absence: Absence) -> Absence:
    """An absence that has not started will not happen (one running now is ended early)."""
    absence = _locked(absence)
    _lead_required(actor, absence.market_id)
    if absence.is_withdrawn or absence.starts_on <= timezone.localdate():
        raise ValidationError(
            _("Only an absence that has not started can be cancelled; end a running one early.")
        )
    absence.cancelled_at = timezone.now()
    absence.changed_by = actor
    save_with_history(absence, actor, update_fields=["cancelled_at", "changed_by"])
    absence_change_record(
        AbsenceChange(
            action=CANCELLED,
            absence=absence,
            actor=actor,
            old_values=_values(absence),
            new_values={"cancelled_at": absence.cancelled_at.isoformat()},
        )
    )
    return absence
