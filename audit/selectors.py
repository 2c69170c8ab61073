"""Reading the event log: verifying its chains against their seals and anchors, and who is
told when one breaks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from heapq import merge
from itertools import islice

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from markets.models import Role

from .anchors import Anchor, AnchorBook, anchor_book, anchors_by_sequence
from .chain import UnknownMacKeyError, event_hash, mac_equal
from .models import GENESIS_HASH, AuditChainHead, AuditEvent

# Rows fetched per round trip while walking a chain; memory stays flat however long it is.
VERIFY_CHUNK_SIZE = 2000


@dataclass(frozen=True)
class ChainBreak:
    """The first row at which a chain stops verifying. ``event_id`` is None when the problem
    is a row that should exist and does not."""

    event_id: int | None
    sequence: int
    reason: str


@dataclass(frozen=True)
class VerificationResult:
    chain: str
    events_checked: int
    last_sequence: int
    broken: ChainBreak | None = None
    anchored_sequence: int = 0  # the highest sequence an anchor vouches for (0: none)

    @property
    def ok(self) -> bool:
        return self.broken is None


def chain_list() -> list[str]:
    """Every chain that has a head, a row or an anchor (a row without a head, or an anchored
    chain without rows, is itself a finding)."""
    heads = AuditChainHead.objects.values_list("chain", flat=True)
    rows = AuditEvent.objects.order_by().values_list("chain", flat=True).distinct()
    return sorted(set(heads) | set(rows) | set(anchor_book().chains))


def _when(anchor: Anchor) -> str:
    at = timezone.localtime(anchor.at).strftime("%Y-%m-%d %H:%M:%S %Z")
    return f"on {at} (anchor file line {anchor.line})"


def _event_fault(event: AuditEvent, *, sequence: int, prev_hash: str) -> str | None:
    if event.sequence != sequence:
        return f"sequence gap: expected sequence {sequence}, found {event.sequence}"
    if event.prev_hash != prev_hash:
        return f"previous hash does not match the hash of sequence {sequence - 1}"
    try:
        expected = event_hash(event)
    except UnknownMacKeyError:
        return f"sealed with key {event.mac_key_id!r}, which is not in AUDIT_MAC_KEYS"
    if not mac_equal(expected, event.hash):
        return "hash does not match the row's contents (the row was altered or forged)"
    return None


def _seal_fault(
    event: AuditEvent, *, keyed_before: bool, anchored: dict[int, list[Anchor]]
) -> str | None:
    """What is wrong with ``event``'s seal beyond its own hash: a row without a key where none
    may be, or a seal other than the one anchored at its sequence."""
    if not event.mac_key_id:
        if keyed_before:
            return "row without a key after rows sealed with one (it was re-sealed without it)"
        if event.sequence > max(anchored, default=0):
            return "row without a key that no anchor vouches for (it may have been re-sealed)"
    for anchor in anchored.get(event.sequence, []):
        if not mac_equal(anchor.mac, event.hash):
            return f"hash differs from the one anchored {_when(anchor)}: the chain was rewritten"
    return None


def chain_verify(*, chain: str, anchors: Sequence[Anchor] | None = None) -> VerificationResult:
    """Walk ``chain`` in sequence order, recomputing every seal; stop at the first fault.

    Checks that sequences run 1, 2, 3 … without gaps, that each row names its predecessor's
    hash, that each seal matches its row under the key it names, that the chain ends where
    its head says (rows beyond the head were not written by ``event_record``; rows missing
    before the head were deleted), and that it agrees with every anchor of it (``anchors``,
    by default those of the anchor file): the row at each anchored sequence carries the
    anchored seal, and the chain reaches at least its highest anchored sequence, so rows cut
    from the end, or a chain removed whole, are found. Rows without a key (from before keys
    existed) pass only where an anchor vouches for them. Writers may append while this runs;
    rows they add are walked too.
    """
    if anchors is None:
        anchors = anchor_book().for_chain(chain)
    anchored = anchors_by_sequence(anchors)
    anchored_sequence = max(anchored, default=0)
    checked = 0
    last_id: int | None = None
    last_sequence = 0
    last_hash = GENESIS_HASH
    keyed_before = False

    def broken(event_id: int | None, sequence: int, reason: str) -> VerificationResult:
        return VerificationResult(
            chain,
            checked,
            last_sequence,
            ChainBreak(event_id, sequence, reason),
            anchored_sequence,
        )

    while True:
        rows = AuditEvent.objects.filter(chain=chain, sequence__gt=last_sequence).order_by(
            "sequence"
        )
        for event in rows.iterator(chunk_size=VERIFY_CHUNK_SIZE):
            fault = _event_fault(
                event, sequence=last_sequence + 1, prev_hash=last_hash
            ) or _seal_fault(event, keyed_before=keyed_before, anchored=anchored)
            if fault is not None:
                return broken(event.pk, event.sequence, fault)
            keyed_before = keyed_before or bool(event.mac_key_id)
            checked += 1
            last_id, last_sequence, last_hash = event.pk, event.sequence, event.hash

        # Read the head only now: a row and its head advance commit together, so every row
        # seen above is covered by the head read here.
        head = AuditChainHead.objects.filter(chain=chain).first()
        head_sequence = head.last_sequence if head is not None else 0
        if head_sequence < last_sequence:
            beyond = AuditEvent.objects.filter(chain=chain, sequence=head_sequence + 1).first()
            return broken(
                beyond.pk if beyond is not None else None,
                head_sequence + 1,
                f"row beyond the chain head, which ends at sequence {head_sequence}: "
                "it was not written through the audit service",
            )
        if head_sequence == last_sequence:
            if head is not None and head.last_hash != last_hash:
                return broken(
                    last_id, last_sequence, "hash of the last row differs from the chain head"
                )
            if anchored_sequence > last_sequence:
                anchor = anchored[anchored_sequence][0]
                if last_sequence == 0:
                    reason = (
                        f"the chain does not exist, but it was anchored at sequence "
                        f"{anchored_sequence} {_when(anchor)}: it was removed"
                    )
                else:
                    reason = (
                        f"the chain ends at sequence {last_sequence}, but it was anchored at "
                        f"sequence {anchored_sequence} {_when(anchor)}: rows were removed"
                    )
                return broken(None, last_sequence + 1, reason)
            return VerificationResult(chain, checked, last_sequence, None, anchored_sequence)
        if not AuditEvent.objects.filter(chain=chain, sequence__gt=last_sequence).exists():
            return broken(
                None,
                last_sequence + 1,
                f"rows {last_sequence + 1} to {head_sequence} are missing: "
                f"the chain head records sequence {head_sequence}",
            )
        # Rows were appended while we walked: go on from where we stopped.


# What to do when the keys do not fit the database (manage.py check_keys, verify_audit).
KEYS_RESTORE_HINT = (
    "Restore the keys kept with the backup of this database (docs/deploy/backup.md); "
    "never start the application on this database without them."
)


@dataclass(frozen=True)
class KeyFit:
    """Whether the keys of one setting fit the database: of ``checked`` sampled values,
    ``failed`` did not open (or verify) under them; ``unknown_key_ids`` are the ids the failed
    ones name that the setting does not hold (a wrong or missing key, not tampering)."""

    setting: str
    checked: int
    failed: int
    unknown_key_ids: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.failed == 0


def audit_mac_keys_fit(*, sample: int = 20) -> KeyFit:
    """Recompute the seals of the newest ``sample`` keyed rows of each chain under
    AUDIT_MAC_KEYS: after a restore, a wrong key set fails every one of them. (A full walk is
    ``verify_audit``; this is the quick check that the keys belong to this database.)"""
    checked = failed = 0
    unknown: set[str] = set()
    for chain in AuditChainHead.objects.order_by("chain").values_list("chain", flat=True):
        rows = AuditEvent.objects.filter(chain=chain).exclude(mac_key_id="")
        for event in rows.order_by("-sequence")[:sample]:
            checked += 1
            try:
                expected = event_hash(event)
            except UnknownMacKeyError:
                failed += 1
                unknown.add(event.mac_key_id)
                continue
            if not mac_equal(expected, event.hash):
                failed += 1
    return KeyFit("AUDIT_MAC_KEYS", checked, failed, tuple(sorted(unknown)))


def audit_admin_list() -> list[User]:
    """The active audit administrators (审计管理员)."""
    admins = User.objects.filter(is_active=True, memberships__role=Role.AUDIT_ADMIN)
    return list(admins.order_by("username").distinct())


def audit_admin_email_list() -> list[str]:
    """E-mail addresses of the active audit administrators (审计管理员)."""
    emails = (
        User.objects.filter(is_active=True, memberships__role=Role.AUDIT_ADMIN)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(emails)


# What the anchor file's own check is called where chains are listed (no chain has this name).
ANCHOR_FILE = "anchor-file"


def anchor_file_verify() -> VerificationResult:
    """Check every line of the anchor file: each must be well formed and signed under a
    configured audit key. ``events_checked`` counts the good lines, ``last_sequence`` the
    anchored chains; ``broken`` names the first bad line (its number as the sequence)."""
    book = anchor_book()
    good = sum(len(anchors) for anchors in book.anchors.values())
    fault = book.faults[0] if book.faults else None
    broken = None
    if fault is not None:
        where = f"line {fault.line} of {book.path}" if fault.line else str(book.path)
        broken = ChainBreak(None, fault.line, f"{where}: {fault.reason}")
    return VerificationResult(ANCHOR_FILE, good, len(book.anchors), broken)


# --- Anchoring that has stopped ------------------------------------------------------------------

DEFAULT_ANCHOR_MAX_AGE_HOURS = 36


def anchor_max_age() -> timedelta:
    """How old the anchoring may get before it is overdue: ``AUDIT_ANCHOR_MAX_AGE_HOURS``
    (default 36: the daily anchoring, a missed run's grace, and some slack)."""
    hours = getattr(settings, "AUDIT_ANCHOR_MAX_AGE_HOURS", DEFAULT_ANCHOR_MAX_AGE_HOURS)
    if isinstance(hours, bool) or not isinstance(hours, int | float) or hours <= 0:
        raise ImproperlyConfigured("AUDIT_ANCHOR_MAX_AGE_HOURS must be a positive number.")
    return timedelta(hours=hours)


@dataclass(frozen=True)
class AnchoringOverdue:
    """A chain with rows no anchor vouches for, whose anchoring is older than allowed.

    ``anchor`` is the chain's newest anchor (None: the anchor file has none for it). ``since``
    is when its anchoring became due: that anchor's time; for a chain the file does not name,
    the file's newest line; with no anchor line at all, the chain's first row.
    ``first_unanchored`` is the first sequence no anchor vouches for."""

    chain: str
    anchor: Anchor | None
    since: datetime
    first_unanchored: int
    last_sequence: int


def anchoring_overdue_list(
    *,
    chains: Sequence[str] | None = None,
    book: AnchorBook | None = None,
    now: datetime | None = None,
) -> list[AnchoringOverdue]:
    """The chains (``chains``, by default all) whose anchoring is overdue: rows after the
    chain's newest anchor exist, and that anchor is older than ``anchor_max_age()`` — so the
    daily anchoring has stopped (beat down, the task failing unnoticed, the file removed), and
    rows cut from those chains' ends could no longer be noticed.

    A chain the anchor file does not name yet is measured from the file's newest line (it
    should have been anchored by the first anchoring after it began); with no anchor line at
    all, from the chain's first row. A chain whose rows are all anchored is never overdue, however
    old its anchor: nothing of it is unprotected. Rows that merely look younger than an anchor
    (a clock set back) make nothing overdue."""
    book = anchor_book() if book is None else book
    now = timezone.now() if now is None else now
    limit = now - anchor_max_age()
    overdue: list[AnchoringOverdue] = []
    for chain in chain_list() if chains is None else chains:
        anchors = book.for_chain(chain)
        anchor = max(anchors, key=lambda a: (a.at, a.line)) if anchors else None
        anchored_sequence = anchor.sequence if anchor is not None else 0
        rows = AuditEvent.objects.filter(chain=chain, sequence__gt=anchored_sequence)
        first = rows.order_by("sequence").values_list("sequence", "occurred_at").first()
        if first is None:
            continue
        if anchor is not None:
            since = anchor.at
        elif book.last_at is not None:
            since = book.last_at
        else:
            since = first[1]
        if since >= limit:
            continue
        last_sequence = rows.order_by("-sequence").values_list("sequence", flat=True).first()
        overdue.append(
            AnchoringOverdue(
                chain=chain,
                anchor=anchor,
                since=since,
                first_unanchored=first[0],
                last_sequence=last_sequence or first[0],
            )
        )
    return overdue


# --- Pages of events, newest first -------------------------------------------------------------
#
# Long lists of events (the inspector's search, a case's trail) are read a page at a time by
# keyset: newest first by (occurred_at, id), each page starting after the last row of the one
# before, so a page deep down costs what the first one costs (no OFFSET), and events that share
# a time are neither skipped nor shown twice. They are counted no further than a cap: a
# thousand, as every list of the back office (``backoffice.common.pages.COUNT_CAP``). A count
# reads as many rows as it counts, from the table where no index covers the filter (one
# action, one actor, one day): at 15 000 000 events, counting 10 001 took 9–86 ms of the
# search's page (bench/README.md, "The event log"); "1 000+" tells the inspector to narrow
# the filter as well as "10 000+" did.

EVENT_COUNT_CAP = 1_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class EventCursor:
    """Where a page of events ends: the time and id of its last (oldest) row. The next page
    holds the events before it in the order (occurred_at, id), newest first."""

    at: datetime
    pk: int

    @classmethod
    def of(cls, event: AuditEvent) -> EventCursor:
        return cls(event.occurred_at, event.pk)

    def token(self) -> str:
        """The cursor as a query parameter: microseconds since 1970 (UTC), "_", the id."""
        return f"{(self.at - _EPOCH) // _MICROSECOND}_{self.pk}"

    @classmethod
    def parse(cls, token: str | None) -> EventCursor | None:
        """The cursor of ``token``; None for a missing or malformed one (the first page)."""
        micros, _sep, pk = (token or "").partition("_")
        try:
            at = _EPOCH + int(micros) * _MICROSECOND
            number = int(pk)
        except (ValueError, OverflowError):
            return None
        if number < 1 or number > 2**63 - 1:
            return None
        return cls(at, number)


def events_newest_first(events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
    ordered: QuerySet[AuditEvent] = events.order_by("-occurred_at", "-pk")
    return ordered


def events_before(events: QuerySet[AuditEvent], cursor: EventCursor) -> QuerySet[AuditEvent]:
    """The events after ``cursor`` in the order newest first. The first condition bounds the
    range an index on (…, occurred_at) reads; the second only sorts out the rows of that one
    instant."""
    older: QuerySet[AuditEvent] = events.filter(occurred_at__lte=cursor.at).filter(
        Q(occurred_at__lt=cursor.at) | Q(pk__lt=cursor.pk)
    )
    return older


@dataclass(frozen=True)
class EventPage:
    """One page of events, newest first. ``older`` is the cursor of the next page (None on
    the last); ``first`` whether this is the newest page."""

    events: list[AuditEvent]
    older: EventCursor | None
    first: bool

    def __iter__(self) -> Iterator[AuditEvent]:
        return iter(self.events)

    def __len__(self) -> int:
        return len(self.events)


def _sort_key(event: AuditEvent) -> tuple[datetime, int]:
    return (event.occurred_at, event.pk)


def event_page(*parts: QuerySet[AuditEvent], before: EventCursor | None, size: int) -> EventPage:
    """The ``size`` newest events of ``parts`` (querysets of disjoint events, e.g. the two
    halves of an OR each served by its own index) before ``before`` (from the newest when
    None): one query per part, each reading at most ``size + 1`` rows in index order,
    merged here."""
    streams = []
    for part in parts:
        rows = events_newest_first(part if before is None else events_before(part, before))
        streams.append(list(rows[: size + 1]))
    merged = list(islice(merge(*streams, key=_sort_key, reverse=True), size + 1))
    shown = merged[:size]
    older = EventCursor.of(shown[-1]) if len(merged) > size else None
    return EventPage(shown, older, before is None)


def event_count_capped(events: QuerySet[AuditEvent], *, cap: int = EVENT_COUNT_CAP) -> int:
    """How many events match, counting no further than ``cap + 1`` (a count above ``cap``
    is shown as "cap+")."""
    return int(events.order_by()[: cap + 1].count())
