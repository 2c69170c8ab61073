"""Taking many postings in at once (a page of the provincial platform's feed).

``posting_take_in_many`` is ``services.posting_take_in`` for many postings of one market: the
same employer lookup or registration, checks, screen, review case with its clocks, posting,
history rows, audit events and outbox messages, built from the same building blocks
(``posting_new``, ``publishable_check``, ``case_open_many``, ``case_resolve_and_close_many``,
the same event functions and signal), but written in a few statements for the whole batch
instead of some sixty for each posting.

``postings_bulk`` is the frame it runs in: the reference data of the checks read once
(``validation.lookups_cached``) and the audit events appended to their chains together
(``audit.services.event_batch``: each chain's head locked and moved once, the events inserted
in one statement per 500)."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from audit.services import atomic_with_events, event_batch
from cases import permissions as can
from cases.intake import ApplicantGiven, IntakeErrors, name_conflict_check
from cases.models import Channel
from cases.services import (
    ApplicantFound,
    CaseActionError,
    CaseRequest,
    OrganisationGiven,
    applicant_organisations_find_or_register_many,
    case_open_many,
    case_resolve_and_close_many,
)
from markets.models import Market

from . import events
from .flow import POSTING_REVIEW
from .models import Posting, Status
from .services import (
    EMPLOYER_FIELDS,
    OUTCOME_PUBLISHED,
    may_except,
    posting_new,
    posting_take_in,
    publishable_check,
    run,
    subject_of,
)
from .signals import Change, postings_changed_send
from .validation import PostingInput, lookups_cached


@contextmanager
def postings_bulk() -> Iterator[None]:
    """The frame of a bulk intake, inside the caller's transaction. Each step that may be
    refused on its own runs in ``audit.services.atomic_with_events``, so that a refused one
    leaves no event behind, as it leaves no row."""
    with lookups_cached(), event_batch():
        yield


@dataclass(frozen=True)
class Intake:
    """One posting for ``posting_take_in_many``: as ``posting_take_in`` takes it, with its
    details already checked (``cleaned = posting_validate(data)``)."""

    employer: ApplicantGiven
    data: Mapping[str, Any]
    cleaned: PostingInput
    publish: bool


@dataclass
class TakenIn:
    """What became of one intake: its posting, or what ``posting_take_in`` would have raised
    (IntakeRefused / ValidationError, PermissionDenied, CaseActionError)."""

    posting: Posting | None = None
    error: Exception | None = None


def _one_at_a_time(
    intake: Intake, *, actor: User, market: Market, channel: str, use_registered_name: bool
) -> TakenIn:
    try:
        with atomic_with_events():
            posting = posting_take_in(
                actor=actor,
                market=market,
                employer=intake.employer,
                data=intake.data,
                publish=intake.publish,
                channel=channel,
                use_registered_name=use_registered_name,
            )
    except (ValidationError, PermissionDenied, CaseActionError) as error:
        return TakenIn(error=error)
    return TakenIn(posting=posting)


def _employer_refused(error: ValidationError) -> ValidationError:
    errors = IntakeErrors()
    with errors.collect(EMPLOYER_FIELDS):
        raise error
    try:
        errors.refuse()
    except ValidationError as refused:
        return refused


def posting_take_in_many(
    *,
    actor: User,
    market: Market,
    intakes: Sequence[Intake],
    channel: str = Channel.COUNTER,
    use_registered_name: bool = False,
) -> list[TakenIn]:
    """``posting_take_in`` (claimed, no station) for each of ``intakes`` at ``market``, in the
    caller's transaction, in bulk; what became of each, in order. A refused one changes
    nothing, as one by one. Organisations (by credit code) are taken in in bulk; a person who
    hires (by ID number) one at a time through ``posting_take_in``. Run it in
    ``postings_bulk`` (else its events are written one by one)."""
    results = [TakenIn() for _intake in intakes]
    if not can.works_in(actor, market.pk):
        return [TakenIn(error=PermissionDenied()) for _intake in intakes]
    bulk = [i for i, intake in enumerate(intakes) if intake.employer.credit_code.strip()]
    alone = [
        i
        for i, intake in enumerate(intakes)
        if not intake.employer.credit_code.strip() or intake.employer.id_number.strip()
    ]
    bulk = [i for i in bulk if i not in set(alone)]
    for i in alone:
        results[i] = _one_at_a_time(
            intakes[i],
            actor=actor,
            market=market,
            channel=channel,
            use_registered_name=use_registered_name,
        )
    founds = applicant_organisations_find_or_register_many(
        actor=actor,
        market=market,
        given=[
            OrganisationGiven(
                name=intakes[i].employer.name,
                credit_code=intakes[i].employer.credit_code,
                mobile=intakes[i].employer.mobile,
            )
            for i in bulk
        ],
    )
    going: list[tuple[int, ApplicantFound, Posting]] = []
    for i, found in zip(bulk, founds, strict=True):
        intake = intakes[i]
        try:
            if isinstance(found, ValidationError):
                raise _employer_refused(found)
            try:
                found = name_conflict_check(found, use_registered_name=use_registered_name)
            except ValidationError as error:
                raise _employer_refused(error) from error
            may_except(actor, market, intake.cleaned)
            posting = posting_new(
                employer=found.applicant, market=market, cleaned=intake.cleaned, actor=actor
            )
            run(posting, posting.submit, actor)
            if intake.publish:
                publishable_check(posting)
        except (ValidationError, PermissionDenied, CaseActionError) as error:
            results[i] = TakenIn(error=error)
            continue
        going.append((i, found, posting))
    if not going:
        return results
    cases = case_open_many(
        actor=actor,
        market=market,
        kind=POSTING_REVIEW.code,
        channel=channel,
        requests=[
            CaseRequest(
                applicant=found.applicant,
                subject=subject_of(intakes[i].cleaned),
                contact_mobile=found.contact_mobile,
            )
            for i, found, _posting in going
        ],
    )
    postings = [posting for _i, _found, posting in going]
    for posting, case in zip(postings, cases, strict=True):
        posting.case = case
    now = timezone.now()
    Posting.objects.bulk_create(postings, batch_size=500)
    Posting.history.bulk_history_create(
        postings, default_user=actor, default_date=now, batch_size=500
    )
    for i, _found, posting in going:
        events.posting_taken_in_event(
            posting, actor, exceptions=intakes[i].cleaned.screening_exceptions
        )
        results[i] = TakenIn(posting=posting)
    published = [posting for i, _found, posting in going if intakes[i].publish]
    if published:
        _publish_many(published, actor=actor)
    return results


def _publish_many(postings: list[Posting], *, actor: User) -> None:
    """``posting_publish`` for postings just taken in (their cases in progress)."""
    now = timezone.now()  # published together, at one moment
    for posting in postings:
        run(posting, posting.publish, actor)
        posting.published_at = now
    ids = [posting.pk for posting in postings]
    for start in range(0, len(ids), 500):
        Posting.objects.filter(pk__in=ids[start : start + 500]).update(
            status=Status.PUBLISHED, published_at=now
        )
    Posting.history.bulk_history_create(
        [copy.copy(posting) for posting in postings],
        update=True,
        default_user=actor,
        default_date=now,
        batch_size=500,
    )
    case_resolve_and_close_many(
        actor=actor,
        cases=[posting.case for posting in postings if posting.case is not None],
        outcome=OUTCOME_PUBLISHED,
    )
    for posting in postings:
        events.posting_published_event(posting, actor)
    postings_changed_send(postings, Change.PUBLISHED, actor)
