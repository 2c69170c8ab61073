"""Training (职业技能培训, standard art. 21): providers and programmes kept by a market's team
lead, referrals of seekers to programmes as cases of kind ``training_referral``, and training
wishes taken at the counter. Each service is one transaction: lock, check the actor's right,
validate, change, save (field history), audit. Errors change nothing:

- ``django.core.exceptions.PermissionDenied``: the actor may not do this in this market;
- ``cases.services.CaseActionError``: the referral's state does not allow this step;
- ``django.core.exceptions.ValidationError``: bad input, per field.

A referral holds one of the programme's places from the moment it is made until the seeker
completes or drops out; a programme whose places are all held, that has ended or is not
published takes no more referrals.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as can
from cases.fsm import row_locked, save_with_history, transition_run
from cases.identity import mobile_normalise, text_stored, uscc_validate
from cases.models import Case, Channel
from cases.services import case_open, case_resolve
from markets.models import Market
from workflows.postings.models import Occupation
from workflows.seekers.flow import SEEKER_REGISTRATION
from workflows.seekers.models import SeekerProfile

from . import events
from .flow import TRAINING_REFERRAL
from .models import (
    HOLDING_STATES,
    Programme,
    Provider,
    ReferralState,
    ScheduleKind,
    TrainingReferral,
    TrainingWish,
)

NOTE_MAX = 2000
SUBJECT_MAX = 200
MONEY_MAX = Decimal("1000000")
CAPACITY_MAX = 10_000
PROVIDER_FIELDS = ("name", "credit_code", "address", "phone", "is_active")
PROGRAMME_FIELDS = (
    "provider",
    "title",
    "occupation",
    "schedule_kind",
    "schedule_text",
    "place",
    "cost",
    "subsidy",
    "capacity",
    "starts_on",
    "ends_on",
    "is_published",
)


# --- Cleaning ---------------------------------------------------------------------------------


def _text(errors: dict[str, str], data: Mapping[str, Any], field: str, *, max_length: int) -> str:
    """Required free text of ``data[field]`` (the one cleaner, ``text_stored``), its refusal
    collected in ``errors`` so that every field's is shown at once."""
    try:
        return text_stored(
            str(data.get(field) or ""),
            field=field,
            max_length=max_length,
            required_message=_("This field is required."),
        )
    except ValidationError as error:
        errors[field] = error.message_dict[field][0]
        return ""


def _note(note: str, field: str = "note") -> str:
    return text_stored(note, field=field, max_length=NOTE_MAX)


# A fixed line of mainland China: area code (0 and 2–3 digits) and a 7–8 digit number.
FIXED_LINE = re.compile(r"^0\d{2,3}-?\d{7,8}$")


def _phone(errors: dict[str, str], value: Any) -> str:
    """A mobile (normalised) or a fixed line with its area code (spaces dropped)."""
    text = str(value or "").strip()
    if not text:
        errors["phone"] = _("This field is required.")
        return text
    try:
        return mobile_normalise(text)
    except ValidationError:
        pass
    fixed = re.sub(r"[\s()]", "", text)
    if FIXED_LINE.match(fixed) is None:
        errors["phone"] = _(
            "Enter a mobile number (such as 13800138000) or a fixed line with its area code "
            "(such as 0771-5551234)."
        )
    return fixed[:20]


def _money(errors: dict[str, str], data: Mapping[str, Any], field: str) -> Decimal:
    value = data.get(field)
    if not isinstance(value, Decimal | int) or not Decimal(0) <= Decimal(value) < MONEY_MAX:
        errors[field] = _("Enter an amount in yuan from 0 to 999999.99.")
        return Decimal(0)
    return Decimal(value).quantize(Decimal("0.01"))


def _changes(record: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """The old values of the fields that change, for the audit row."""
    old: dict[str, Any] = {}
    for name, value in values.items():
        current = getattr(record, name)
        if current != value:
            old[name] = current.pk if hasattr(current, "pk") else current
    return old


# --- Providers and programmes (kept by team leads) --------------------------------------------


@transaction.atomic
def provider_save(
    *, actor: User, market: Market, data: Mapping[str, Any], provider: Provider | None = None
) -> Provider:
    """Create or change a training provider serving ``market`` (led by ``actor``). A new
    provider, or one already registered under the same credit code, is added to the market's
    providers."""
    if not can.leads(actor, market.pk):
        raise PermissionDenied
    if provider is not None:
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        if not provider.markets.filter(pk=market.pk).exists():
            raise PermissionDenied
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "name": _text(errors, data, "name", max_length=100),
        "address": _text(errors, data, "address", max_length=200),
        "phone": _phone(errors, data.get("phone")),
        "is_active": bool(data.get("is_active", True)),
    }
    try:
        values["credit_code"] = uscc_validate(str(data.get("credit_code") or ""))
    except ValidationError as error:
        errors["credit_code"] = error.messages[0]
    else:
        same = Provider.objects.filter(credit_code=values["credit_code"])
        if provider is not None and same.exclude(pk=provider.pk).exists():
            errors["credit_code"] = _("Another provider has this credit code.")
        elif provider is None:
            provider = same.select_for_update().first()
    if errors:
        raise ValidationError(errors)
    old = None if provider is None else _changes(provider, values)
    provider = provider or Provider()
    for name, value in values.items():
        setattr(provider, name, value)
    save_with_history(provider, actor)
    provider.markets.add(market)
    events.provider_saved_event(provider, actor, market=market, old_values=old)
    return provider


def _places_held(programme: Programme) -> int:
    """Places taken by referrals waiting for enrolment or enrolled."""
    return programme.referrals.filter(state__in=HOLDING_STATES).count()


@transaction.atomic
def programme_save(
    *, actor: User, market: Market, data: Mapping[str, Any], programme: Programme | None = None
) -> Programme:
    """Create or change a programme on ``market``'s notice board (led by ``actor``). The
    provider must serve the market and be active; the places may not drop below those held."""
    if not can.leads(actor, market.pk):
        raise PermissionDenied
    if programme is not None:
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        if programme.market_id != market.pk:
            raise PermissionDenied
    errors: dict[str, str] = {}
    provider = data.get("provider")
    if (
        not isinstance(provider, Provider)
        or not provider.is_active
        or not provider.markets.filter(pk=market.pk).exists()
    ):
        errors["provider"] = _("Choose an active provider that serves this market.")
    occupation = data.get("occupation")
    if not isinstance(occupation, Occupation) or not occupation.is_active:
        errors["occupation"] = _("Choose an occupation from the list.")
    schedule_kind = str(data.get("schedule_kind") or "")
    if schedule_kind not in ScheduleKind.values:
        errors["schedule_kind"] = _("Choose evenings, weekends, short modules or full time.")
    values: dict[str, Any] = {
        "provider": provider,
        "occupation": occupation,
        "schedule_kind": schedule_kind,
        "title": _text(errors, data, "title", max_length=200),
        "schedule_text": _text(errors, data, "schedule_text", max_length=200),
        "place": _text(errors, data, "place", max_length=200),
        "cost": _money(errors, data, "cost"),
        "subsidy": _money(errors, data, "subsidy"),
        "is_published": bool(data.get("is_published")),
    }
    if "cost" not in errors and "subsidy" not in errors and values["subsidy"] > values["cost"]:
        errors["subsidy"] = _("The subsidy cannot be more than the cost.")
    capacity = data.get("capacity")
    if not isinstance(capacity, int) or not 1 <= capacity <= CAPACITY_MAX:
        errors["capacity"] = _("Enter the number of places, from 1 to %(max)d.") % {
            "max": CAPACITY_MAX
        }
    elif programme is not None and capacity < (held := _places_held(programme)):
        errors["capacity"] = _(
            "%(held)d places are held by referred or enrolled seekers: enter at least that."
        ) % {"held": held}
    values["capacity"] = capacity
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts_on, date):
        errors["starts_on"] = _("Enter the first day of the programme.")
    if not isinstance(ends_on, date):
        errors["ends_on"] = _("Enter the last day of the programme.")
    elif isinstance(starts_on, date) and ends_on < starts_on:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    values["starts_on"], values["ends_on"] = starts_on, ends_on
    if errors:
        raise ValidationError(errors)
    old = None if programme is None else _changes(programme, values)
    programme = programme or Programme(market=market)
    for name, value in values.items():
        setattr(programme, name, value)
    save_with_history(programme, actor)
    events.programme_saved_event(programme, actor, old_values=old)
    return programme


# --- Referrals (培训推荐) ------------------------------------------------------------------------


def programme_refusal(programme: Programme, *, held: int, today: date) -> str | None:
    """Why ``programme`` takes no referral now, for the person at the counter; None if it
    does."""
    if not programme.is_published:
        return _("The programme “%(title)s” is not published.") % {"title": programme.title}
    if programme.ends_on < today:
        return _("The programme “%(title)s” ended on %(day)s.") % {
            "title": programme.title,
            "day": programme.ends_on.isoformat(),
        }
    if held >= programme.capacity:
        return _(
            "The programme “%(title)s” is full: all %(capacity)d places are taken by enrolled "
            "or referred seekers."
        ) % {"title": programme.title, "capacity": programme.capacity}
    return None


@transaction.atomic
def training_referral_open(
    *,
    actor: User,
    market: Market,
    seeker: SeekerProfile,
    programme: Programme,
    channel: str,
) -> TrainingReferral:
    """Refer ``seeker`` to ``programme`` (培训推荐): a case of kind ``training_referral`` is
    opened in ``market`` with the seeker as applicant, and one of the programme's places is
    held. Refused for a programme that is full, has ended or is not published, of another
    market, and for a seeker already referred to it and not finished."""
    if not can.works_in(actor, market.pk):
        raise PermissionDenied
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if programme.market_id != market.pk:
        raise ValidationError(
            {"programme": [_("This programme is on another market's notice board.")]}
        )
    refusal = programme_refusal(programme, held=_places_held(programme), today=timezone.localdate())
    if refusal is not None:
        raise ValidationError({"programme": [refusal]})
    if programme.referrals.filter(seeker=seeker, state__in=HOLDING_STATES).exists():
        raise ValidationError(
            {"programme": [_("This seeker is already referred to this programme.")]}
        )
    if channel not in Channel.values:
        raise ValidationError({"channel": [_("Choose how the request came in.")]})
    case = case_open(
        actor=actor,
        market=market,
        kind=TRAINING_REFERRAL.code,
        channel=channel,
        applicant=seeker.applicant,
        subject=(_("Training: %(title)s") % {"title": programme.title})[:SUBJECT_MAX],
    )
    referral: TrainingReferral = TrainingReferral(
        case=case,
        seeker=seeker,
        programme=programme,
        market=market,
        officer=actor,
        referred_at=case.opened_at,
    )
    save_with_history(referral, actor)
    events.training_referred_event(referral, actor)
    return referral


def _locked(referral: TrainingReferral) -> TrainingReferral:
    locked: TrainingReferral = row_locked(
        TrainingReferral, referral.pk, related=("case", "programme", "market")
    )
    return locked


def _step(
    referral: TrainingReferral, verb: Callable[[], None], actor: User, target: ReferralState
) -> str:
    """Run one transition of the referral after checking its state and the actor's right;
    returns the state before."""
    old: str = referral.state
    transition_run(
        verb,
        actor,
        refused=lambda: (
            _("A referral that is “%(current)s” cannot become “%(target)s”.")
            % {"current": referral.get_state_display(), "target": target.label}
        ),
    )
    return old


def _save(referral: TrainingReferral, actor: User, note: str) -> None:
    if note:
        referral.note = f"{referral.note}\n{note}".strip()
    save_with_history(referral, actor)


@transaction.atomic
def training_referral_enrol(
    *, actor: User, referral: TrainingReferral, note: str = ""
) -> TrainingReferral:
    """The provider took the seeker on (已报名入学). The case stays open until the end."""
    referral = _locked(referral)
    note = _note(note)
    old = _step(referral, referral.enrol, actor, ReferralState.ENROLLED)
    _save(referral, actor, note)
    events.training_enrolled_event(referral, actor, old=old)
    return referral


@transaction.atomic
def training_referral_complete(
    *, actor: User, referral: TrainingReferral, note: str = ""
) -> TrainingReferral:
    """The seeker finished the programme (结业): the referral ends, the case is resolved."""
    referral = _locked(referral)
    note = _note(note)
    old = _step(referral, referral.complete, actor, ReferralState.COMPLETED)
    _save(referral, actor, note)
    events.training_completed_event(referral, actor, old=old)
    outcome = _("Completed the programme “%(title)s”.") % {"title": referral.programme.title}
    _resolve(actor, referral.case, f"{outcome} {note}".strip())
    return referral


@transaction.atomic
def training_referral_drop(
    *, actor: User, referral: TrainingReferral, reason: str
) -> TrainingReferral:
    """The seeker did not turn up or left the programme: the referral ends, the place is
    freed, the case is resolved with the reason."""
    referral = _locked(referral)
    reason = _note(reason, "reason")
    if not reason:
        raise ValidationError({"reason": [_("Say why the seeker dropped out.")]})
    old = _step(referral, referral.drop, actor, ReferralState.DROPPED)
    _save(referral, actor, reason)
    events.training_dropped_event(referral, actor, old=old, reason=reason)
    outcome = _("Dropped out of the programme “%(title)s”: %(reason)s") % {
        "title": referral.programme.title,
        "reason": reason,
    }
    _resolve(actor, referral.case, outcome)
    return referral


def _resolve(actor: User, case: Case, outcome: str) -> None:
    """Resolve the referral's case; a case not in progress (waiting for materials, being
    transferred) refuses, and the whole step with it."""
    case_resolve(actor=actor, case=case, outcome=outcome)


# --- Training wishes (培训意愿) ------------------------------------------------------------------


def _wish_market(actor: User, seeker: SeekerProfile) -> Market:
    """The latest market where the seeker registered and the actor works, else the actor's
    first market."""
    registered = (
        Case.objects.filter(kind=SEEKER_REGISTRATION.code, applicant_id=seeker.applicant_id)
        .order_by("-opened_at")
        .values_list("market_id", flat=True)
    )
    for market_id in registered:
        if can.works_in(actor, market_id):
            return Market.objects.get(pk=market_id)
    first = Market.objects.filter(pk__in=can.market_roles(actor), is_active=True).order_by("pk")
    market = first.first()
    if market is None:
        raise PermissionDenied
    return market


@transaction.atomic
def training_wish_record(
    *, actor: User, seeker: SeekerProfile, occupation: Occupation, note: str = ""
) -> TrainingWish:
    """Record that ``seeker`` wants training in ``occupation`` (collected at the counter)."""
    market = _wish_market(actor, seeker)
    note = _note(note)
    if not occupation.is_active:
        raise ValidationError({"occupation": [_("Choose an occupation from the list.")]})
    wish = TrainingWish(
        seeker=seeker, occupation=occupation, note=note, market=market, officer=actor
    )
    save_with_history(wish, actor)
    events.training_wish_recorded_event(wish, actor)
    return wish
