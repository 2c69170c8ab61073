"""Referrals (岗位推荐, standard art. 17): an officer recommends a posting to a seeker, and
records what came of it. Each service is one transaction: lock, check the actor's right,
validate, transition, save (field history), audit. Errors change nothing:

- ``django.core.exceptions.PermissionDenied``: the actor works neither in the posting's market
  nor in a market where the seeker registered;
- ``cases.services.CaseActionError``: the referral's outcome does not allow this step;
- ``django.core.exceptions.ValidationError``: bad input, per field.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed, has_transition_perm

from accounts.models import User
from cases import permissions as can
from cases.models import Case
from cases.services import CaseActionError
from markets.models import Market
from workflows.postings.models import Posting, Status
from workflows.seekers.kinds import SEEKER_REGISTRATION
from workflows.seekers.models import SeekerProfile

from . import events
from .matching import Match, match_one
from .models import OUTCOME_TRANSITIONS, Outcome, Referral

NOTE_MAX = 2000


def _note(note: str) -> str:
    note = note.strip()
    if "\x00" in note:
        raise ValidationError({"note": [_("The text contains a character that cannot be stored.")]})
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": [_("Enter at most %(max)d characters.") % {"max": NOTE_MAX}]}
        )
    return note


def _referral_market(actor: User, seeker: SeekerProfile, posting: Posting) -> Market:
    """Where the referral is made: the posting's market if the actor works there, else the
    latest market where the seeker registered and the actor works."""
    if can.works_in(actor, posting.market_id):
        return posting.market
    registered = (
        Case.objects.filter(kind=SEEKER_REGISTRATION.code, applicant_id=seeker.applicant_id)
        .order_by("-opened_at")
        .values_list("market_id", flat=True)
    )
    for market_id in registered:
        if can.works_in(actor, market_id):
            market: Market = Market.objects.get(pk=market_id)
            return market
    raise PermissionDenied


@transaction.atomic
def referral_record(
    *,
    actor: User,
    seeker: SeekerProfile,
    posting: Posting,
    match: Match | None = None,
    note: str = "",
) -> Referral:
    """Recommend ``posting`` to ``seeker`` (推荐岗位). The score and reasons of ``match`` (as
    ``match_postings`` or ``match_seekers`` gave them), or of the pair scored now, are kept as
    they are. Only a published posting whose last working day has not passed is recommended,
    and a seeker only once for a posting."""
    posting = Posting.objects.select_related("market", "occupation", "county").get(pk=posting.pk)
    market = _referral_market(actor, seeker, posting)
    note = _note(note)
    if posting.status != Status.PUBLISHED or posting.end_date < timezone.localdate():
        raise ValidationError(
            {"posting": [_("Only a published posting that has not ended can be recommended.")]}
        )
    if match is not None and (match.seeker.pk != seeker.pk or match.posting.pk != posting.pk):
        raise ValueError("The match is of another seeker or posting.")
    if Referral.objects.filter(seeker=seeker, posting=posting).exists():
        raise ValidationError(
            {"posting": [_("This seeker was recommended for this posting already.")]}
        )
    match = match or match_one(seeker, posting)
    referral: Referral = Referral(
        seeker=seeker,
        posting=posting,
        officer=actor,
        market=market,
        recommended_at=timezone.now(),
        score=match.score,
        reasons=match.reasons_json(),
        note=note,
    )
    referral._history_user = actor  # type: ignore[attr-defined]
    referral.save()
    events.referral_recorded_event(referral, actor)
    return referral


@transaction.atomic
def referral_outcome_set(
    *, actor: User, referral: Referral, outcome: str, note: str = ""
) -> Referral:
    """Record what came of a referral: referred to the employer, interviewed, hired or
    declined. Forward only (``Referral``'s state graph); the same outcome again changes
    nothing."""
    locked: Referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("posting", "market")
        .get(pk=referral.pk)
    )
    if not (can.works_in(actor, locked.market_id) or can.works_in(actor, locked.posting.market_id)):
        raise PermissionDenied
    if outcome not in Outcome.values:
        raise ValidationError(
            {"outcome": [_("Choose the outcome: referred, interviewed, hired or declined.")]}
        )
    note = _note(note)
    if outcome == locked.outcome:
        return locked
    transition = OUTCOME_TRANSITIONS.get(Outcome(outcome))
    verb = getattr(locked, transition) if transition else None
    if verb is None or not can_proceed(verb):
        raise CaseActionError(
            _("A referral that is “%(current)s” cannot become “%(outcome)s”.")
            % {"current": locked.get_outcome_display(), "outcome": Outcome(outcome).label}
        )
    if not has_transition_perm(verb, actor):
        raise PermissionDenied
    old = locked.outcome
    verb()
    if note:
        locked.note = f"{locked.note}\n{note}".strip()
    locked._history_user = actor  # type: ignore[attr-defined]
    locked.save()
    events.referral_outcome_set_event(locked, actor, old=old)
    return locked
