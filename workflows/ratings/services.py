"""State changes of the satisfaction ratings (政务服务好差评), one service per verb.

- ``rating_record``: the applicant's rating of a resolved (or closed) case, once per case,
  whatever the channel (counter tablet, kiosk, text-message link, online). The one-per-case
  rule is the database's (``Rating.case`` is unique): of two submissions racing, one is
  recorded and the other refused like any second rating, nothing changed. A poor rating
  (不满意, 非常不满意) opens a rectification case in the same transaction.
- ``rectification_visit_record`` and ``rectification_close``: the team lead's return visit
  (回访) to the applicant, then the closing of the rectification, which needs the visit.

An illegal action raises and changes nothing: ``ValidationError`` (bad input, per field),
``cases.services.CaseActionError`` (the case or link does not allow it now; ``str()`` is for
the applicant), ``PermissionDenied``.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as can
from cases.fsm import row_locked, save_with_history
from cases.kinds import kind_is_rated
from cases.models import Case, Channel, State
from cases.services import (
    CaseActionError,
    case_claim,
    case_close,
    case_open,
    case_reassign,
    case_resolve,
)
from markets.desks import desk_account
from markets.models import Market, Membership, Role

from . import events
from .flow import RECTIFICATION
from .links import LinkRefused, LinkUsed, rating_link_read
from .models import (
    COMMENT_MAX,
    RATED_STATES,
    Level,
    Rating,
    RatingChannel,
    RatingLink,
    Rectification,
)

DESK_USERNAME = "rating-desk-{market}"
OUTCOME_MAX = 2000
# The channel of a rectification case: the one its rating came by.
CASE_CHANNELS: dict[str, str] = {
    RatingChannel.COUNTER_TABLET: Channel.COUNTER,
    RatingChannel.KIOSK: Channel.KIOSK,
    RatingChannel.SMS_LINK: Channel.ONLINE,
    RatingChannel.ONLINE: Channel.ONLINE,
}


def rating_desk(*, market: Market) -> User:
    """The account that opens a market's rectifications: a poor rating is taken in by the
    system, not by the officer who was rated (``markets.desks``)."""
    return desk_account(
        username=DESK_USERNAME.format(market=market.pk),
        full_name=f"{market.name} · 好差评",
        market=market,
    )


def _already_rated(case: Case) -> CaseActionError:
    return CaseActionError(
        _("Case %(reference)s has been rated already: each case is rated once.")
        % {"reference": case.reference}
    )


def _clean(*, case: Case, level: str, comment: str, channel: str) -> str:
    errors: dict[str, str] = {}
    if level not in Level.values:
        errors["level"] = _("Rating: choose one of the five levels.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("Comment: at most %(max)d characters, please.") % {"max": COMMENT_MAX}
    if channel not in RatingChannel.values:
        errors["channel"] = _("Choose how the rating was given.")
    if errors:
        raise ValidationError(errors)
    if not kind_is_rated(case.kind):
        raise CaseActionError(_("A rectification is not rated: the rated case is."))
    if case.state not in RATED_STATES:
        raise CaseActionError(
            _("Case %(reference)s is not completed yet: it can be rated once it is resolved.")
            % {"reference": case.reference}
        )
    return comment


@transaction.atomic
def rating_record(
    *,
    case: Case,
    level: str,
    comment: str = "",
    channel: str,
    actor: User | None = None,
    ip_address: str | None = None,
) -> Rating:
    """Record the applicant's rating of ``case``. ``actor``: the officer whose counter tablet
    the applicant tapped (who must work on the case); None on the public pages, which check
    first that the rater may rate the case (reference and mobile digits, the signed link, the
    applicant signed in)."""
    case = row_locked(Case, case.pk, related=("market",))
    if actor is not None and not can.work_on(case, actor):
        raise PermissionDenied
    comment = _clean(case=case, level=level, comment=comment, channel=channel)
    if Rating.objects.filter(case=case).exists():
        raise _already_rated(case)
    rating = Rating(
        case=case,
        level=level,
        comment=comment,
        channel=channel,
        officer_id=case.owner_id,
        kind=case.kind,
        market=case.market,
        rated_at=timezone.now(),
    )
    try:
        # A savepoint: a concurrent rating that got in first (on a database that did not make
        # this one wait for the case's lock) is refused like any second rating.
        with transaction.atomic():
            save_with_history(rating, actor)
    except IntegrityError as error:
        raise _already_rated(case) from error
    events.rating_recorded_event(rating, actor, ip_address=ip_address)
    if rating.is_poor:
        rectification_open(rating=rating)
    return rating


def rating_link_open(*, token: str, ip_address: str | None = None) -> RatingLink:
    """The unused link ``token`` stands for; a refused one (tampered with, expired, used
    already) is written to the event log and ``links.LinkRefused`` raised."""
    try:
        return rating_link_read(token)
    except LinkRefused as refused:
        with transaction.atomic():
            events.rating_link_refused_event(reason=refused.reason, ip_address=ip_address)
        raise


@transaction.atomic
def rating_record_by_link(
    *, token: str, level: str, comment: str = "", ip_address: str | None = None
) -> Rating:
    """A rating through the link of the completion text message: the link is read (signed,
    unexpired, unused: ``links.LinkRefused`` otherwise), locked and marked used with the
    rating, in one transaction; a refused rating leaves the link unused."""
    link = rating_link_read(token)
    link = row_locked(RatingLink, link.pk, related=("case",))
    if link.used_at is not None:
        raise LinkUsed
    rating = rating_record(
        case=link.case,
        level=level,
        comment=comment,
        channel=RatingChannel.SMS_LINK,
        ip_address=ip_address,
    )
    link.used_at = rating.rated_at
    link.save(update_fields=["used_at"])
    return rating


def _team_lead(market: Market) -> User | None:
    """The market's team lead who takes rectifications: the longest-serving one who can sign
    in (desk accounts cannot)."""
    membership = (
        Membership.objects.filter(market=market, role=Role.TEAM_LEAD, user__is_active=True)
        .exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def rectification_open(*, rating: Rating) -> Rectification:
    """Open the rectification case of a poor rating, with the market's team lead (or in the
    market's queue when it has none), its completion clock running on the working-day
    calendar (``flow.TIME_LIMITS``). Inside ``rating_record``'s transaction."""
    market = rating.market
    desk = rating_desk(market=market)
    lead = _team_lead(market)
    source = rating.case
    case = case_open(
        actor=desk,
        market=market,
        kind=RECTIFICATION.code,
        channel=CASE_CHANNELS[rating.channel],
        applicant=source.applicant,
        subject=(
            _("Poor rating of case %(reference)s: %(level)s")
            % {"reference": source.reference, "level": rating.get_level_display()}
        )[:200],
        description=rating.comment,
        contact_mobile=source.contact_mobile or "",
        claimed=lead is not None,
    )
    if lead is not None:
        case = case_reassign(actor=desk, case=case, to_user=lead)
    rectification = Rectification(case=case, rating=rating)
    save_with_history(rectification, desk)
    events.rectification_opened_event(rectification, desk)
    return rectification


def _locked_rectification(rectification: Rectification, actor: User) -> Rectification:
    list(
        Case.objects.select_for_update(of=("self",))
        .filter(pk=rectification.case_id)
        .values_list("pk", flat=True)
    )
    rectification = row_locked(
        Rectification, rectification.pk, related=("case__market", "rating__case")
    )
    if not can.lead(rectification.case, actor):
        raise PermissionDenied
    if not rectification.case.is_open:
        raise CaseActionError(_("This rectification is closed already."))
    return rectification


@transaction.atomic
def rectification_visit_record(
    *, actor: User, rectification: Rectification, visited_on: date, outcome: str
) -> Rectification:
    """The team lead's return visit (回访) to the applicant: the day (between the rating and
    today) and what the applicant said. Once per rectification."""
    rectification = _locked_rectification(rectification, actor)
    if rectification.visited_on is not None:
        raise CaseActionError(_("The return visit has been recorded already."))
    errors: dict[str, str] = {}
    rated_on = timezone.localdate(rectification.rating.rated_at)
    if not rated_on <= visited_on <= timezone.localdate():
        errors["visited_on"] = _("Date: between the day of the rating and today, please.")
    outcome = (outcome or "").strip()
    if not outcome:
        errors["outcome"] = _("Outcome: record what the applicant said at the return visit.")
    elif len(outcome) > OUTCOME_MAX:
        errors["outcome"] = _("At most %(max)d characters, please.") % {"max": OUTCOME_MAX}
    if errors:
        raise ValidationError(errors)
    rectification.visited_on = visited_on
    rectification.visit_outcome = outcome
    rectification.visit_recorded_by = actor
    rectification.visit_recorded_at = timezone.now()
    save_with_history(rectification, actor)
    events.rectification_visit_recorded_event(rectification, actor)
    return rectification


@transaction.atomic
def rectification_close(
    *, actor: User, rectification: Rectification, outcome: str
) -> Rectification:
    """Close the rectification with what was put right: resolved and closed at once (its
    clock stops), only after the return visit."""
    rectification = _locked_rectification(rectification, actor)
    if rectification.visited_on is None:
        raise CaseActionError(
            _("Record the return visit to the applicant before closing the rectification.")
        )
    case = rectification.case
    if case.owner_id != actor.pk and case.state == State.NEW:
        case = case_claim(actor=actor, case=case)
    case = case_resolve(actor=actor, case=case, outcome=outcome, by_service=True)
    rectification.case = case_close(actor=actor, case=case)
    events.rectification_closed_event(rectification, actor)
    return rectification
