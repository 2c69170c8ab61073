"""Writing the event log: appending one event to its chain, anchoring the chains' heads outside
the database, and raising the alarm on a break."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import partial, wraps
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from markets.models import Market

from . import notification_messages as messages
from .anchors import (
    AnchorBook,
    AnchorFault,
    AnchorProblem,
    ChainHead,
    anchor_book,
    anchor_file_append,
    anchor_path,
)
from .chain import chain_key, event_hash, ip_normalise, json_plain, mac_keys
from .hooks import AdminAlert, admin_alert_send
from .models import GLOBAL_CHAIN, AuditChainHead, AuditEvent
from .selectors import (
    ANCHOR_FILE,
    AnchoringOverdue,
    VerificationResult,
    anchor_max_age,
    audit_admin_email_list,
    audit_admin_list,
)

logger = logging.getLogger(__name__)

CHAIN_BROKEN = "audit.chain_broken"
CHAINS_ANCHORED = "audit.chains_anchored"
ANCHORING_FAILED = "audit.anchoring_failed"
ANCHORING_OVERDUE = "audit.anchoring_overdue"

# How many bad lines, or overdue chains, one alert lists (the check reports them all).
ALERT_LIST_MAX = 20


@dataclass(frozen=True)
class TargetRef:
    """What an event is about, when that is not (or no longer) a saved model instance."""

    type: str
    id: str = ""
    label: str = ""

    @classmethod
    def of(cls, obj: models.Model) -> TargetRef:
        return cls(type=obj._meta.label_lower, id=str(obj.pk), label=str(obj))


def _field_text(value: str, field: str) -> str:
    """``value`` cut to the column's length (before hashing, so the hash covers what is stored)."""
    column = AuditEvent._meta.get_field(field)
    max_length = column.max_length if isinstance(column, models.CharField) else None
    return value[:max_length]


def _chain_head_locked(chain: str) -> AuditChainHead:
    """The head of ``chain``, locked until the surrounding transaction ends; created on first
    use. Two first writers may race to create it: the loser's insert fails inside its own
    savepoint, and it then waits for the winner's row like any later writer."""
    heads = AuditChainHead.objects.select_for_update()
    head = heads.filter(chain=chain).first()
    if head is not None:
        return head
    try:
        with transaction.atomic():
            AuditChainHead.objects.create(chain=chain)
    except IntegrityError:
        pass
    return heads.get(chain=chain)


def _event_unsealed(
    *,
    action: str,
    actor: User | None,
    target: models.Model | TargetRef | None,
    market: Market | None,
    old_values: Mapping[str, Any] | None,
    new_values: Mapping[str, Any] | None,
    ip_address: str | None,
    success: bool,
) -> AuditEvent:
    """The event with everything but its time and its place in the chain: what can fail (no
    sealing key configured, values that are not JSON) fails here, before a head is locked or
    anything written."""
    ref = target if isinstance(target, TargetRef) or target is None else TargetRef.of(target)
    key_id, _key = mac_keys()[0]  # the sealing key (audit.chain)
    return AuditEvent(
        actor=actor,
        actor_label=_field_text(actor.get_username(), "actor_label") if actor else "",
        action=action,
        target_type=ref.type if ref else "",
        target_id=_field_text(ref.id, "target_id") if ref else "",
        target_label=_field_text(ref.label, "target_label") if ref else "",
        market=market,
        old_values=json_plain(dict(old_values or {})),
        new_values=json_plain(dict(new_values or {})),
        ip_address=ip_normalise(ip_address),
        success=success,
        mac_key_id=key_id,
    )


def _event_seal(event: AuditEvent, head: AuditChainHead) -> AuditEvent:
    """``event`` made the next of ``head``'s chain, timed and sealed, not saved; ``head`` moved
    on to it (not saved either). ``event_record`` and ``event_batch`` share this one
    definition of a row."""
    event.occurred_at = timezone.now()
    event.chain = head.chain
    event.sequence = head.last_sequence + 1
    event.prev_hash = head.last_hash
    event.hash = event_hash(event)
    head.last_sequence = event.sequence
    head.last_hash = event.hash
    return event


class EventBatch:
    """Events appended in memory and written together (``event_batch``): each chain's head is
    locked once, at its first event, and every event is sealed at once onto the one before it,
    exactly as ``event_record`` would have written it; ``flush`` inserts them in order and
    moves the heads."""

    def __init__(self) -> None:
        self.heads: dict[str, AuditChainHead] = {}
        self.events: list[AuditEvent] = []

    def head(self, chain: str) -> AuditChainHead:
        if chain not in self.heads:
            self.heads[chain] = _chain_head_locked(chain)
        return self.heads[chain]

    def mark(self) -> tuple[int, dict[str, tuple[int, str]]]:
        """Where the batch stands, for ``rewind`` (a savepoint rolled back)."""
        return len(self.events), {
            chain: (head.last_sequence, head.last_hash) for chain, head in self.heads.items()
        }

    def rewind(self, mark: tuple[int, dict[str, tuple[int, str]]]) -> None:
        """Forget the events appended since ``mark``: what they recorded was rolled back."""
        count, heads = mark
        del self.events[count:]
        for chain in list(self.heads):
            if chain in heads:
                self.heads[chain].last_sequence, self.heads[chain].last_hash = heads[chain]
            else:
                # Locked since the mark: back to what the database holds (a rolled-back
                # savepoint may have created it; then it is gone and is created again).
                del self.heads[chain]

    def flush(self) -> None:
        if self.events:
            AuditEvent.objects.bulk_create(self.events, batch_size=500)
        for head in self.heads.values():
            head.save(update_fields=["last_sequence", "last_hash"])
        self.events = []


_batch: ContextVar[EventBatch | None] = ContextVar("audit_event_batch", default=None)


@contextmanager
def event_batch() -> Iterator[EventBatch]:
    """Within this block ``event_record`` appends to a batch written when the block ends: the
    same rows, sealed the same way, with one lock and one write of each chain's head instead
    of one for each event. For bulk work (a page of the provincial feed). Use it inside the
    transaction of the changes it records; a savepoint rolled back inside it must ``rewind``
    the batch to a ``mark`` taken before. Returned events have no primary key until the
    block ends. An exception leaving the block discards the batch (the transaction rolls
    back with it)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_batch() must run inside a transaction")
    outer = _batch.get()
    if outer is not None:  # already batching: the outer block writes
        yield outer
        return
    batch = EventBatch()
    token = _batch.set(batch)
    try:
        yield batch
        batch.flush()
    finally:
        _batch.reset(token)


@contextmanager
def atomic_with_events() -> Iterator[None]:
    """``transaction.atomic()`` for a step of a bulk job under ``event_batch``: when its
    savepoint is rolled back, the events recorded inside it are forgotten with what they
    recorded. Outside a batch, just ``transaction.atomic()``."""
    batch = _batch.get()
    mark = batch.mark() if batch is not None else None
    try:
        with transaction.atomic():
            yield
    except BaseException:
        if batch is not None and mark is not None:
            batch.rewind(mark)
        raise


def event_record(
    *,
    action: str,
    actor: User | None = None,
    target: models.Model | TargetRef | None = None,
    market: Market | None = None,
    old_values: Mapping[str, Any] | None = None,
    new_values: Mapping[str, Any] | None = None,
    ip_address: str | None = None,
    success: bool = True,
) -> AuditEvent:
    """Append one event to its market's chain (or the global chain) and return it.

    Call it inside the transaction of the change it records: the event is written, or rolled
    back, with the change. The chain's head stays locked until that transaction ends, so keep
    the transaction short. Never pass secrets (passwords, codes) in the values. Inside
    ``event_batch`` the event is written when the batch ends.
    """
    chain = chain_key(market)
    values: dict[str, Any] = {
        "action": action,
        "actor": actor,
        "target": target,
        "market": market,
        "old_values": old_values,
        "new_values": new_values,
        "ip_address": ip_address,
        "success": success,
    }
    event = _event_unsealed(**values)
    batch = _batch.get()
    if batch is not None:
        batch.events.append(_event_seal(event, batch.head(chain)))
        return event
    # No savepoint of its own (two statements fewer for every event, issue 14): everything
    # that can be refused was refused above, and what fails now is a statement, after which
    # the caller's transaction (or the caller's own savepoint) rolls back anyway.
    with transaction.atomic(savepoint=False):
        head = _chain_head_locked(chain)
        _event_seal(event, head)
        event.save(force_insert=True)
        head.save(update_fields=["last_sequence", "last_hash"])
    return event


@dataclass(frozen=True)
class Anchoring:
    """What one ``chain_heads_anchor`` wrote: the heads, when, and where."""

    heads: list[ChainHead]
    at: datetime
    path: str
    event: AuditEvent | None


def chain_heads_anchor(*, actor: User | None = None) -> Anchoring:
    """Anchor every chain's head outside the database, and tell the audit administrators.

    Appends one signed line per chain (sequence and seal of its last row) to the anchor file
    (``audit.anchors``), then records ``audit.chains_anchored`` on the global chain and sends
    each active audit administrator the heads, by e-mail through the outbox and in the bell,
    so a copy lives in their mailboxes too. Safe to run at any time and again: each run adds
    lines, never changes one. A chain that grows after this run is anchored by the next one.
    """
    at = timezone.now()
    heads = [
        ChainHead(chain=chain, sequence=sequence, mac=mac)
        for chain, sequence, mac in AuditChainHead.objects.filter(last_sequence__gt=0)
        .order_by("chain")
        .values_list("chain", "last_sequence", "last_hash")
    ]
    if not heads:
        return Anchoring(heads=[], at=at, path="", event=None)
    # The file first: a line written for a run whose database part then fails is harmless (it
    # anchors what the database held), while an event claiming an anchoring that never
    # reached the file would mislead.
    path = str(anchor_file_append(heads, at=at))
    with transaction.atomic():
        event = event_record(
            action=CHAINS_ANCHORED,
            actor=actor,
            target=TargetRef(type="audit.anchors", label=path),
            new_values={"at": at, "chains": len(heads), "file": path},
        )
        _chains_anchored_notify(heads=heads, at=at, path=path)
    return Anchoring(heads=heads, at=at, path=path, event=event)


def _chains_anchored_notify(*, heads: list[ChainHead], at: datetime, path: str) -> None:
    when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S %Z")
    stamp = at.strftime("%Y%m%dT%H%M%S.%fZ")
    lines = "\n".join(f"{head.chain}  #{head.sequence}  {head.mac}" for head in heads)
    params = {"count": len(heads), "when": when}
    for admin in audit_admin_list():
        with translation.override(settings.LANGUAGE_CODE):  # staff mail: the default language
            subject = _("Audit log anchors of %(when)s") % {"when": when}
            body = _(
                "The heads of the audit log's chains were anchored at %(when)s in %(path)s.\n"
                "Keep this message: it lets anyone check later that the log was not "
                "rewritten.\n\nChain, last sequence and seal:\n%(lines)s"
            ) % {"when": when, "path": path, "lines": lines}
        admin_alert_send(
            AdminAlert(
                recipient=admin,
                message=messages.AUDIT_ANCHORED,
                params=params,
                key=f"{CHAINS_ANCHORED}:{stamp}:{admin.pk}",
                subject=subject[:200],
                body=body,
            )
        )


def anchoring_failed_alert(*, error: str) -> AuditEvent:
    """Record ``audit.anchoring_failed`` and tell the audit administrators (mail and bell, once
    a day however often it fails): without anchors, rows cut from the end of a chain since the
    last anchoring could no longer be noticed."""
    path = str(anchor_path())
    today = timezone.localdate().isoformat()
    params = {"path": path, "error": error[:400]}
    with transaction.atomic():
        event = event_record(
            action=ANCHORING_FAILED,
            target=TargetRef(type="audit.anchors", label=path),
            new_values={"error": error[:500], "file": path},
            success=False,
        )
        with translation.override(settings.LANGUAGE_CODE):  # staff mail: the default language
            subject = _("Audit log anchoring failed")
            body = (
                _("The audit log could not be anchored in %(path)s: %(error)s") % params
                + "\n\n"
                + _(
                    "Until it works again, rows removed from the end of a chain since the "
                    "last anchoring cannot be noticed. Check AUDIT_ANCHOR_DIR, then run "
                    "“manage.py anchor_audit”."
                )
            )
        for admin in audit_admin_list():
            admin_alert_send(
                AdminAlert(
                    recipient=admin,
                    message=messages.AUDIT_ANCHORING_FAILED,
                    params=params,
                    key=f"{ANCHORING_FAILED}:{today}:{admin.pk}",
                    subject=subject[:200],
                    body=body,
                )
            )
    return event


def _when(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S %Z")


def _alarm_record_once_today(
    *, action: str, target: TargetRef, details: Mapping[str, Any], same: Sequence[str]
) -> tuple[bool, AuditEvent | None]:
    """Record the alarm ``action`` on the global chain unless one with the same ``details[k]``
    for each k in ``same`` was recorded today (Asia/Shanghai). Returns whether it is new today,
    and its event (None when it could not be written: see below). Call inside a transaction."""
    _chain_head_locked(GLOBAL_CHAIN)  # serialises concurrent runs of the check
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    already = AuditEvent.objects.filter(
        chain=GLOBAL_CHAIN,
        action=action,
        occurred_at__gte=today,
        **{f"new_values__{key}": details[key] for key in same},
    )
    if already.exists():
        return False, None
    try:
        with transaction.atomic():
            event = event_record(action=action, target=target, new_values=details, success=False)
    except IntegrityError:
        # A row forged beyond the global chain's head takes the next sequence number, so
        # nothing more can be appended there: the alarm cannot be recorded, but must go out.
        logger.exception("Could not record %s for %s", action, target.label)
        return True, None
    return True, event


def _in_staff_language(mail: Callable[..., None]) -> Callable[..., None]:
    """Build and send an alarm mail in the staff's default language (Chinese: no member of
    staff has a stored language, see notifications.messages), whatever language the run that
    raised it had active (a page in English, a worker)."""

    @wraps(mail)
    def in_language(**kwargs: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            mail(**kwargs)

    return in_language


def _audit_admins_mail(*, subject: str, body: str, what: str) -> None:
    """E-mail the active audit administrators directly (not through the outbox: an integrity
    alarm should not wait for the queue it may be reporting on)."""
    recipients = audit_admin_email_list()
    if not recipients:
        logger.error("%s, and no audit administrator has an e-mail address.", what)
        return
    for recipient in recipients:
        send_mail(subject[:200], body, None, [recipient])


def chain_broken_alert(*, result: VerificationResult) -> AuditEvent | None:
    """Record ``audit.chain_broken`` on the global chain and e-mail the audit administrators.

    Once per break per day (Asia/Shanghai): a retried or repeated nightly run adds nothing,
    while a break nobody has repaired is reported again the next night. Returns the new event,
    or None when there is no break or it was already reported today. The anchor file's own
    faults have their own alert (``anchor_file_broken_alert``).
    """
    broken = result.broken
    if broken is None:
        return None
    if result.chain == ANCHOR_FILE:
        return anchor_file_broken_alert()
    details = {
        "chain": result.chain,
        "event_id": broken.event_id,
        "sequence": broken.sequence,
        "reason": broken.reason,
    }
    with transaction.atomic():
        new, event = _alarm_record_once_today(
            action=CHAIN_BROKEN,
            target=TargetRef(type="audit.chain", id=result.chain, label=result.chain),
            details=details,
            same=list(details),
        )
        if new:
            at = event.occurred_at if event is not None else timezone.now()
            transaction.on_commit(partial(_chain_broken_mail, details=details, at=at))
    return event


@_in_staff_language
def _chain_broken_mail(*, details: Mapping[str, Any], at: datetime) -> None:
    subject = _("Audit log integrity check failed: chain %(chain)s") % details
    body = _(
        "The nightly check of the audit log found a broken chain.\n\n"
        "Chain: %(chain)s\nFirst broken row: id %(event_id)s, sequence %(sequence)s\n"
        "Problem: %(reason)s\nChecked at: %(at)s\n\n"
        "Rows after this point cannot be trusted until the cause is found. "
        "Run “manage.py verify_audit --chain %(chain)s” to check again."
    ) % {**details, "at": _when(at)}
    _audit_admins_mail(subject=subject, body=body, what=f"Audit chain {details['chain']} is broken")


# What each anchor-file problem means, for the audit administrators.
ANCHOR_PROBLEM_TEXTS = {
    AnchorProblem.MALFORMED: gettext_lazy(
        "it is not a well-formed anchor line: it was torn, or edited by hand"
    ),
    AnchorProblem.UNKNOWN_KEY: gettext_lazy(
        "it is signed with a key that is not in AUDIT_MAC_KEYS: it was forged, or a retired "
        "key was removed from the settings too early"
    ),
    AnchorProblem.BAD_SIGNATURE: gettext_lazy(
        "its signature does not match its contents: the line was altered or forged"
    ),
    AnchorProblem.UNREADABLE: gettext_lazy("the file cannot be read"),
}


def anchor_file_broken_alert(*, book: AnchorBook | None = None) -> AuditEvent | None:
    """Record ``audit.chain_broken`` for the anchor file (chain ``anchor-file``) and e-mail the
    audit administrators what is wrong with it: each bad line by number, and what is wrong
    with it (malformed, signed under an unknown key, a signature that does not match), or that
    the file cannot be read at all.

    Once a day for the same faults: a line that goes bad later the same day is reported at
    once. Returns the new event, or None when the file is sound or this was reported today.
    """
    book = anchor_book() if book is None else book
    if not book.faults:
        return None
    first = book.faults[0]
    details = {
        "chain": ANCHOR_FILE,
        "file": str(book.path),
        "line": first.line,
        "problem": str(first.problem),
        "reason": first.reason[:500],
        "faults": " ".join(f"{fault.line}:{fault.problem}" for fault in book.faults)[:500],
    }
    with transaction.atomic():
        new, event = _alarm_record_once_today(
            action=CHAIN_BROKEN,
            target=TargetRef(type="audit.anchors", id=ANCHOR_FILE, label=str(book.path)),
            details=details,
            same=["chain", "file", "faults"],
        )
        if new:
            at = event.occurred_at if event is not None else timezone.now()
            faults = list(book.faults)
            transaction.on_commit(
                partial(_anchor_file_mail, path=str(book.path), faults=faults, at=at)
            )
    return event


def _anchor_fault_text(fault: AnchorFault) -> str:
    return _("Line %(line)s: %(problem)s.\n    Details: %(reason)s") % {
        "line": fault.line,
        "problem": ANCHOR_PROBLEM_TEXTS[fault.problem],
        "reason": fault.reason,
    }


@_in_staff_language
def _anchor_file_mail(*, path: str, faults: list[AnchorFault], at: datetime) -> None:
    first = faults[0]
    if first.problem == AnchorProblem.UNREADABLE:
        subject = _("Audit anchor file cannot be read")
        body = _(
            "The nightly check of the audit log could not read the anchor file.\n\n"
            "Anchor file: %(path)s\nProblem: %(reason)s\nChecked at: %(at)s\n\n"
            "Until it can be read, no anchor vouches for the audit log: rows removed from the "
            "end of a chain could go unnoticed. Check the file's permissions and the mount of "
            "AUDIT_ANCHOR_DIR, then run “manage.py verify_audit --chain anchor-file”."
        ) % {"path": path, "reason": first.reason, "at": _when(at)}
    else:
        subject = _("Audit anchor file check failed: line %(line)s cannot be trusted") % {
            "line": first.line
        }
        listed = "\n".join(_anchor_fault_text(fault) for fault in faults[:ALERT_LIST_MAX])
        if len(faults) > ALERT_LIST_MAX:
            listed += "\n" + _("… and %(count)s more bad lines.") % {
                "count": len(faults) - ALERT_LIST_MAX
            }
        body = _(
            "The nightly check of the audit log found lines of the anchor file that cannot be "
            "trusted.\n\nAnchor file: %(path)s\n%(lines)s\nChecked at: %(at)s\n\n"
            "A line that cannot be trusted vouches for nothing. Find out who or what changed "
            "the file (it is only ever appended to), then run "
            "“manage.py verify_audit --chain anchor-file” to check it again."
        ) % {"path": path, "lines": listed, "at": _when(at)}
    _audit_admins_mail(subject=subject, body=body, what=f"The audit anchor file {path} is bad")


def anchoring_overdue_alert(*, overdue: Sequence[AnchoringOverdue]) -> AuditEvent | None:
    """Record ``audit.anchoring_overdue`` and tell the audit administrators (mail and bell),
    once a day however often the check runs: the chains in ``overdue`` have rows that no anchor
    vouches for, and their last anchoring is older than ``AUDIT_ANCHOR_MAX_AGE_HOURS``, so the
    daily anchoring has stopped. Returns the new event, or None when there is nothing overdue
    or it was already reported today."""
    if not overdue:
        return None
    hours = round(anchor_max_age().total_seconds() / 3600, 2)
    details = {
        "max_age_hours": hours,
        "file": str(anchor_path()),
        "chains": [
            {
                "chain": item.chain,
                "since": item.since.isoformat(),
                "line": item.anchor.line if item.anchor is not None else None,
                "anchored_sequence": item.anchor.sequence if item.anchor is not None else 0,
                "last_sequence": item.last_sequence,
            }
            for item in overdue[:ALERT_LIST_MAX]
        ],
        "count": len(overdue),
    }
    with transaction.atomic():
        new, event = _alarm_record_once_today(
            action=ANCHORING_OVERDUE,
            target=TargetRef(type="audit.anchors", label=str(anchor_path())),
            details=details,
            same=[],
        )
        if not new:
            return None
        today = timezone.localdate().isoformat()
        params = {"count": len(overdue), "hours": f"{hours:g}"}
        for admin in audit_admin_list():
            # The bell only: the mail, with every chain listed, goes out directly on commit.
            admin_alert_send(
                AdminAlert(
                    recipient=admin,
                    message=messages.AUDIT_ANCHORING_OVERDUE,
                    params=params,
                    key=f"{ANCHORING_OVERDUE}:{today}:{admin.pk}",
                )
            )
        at = event.occurred_at if event is not None else timezone.now()
        transaction.on_commit(
            partial(_anchoring_overdue_mail, overdue=list(overdue), hours=hours, at=at)
        )
    return event


def _overdue_text(item: AnchoringOverdue) -> str:
    values = {
        "chain": item.chain,
        "when": _when(item.since),
        "first": item.first_unanchored,
        "last": item.last_sequence,
    }
    if item.anchor is None:
        return (
            _(
                "%(chain)s: not anchored at all; rows %(first)s to %(last)s are not vouched for "
                "(anchoring due since %(when)s)."
            )
            % values
        )
    return _(
        "%(chain)s: last anchored on %(when)s (anchor file line %(line)s, up to row "
        "%(sequence)s); rows %(first)s to %(last)s are not vouched for."
    ) % {**values, "line": item.anchor.line, "sequence": item.anchor.sequence}


@_in_staff_language
def _anchoring_overdue_mail(*, overdue: list[AnchoringOverdue], hours: float, at: datetime) -> None:
    listed = "\n".join(_overdue_text(item) for item in overdue[:ALERT_LIST_MAX])
    if len(overdue) > ALERT_LIST_MAX:
        listed += "\n" + _("… and %(count)s more chains.") % {
            "count": len(overdue) - ALERT_LIST_MAX
        }
    body = _(
        "The audit log has not been anchored for more than %(hours)s hours "
        "(AUDIT_ANCHOR_MAX_AGE_HOURS), although rows were written after the last anchoring. "
        "Rows removed from the end of these chains could no longer be noticed:\n\n"
        "%(chains)s\n\nAnchor file: %(path)s\nChecked at: %(at)s\n\n"
        "Check that Celery beat and a worker are running and that AUDIT_ANCHOR_DIR can be "
        "written, then run “manage.py anchor_audit”."
    ) % {"hours": f"{hours:g}", "chains": listed, "path": anchor_path(), "at": _when(at)}
    _audit_admins_mail(
        subject=_("Audit log anchoring is overdue"),
        body=body,
        what="Audit log anchoring is overdue",
    )
