"""Importing what the platform collected (docs/provincial-sync.md, "Inbound"): a periodic pull
of its feed from the cursor kept in the database, each page imported in one transaction with
the cursor's move, each record idempotent by the platform's id.

- A new posting that duplicates one of ours (same employer credit code, occupation and county,
  dates overlapping, ours in review or published) is linked to ours, not doubled.
- Any other new posting goes through the same intake as the counter's (``posting_take_in``,
  channel ``platform``) and so through the same content screen: a clean one is published; one
  the screen warns about becomes a review case, not published; one it refuses is not taken in
  (its reasons are kept and shown on the staff page).
- A known record: the more recent change wins (the platform's ``updated_at`` against our
  posting's last change); a posting withdrawn on either side stays withdrawn. What an update
  may change here: withdrawn, filled, and a later last working day.
- A registration goes through ``seeker_register`` (channel ``platform``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import atomic_with_events
from cases.intake import ApplicantGiven
from cases.models import Channel
from cases.services import CaseActionError
from markets.models import Market
from workflows.postings.bulk import Intake, TakenIn, posting_take_in_many, postings_bulk
from workflows.postings.models import Posting, Status
from workflows.postings.services import (
    posting_extend,
    posting_fill,
    posting_take_in,
    posting_withdraw,
)
from workflows.postings.validation import posting_validate
from workflows.seekers.services import seeker_register

from . import events
from .adapter import PlatformClient, PlatformUnavailable, platform_client
from .models import FeedCursor, InboundRecord, RecordType

logger = logging.getLogger(__name__)

FEED = "records"
Outcome = InboundRecord.Outcome
DETAIL_MAX = 2000


class ImportRefused(Exception):
    """An item that cannot be taken in; the reason is kept on its record."""


def _aware(value: Any) -> datetime:
    moment = parse_datetime(str(value or ""))
    if moment is None:
        raise ImportRefused("updated_at is not a date and time")
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def import_actor() -> User:
    """The account imports run as (``PROVINCIAL_IMPORT_USERNAME``): an officer of each market
    it imports into, so the intake's own permission checks apply to it as to anyone."""
    user = User.objects.filter(username=settings.PROVINCIAL_IMPORT_USERNAME).first()
    if user is None:
        raise ImportRefused(f"no account {settings.PROVINCIAL_IMPORT_USERNAME!r} for imports")
    return user


def market_for_county(code: str) -> Market | None:
    """The market of the county, else of its city, else of its province."""
    codes = [code, code[:4] + "00", code[:2] + "0000"]
    markets = {m.region.code: m for m in Market.objects.filter(region__code__in=codes)}
    return next((markets[c] for c in codes if c in markets), None)


def _messages(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(
            f"{name}: {' '.join(map(str, ValidationError(errors).messages))}"
            for name, errors in error.error_dict.items()
        )[:DETAIL_MAX]
    return " ".join(error.messages)[:DETAIL_MAX]


DuplicateKey = tuple[str, str, str]  # employer's credit code, occupation code, county code


def _duplicate_key(item: dict[str, Any]) -> DuplicateKey | None:
    credit_code = str(item.get("employer", {}).get("credit_code") or "").strip()
    if not credit_code:
        return None
    data = item.get("posting", {})
    return credit_code, str(data.get("occupation", "")), str(data.get("county", ""))


@dataclass
class Candidate:
    posting: Posting  # with its market (what a record linked to it needs)
    start_date: date
    end_date: date


@dataclass
class Pending:
    """A new posting of the page to be taken in with the page's others (``_flush``), and the
    items of the page found to duplicate it meanwhile."""

    position: int
    item: dict[str, Any]
    platform_id: str
    updated_at: datetime
    market: Market
    intake: Intake
    warned: bool
    start_date: date
    end_date: date
    linked: list[int] = field(default_factory=list)


class PageContext:
    """What importing one page of the feed reads once for the whole page instead of once per
    item: the page's known records (one query), and the postings of ours that a new posting of
    the page could duplicate (one query), kept up to date with the postings the page takes in
    itself, so a page that holds two copies of one posting links the second to the first."""

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.records: dict[tuple[str, str], InboundRecord] = {}
        ids = {str(item.get("platform_id") or "")[:64] for item in items}
        if ids - {""}:
            for record in InboundRecord.objects.select_for_update().filter(
                platform_id__in=ids - {""}
            ):
                self.records[(record.record_type, record.platform_id)] = record
        self.keys = {key for item in items if (key := _duplicate_key(item)) is not None}
        self.candidates: dict[DuplicateKey, list[Candidate]] | None = None
        self.markets: dict[str, Market | None] = {}
        self.pending: dict[str, Pending] = {}  # by platform id
        self.pending_by_key: dict[DuplicateKey, list[Pending]] = {}

    def market_for_county(self, code: str) -> Market | None:
        if code not in self.markets:
            self.markets[code] = market_for_county(code)
        return self.markets[code]

    def record(self, record_type: str, platform_id: str) -> InboundRecord | None:
        return self.records.get((record_type, platform_id))

    def record_kept(self, record: InboundRecord) -> None:
        self.records[(record.record_type, record.platform_id)] = record

    def _candidates_read(self) -> dict[DuplicateKey, list[Candidate]]:
        found: dict[DuplicateKey, list[Candidate]] = {}
        # The postings themselves (with their markets), not only their keys: an item linked
        # to one needs it, and reading it here costs no query of its own for each such item.
        rows = (
            Posting.objects.filter(
                employer__credit_code__in={key[0] for key in self.keys},
                status__in=(Status.IN_REVIEW, Status.PUBLISHED),
            )
            .select_related("market", "employer", "occupation", "county")
            .order_by("pk")
        )
        for posting in rows.iterator(chunk_size=2000):
            key = (posting.employer.credit_code, posting.occupation.code, posting.county.code)
            candidate = Candidate(posting, posting.start_date, posting.end_date)
            found.setdefault(key, []).append(candidate)
        return found

    def duplicate_of(
        self, item: dict[str, Any], start: date, end: date
    ) -> Posting | Pending | None:
        """The first (by id) posting of ours in review or published with the same employer
        credit code, occupation and county whose dates overlap ``start``–``end``; after those
        kept already, those of the page still to be taken in (they will come after them)."""
        key = _duplicate_key(item)
        if key is None:
            return None
        if self.candidates is None:
            self.candidates = self._candidates_read()
        for candidate in self.candidates.get(key, []):
            if candidate.start_date <= end and candidate.end_date >= start:
                return candidate.posting
        for pending in self.pending_by_key.get(key, []):
            if pending.start_date <= end and pending.end_date >= start:
                return pending
        return None

    def pending_add(self, pending: Pending) -> None:
        self.pending[pending.platform_id] = pending
        key = _duplicate_key(pending.item)
        if key is not None:
            self.pending_by_key.setdefault(key, []).append(pending)

    def pending_clear(self) -> list[Pending]:
        pending = list(self.pending.values())
        self.pending, self.pending_by_key = {}, {}
        return pending

    def posting_taken_in(self, item: dict[str, Any], posting: Posting) -> None:
        key = _duplicate_key(item)
        if key is None or self.candidates is None:
            return
        if posting.status in (Status.IN_REVIEW, Status.PUBLISHED):
            candidate = Candidate(posting, posting.start_date, posting.end_date)
            self.candidates.setdefault(key, []).append(candidate)

    def postings_changed(self) -> None:
        """A posting of ours changed (withdrawn, filled, extended): read the candidates again."""
        self.candidates = None


@dataclass
class Checked:
    """What the checks of a new posting decided: an outcome already (refused, linked to
    ``posting`` or to a posting of the page still to be taken in, ``pending``), or, with
    ``outcome`` empty, the intake to run."""

    outcome: str = ""
    posting: Posting | None = None
    detail: str = ""
    pending: Pending | None = None
    market: Market | None = None
    intake: Intake | None = None
    warned: bool = False


def _posting_new_check(item: dict[str, Any], page: PageContext) -> Checked:
    data = dict(item.get("posting") or {})
    employer = item.get("employer") or {}
    if str(item.get("status")) != Status.PUBLISHED:
        return Checked(Outcome.REFUSED, detail="only a published posting is taken in")
    try:
        cleaned = posting_validate(data)
    except ValidationError as error:
        return Checked(Outcome.REFUSED, detail=_messages(error))
    duplicate = page.duplicate_of(item, cleaned.start_date, cleaned.end_date)
    if isinstance(duplicate, Pending):
        return Checked(Outcome.LINKED, pending=duplicate)
    if duplicate is not None:
        return Checked(Outcome.LINKED, posting=duplicate)
    market = page.market_for_county(cleaned.county.code)
    if market is None:
        return Checked(Outcome.REFUSED, detail="no market serves this county")
    warned = any(f.get("severity") == "warn" for f in cleaned.findings_json())
    intake = Intake(
        employer=ApplicantGiven(
            name=str(employer.get("name", "")),
            id_number=str(employer.get("id_number", "")),
            credit_code=str(employer.get("credit_code", "")),
            mobile=str(employer.get("mobile", "")),
        ),
        data=data,
        cleaned=cleaned,
        publish=not warned,
    )
    return Checked(market=market, intake=intake, warned=warned)


def _taken_in(checked: Checked, taken: TakenIn) -> tuple[str, Posting | None, str]:
    """The outcome of an intake (``posting_take_in`` raised ``taken.error``, else took
    ``taken.posting`` in). A CaseActionError is raised again: the item's record keeps it."""
    if isinstance(taken.error, ValidationError):
        return Outcome.REFUSED, None, _messages(taken.error)
    if isinstance(taken.error, PermissionDenied):
        return Outcome.REFUSED, None, "the import account does not work in this market"
    if taken.error is not None:
        raise taken.error
    return (Outcome.REVIEW if checked.warned else Outcome.CREATED), taken.posting, ""


def _posting_new(
    item: dict[str, Any], actor: User, page: PageContext
) -> tuple[str, Posting | None, str]:
    checked = _posting_new_check(item, page)
    if checked.outcome or checked.intake is None or checked.market is None:
        return checked.outcome, checked.posting, checked.detail
    intake = checked.intake
    try:
        with atomic_with_events():  # a refused intake leaves no events behind either
            posting = posting_take_in(
                actor=actor,
                market=checked.market,
                employer=intake.employer,
                data=intake.data,
                publish=intake.publish,
                channel=Channel.PLATFORM,
                use_registered_name=True,
            )
    except (ValidationError, PermissionDenied) as error:
        return _taken_in(checked, TakenIn(error=error))
    page.posting_taken_in(item, posting)
    return _taken_in(checked, TakenIn(posting=posting))


def _local_changed_at(posting: Posting) -> datetime:
    latest = posting.history.order_by("-history_date").values_list("history_date", flat=True)
    return latest.first() or posting.created_at


def _posting_known(
    record: InboundRecord,
    item: dict[str, Any],
    updated_at: datetime,
    actor: User,
    page: PageContext,
) -> tuple[str, str]:
    posting = record.posting
    if posting is None:
        return record.outcome, record.detail
    posting.refresh_from_db()
    status = str(item.get("status", ""))
    if posting.status == Status.WITHDRAWN:
        return Outcome.KEPT, "withdrawn here: stays withdrawn"
    reason = _("Withdrawn on the provincial platform.")
    if status == Status.WITHDRAWN:
        if posting.status in (Status.IN_REVIEW, Status.PUBLISHED, Status.DRAFT):
            posting_withdraw(actor=actor, posting=posting, reason=reason)
            page.postings_changed()
            return Outcome.UPDATED, "withdrawn on the platform"
        return Outcome.KEPT, f"already {posting.status}"
    if _local_changed_at(posting) > updated_at:
        return Outcome.KEPT, "ours changed more recently"
    if status == Status.FILLED and posting.status == Status.PUBLISHED:
        posting_fill(actor=actor, posting=posting)
        page.postings_changed()
        return Outcome.UPDATED, "filled on the platform"
    end = str((item.get("posting") or {}).get("end_date") or "")
    if end and end > posting.end_date.isoformat() and posting.status == Status.PUBLISHED:
        posting_extend(actor=actor, posting=posting, end_date=end)
        page.postings_changed()
        return Outcome.UPDATED, "extended on the platform"
    return Outcome.KEPT, "nothing to change"


def _registration(item: dict[str, Any], actor: User) -> tuple[str, str]:
    person = item.get("person") or {}
    profile = dict(item.get("profile") or {})
    market = market_for_county(str(item.get("county") or person.get("county") or ""))
    if market is None:
        return Outcome.REFUSED, "no market serves this county"
    try:
        with atomic_with_events():
            seeker_register(
                actor=actor,
                market=market,
                channel=Channel.PLATFORM,
                name=str(person.get("name", "")),
                id_number=str(person.get("id_number", "")),
                mobile=str(person.get("mobile", "")),
                profile=profile,
            )
    except ValidationError as error:
        return Outcome.REFUSED, _messages(error)
    except (PermissionDenied, TypeError) as error:
        return Outcome.REFUSED, str(error) or "refused"
    return Outcome.CREATED, ""


@dataclass
class Prepared:
    platform_id: str
    record_type: str
    updated_at: datetime
    status: str
    record: InboundRecord | None


def _prepare(item: dict[str, Any], page: PageContext) -> Prepared | None:
    """The item's keys and its record so far; None: too malformed to keep (no id or type)."""
    platform_id = str(item.get("platform_id") or "")[:64]
    record_type = str(item.get("record_type") or "")
    if not platform_id or record_type not in RecordType.values:
        logger.warning("provincial feed item without a platform id or a known type skipped")
        return None
    try:
        updated_at = _aware(item.get("updated_at"))
    except ImportRefused:
        return None
    record = page.record(record_type, platform_id)
    status = str(item.get("status", ""))[:16]
    return Prepared(platform_id, record_type, updated_at, status, record)


def _record_new(
    prepared: Prepared, *, posting: Posting | None, outcome: str, detail: str
) -> InboundRecord:
    now = timezone.now()
    return InboundRecord(
        platform_id=prepared.platform_id,
        record_type=prepared.record_type,
        posting=posting,
        platform_updated_at=prepared.updated_at,
        platform_status=prepared.status,
        outcome=outcome,
        detail=detail,
        imported_at=now,
        updated_at=now,
    )


def inbound_item_import(
    *, item: dict[str, Any], actor: User, page: PageContext | None = None
) -> InboundRecord | None:
    """Import one item of the feed, in the caller's transaction. None: an item too malformed to
    keep (no id or type); a record already imported with this change or a later one: unchanged.
    ``page``: what the page's import read once for all its items (``inbound_page_import``)."""
    page = page or PageContext([item])
    prepared = _prepare(item, page)
    if prepared is None:
        return None
    record, updated_at = prepared.record, prepared.updated_at
    if record is not None and record.platform_updated_at >= updated_at:
        return record  # a duplicate, or an older change arriving late
    posting: Posting | None = None
    try:
        # A refused change rolls back only its own savepoint, with the events it recorded.
        with atomic_with_events():
            if prepared.record_type == RecordType.POSTING and record is None:
                outcome, posting, detail = _posting_new(item, actor, page)
            elif prepared.record_type == RecordType.POSTING:
                assert record is not None  # noqa: S101
                outcome, detail = _posting_known(record, item, updated_at, actor, page)
            elif record is None:
                outcome, detail = _registration(item, actor)
            else:
                outcome, detail = _registration(item, actor)
                outcome = Outcome.UPDATED if outcome == Outcome.CREATED else outcome
    except (CaseActionError, ValidationError) as error:
        posting = None
        outcome, detail = Outcome.KEPT, str(error)[:DETAIL_MAX]
    if record is None:
        record = _record_new(prepared, posting=posting, outcome=outcome, detail=detail)
        record.save()
        page.record_kept(record)
    else:
        record.platform_updated_at = updated_at
        record.platform_status = prepared.status
        record.outcome = outcome
        record.detail = detail
        record.updated_at = timezone.now()
        record.save()
    events.record_imported_event(record, actor)
    return record


def _flush(page: PageContext, actor: User, results: list[InboundRecord | None]) -> list[int]:
    """Take the page's pending new postings in, in bulk (``posting_take_in_many``, one call a
    market), and keep their records and those of the items linked to them. Returns the
    positions of linked items whose posting was refused after all: they are checked again."""
    pending = page.pending_clear()
    by_market: dict[int, list[Pending]] = {}
    for one in pending:
        by_market.setdefault(one.market.pk, []).append(one)
    taken: dict[int, TakenIn] = {}
    for group in by_market.values():
        for one, result in zip(
            group,
            posting_take_in_many(
                actor=actor,
                market=group[0].market,
                intakes=[one.intake for one in group],
                channel=Channel.PLATFORM,
                use_registered_name=True,
            ),
            strict=True,
        ):
            taken[one.position] = result
    records: list[InboundRecord] = []
    again: list[int] = []
    for one in pending:
        prepared = Prepared(one.platform_id, RecordType.POSTING, one.updated_at, "published", None)
        prepared.status = str(one.item.get("status", ""))[:16]
        checked = Checked(warned=one.warned)
        try:
            outcome, posting, detail = _taken_in(checked, taken[one.position])
        except CaseActionError as error:
            outcome, posting, detail = Outcome.KEPT, None, str(error)[:DETAIL_MAX]
        record = _record_new(prepared, posting=posting, outcome=outcome, detail=detail)
        records.append(record)
        results[one.position] = record
        if posting is not None:
            page.posting_taken_in(one.item, posting)
        for position in one.linked:
            if posting is None:
                again.append(position)
                continue
            linked = results[position]
            assert linked is not None  # noqa: S101
            linked.posting = posting
            records.append(linked)
    InboundRecord.objects.bulk_create(records, batch_size=500)
    for record in records:
        page.record_kept(record)
        events.record_imported_event(record, actor)
    return sorted(again)


def inbound_page_import(*, items: list[dict[str, Any]], actor: User) -> list[InboundRecord | None]:
    """Import a page of the feed with the same rules as ``inbound_item_import`` item after
    item, in the caller's transaction, in bulk (``postings_bulk``): the page's known records
    and the postings it could duplicate read once, its new postings taken in together
    (``posting_take_in_many``), the audit events appended to their chains together. What it
    leaves is what importing the items one after the other leaves (tests/provincial/
    test_inbound_bulk.py); only the order of the events on a chain differs."""
    results: list[InboundRecord | None] = [None] * len(items)
    with postings_bulk():
        page = PageContext(items)
        todo = list(range(len(items)))
        while todo:
            again: list[int] = []
            for position in todo:
                item = items[position]
                prepared = _prepare(item, page)
                if prepared is not None and prepared.platform_id in page.pending:
                    # The page changes its own new posting: take the new ones in first.
                    again += _flush(page, actor, results)
                    prepared = _prepare(item, page)
                new_posting = (
                    prepared is not None
                    and prepared.record is None
                    and prepared.record_type == RecordType.POSTING
                )
                if not new_posting or prepared is None:
                    results[position] = inbound_item_import(item=item, actor=actor, page=page)
                    continue
                checked = _posting_new_check(item, page)
                if checked.pending is not None:
                    results[position] = _record_new(
                        prepared, posting=None, outcome=Outcome.LINKED, detail=""
                    )
                    checked.pending.linked.append(position)
                elif checked.outcome or checked.intake is None or checked.market is None:
                    record = _record_new(
                        prepared,
                        posting=checked.posting,
                        outcome=checked.outcome,
                        detail=checked.detail,
                    )
                    record.save()
                    page.record_kept(record)
                    events.record_imported_event(record, actor)
                    results[position] = record
                else:
                    cleaned = checked.intake.cleaned
                    page.pending_add(
                        Pending(
                            position=position,
                            item=item,
                            platform_id=prepared.platform_id,
                            updated_at=prepared.updated_at,
                            market=checked.market,
                            intake=checked.intake,
                            warned=checked.warned,
                            start_date=cleaned.start_date,
                            end_date=cleaned.end_date,
                        )
                    )
            todo = sorted(again + _flush(page, actor, results))
    return results


@dataclass
class PullRun:
    pages: int = 0
    items: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    unavailable: bool = False


def inbound_pull(*, client: PlatformClient | None = None, max_pages: int = 0) -> PullRun:
    """Read the feed from the stored cursor, a page at a time, each page imported and the
    cursor moved in one transaction: a pull that stops half-way (the platform down, a crash)
    resumes where the last committed page ended, and importing a page twice is harmless."""
    client = client or platform_client()
    run = PullRun()
    if client is None:
        return run
    try:
        actor = import_actor()
    except ImportRefused:
        logger.warning(
            "provincial feed not pulled: no account %r for imports",
            settings.PROVINCIAL_IMPORT_USERNAME,
        )
        return run
    while not max_pages or run.pages < max_pages:
        cursor_row, _created = FeedCursor.objects.get_or_create(feed=FEED)
        try:
            page = client.pull(cursor=cursor_row.cursor, limit=settings.PROVINCIAL_PULL_LIMIT)
        except PlatformUnavailable:
            run.unavailable = True
            break
        with transaction.atomic():
            locked = FeedCursor.objects.select_for_update().get(pk=cursor_row.pk)
            if locked.cursor != cursor_row.cursor:
                continue  # another pull moved it meanwhile: read again from there
            for record in inbound_page_import(items=list(page.items), actor=actor):
                run.items += 1
                if record is not None:
                    run.outcomes[record.outcome] = run.outcomes.get(record.outcome, 0) + 1
            locked.cursor = page.next_cursor
            locked.updated_at = timezone.now()
            locked.save(update_fields=["cursor", "updated_at"])
        run.pages += 1
        if not page.has_more or not page.items:
            break
    return run
