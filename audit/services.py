"""Writing the event log: appending one event to its chain, anchoring the chains' heads outside
the database, and raising the alarm on a break."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from markets.models import Market
from notifications.models import OutboxMessage
from notifications.services import notification_send, outbox_enqueue

from .anchors import ChainHead, anchor_file_append, anchor_path
from .chain import chain_key, event_hash, ip_normalise, json_plain, mac_keys
from .models import GLOBAL_CHAIN, AuditChainHead, AuditEvent
from .selectors import VerificationResult, audit_admin_email_list, audit_admin_list

logger = logging.getLogger(__name__)

CHAIN_BROKEN = "audit.chain_broken"
CHAINS_ANCHORED = "audit.chains_anchored"
ANCHORING_FAILED = "audit.anchoring_failed"


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
    the transaction short. Never pass secrets (passwords, codes) in the values.
    """
    ref = target if isinstance(target, TargetRef) or target is None else TargetRef.of(target)
    chain = chain_key(market)
    key_id, _key = mac_keys()[0]  # the sealing key (audit.chain)
    with transaction.atomic():
        head = _chain_head_locked(chain)
        event = AuditEvent(
            occurred_at=timezone.now(),
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
            chain=chain,
            sequence=head.last_sequence + 1,
            prev_hash=head.last_hash,
            mac_key_id=key_id,
        )
        event.hash = event_hash(event)
        event.save(force_insert=True)
        head.last_sequence = event.sequence
        head.last_hash = event.hash
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
    subject = _("Audit log anchors of %(when)s") % {"when": when}
    lines = "\n".join(f"{head.chain}  #{head.sequence}  {head.mac}" for head in heads)
    body = _(
        "The heads of the audit log's chains were anchored at %(when)s in %(path)s.\n"
        "Keep this message: it lets anyone check later that the log was not rewritten.\n\n"
        "Chain, last sequence and seal:\n%(lines)s"
    ) % {"when": when, "path": path, "lines": lines}
    text = _("Audit log anchored: %(count)s chains, %(when)s.") % {
        "count": len(heads),
        "when": when,
    }
    for admin in audit_admin_list():
        notification_send(recipient=admin, text=text, key=f"{CHAINS_ANCHORED}:{stamp}:{admin.pk}")
        if admin.email:
            outbox_enqueue(
                channel=OutboxMessage.Channel.EMAIL,
                to=admin.email,
                subject=subject[:200],
                body=body,
                idempotency_key=f"{CHAINS_ANCHORED}:{stamp}:{admin.pk}",
            )


def anchoring_failed_alert(*, error: str) -> AuditEvent:
    """Record ``audit.anchoring_failed`` and tell the audit administrators (mail and bell, once
    a day however often it fails): without anchors, rows cut from the end of a chain since the
    last anchoring could no longer be noticed."""
    path = str(anchor_path())
    today = timezone.localdate().isoformat()
    text = _("The audit log could not be anchored in %(path)s: %(error)s") % {
        "path": path,
        "error": error,
    }
    with transaction.atomic():
        event = event_record(
            action=ANCHORING_FAILED,
            target=TargetRef(type="audit.anchors", label=path),
            new_values={"error": error[:500], "file": path},
            success=False,
        )
        for admin in audit_admin_list():
            key = f"{ANCHORING_FAILED}:{today}:{admin.pk}"
            notification_send(recipient=admin, text=text[:500], key=key)
            if admin.email:
                outbox_enqueue(
                    channel=OutboxMessage.Channel.EMAIL,
                    to=admin.email,
                    subject=_("Audit log anchoring failed")[:200],
                    body=text
                    + "\n\n"
                    + _(
                        "Until it works again, rows removed from the end of a chain since the "
                        "last anchoring cannot be noticed. Check AUDIT_ANCHOR_DIR, then run "
                        "“manage.py anchor_audit”."
                    ),
                    idempotency_key=key,
                )
    return event


def chain_broken_alert(*, result: VerificationResult) -> AuditEvent | None:
    """Record ``audit.chain_broken`` on the global chain and e-mail the audit administrators.

    Once per break per day (Asia/Shanghai): a retried or repeated nightly run adds nothing,
    while a break nobody has repaired is reported again the next night. Returns the new event,
    or None when there is no break or it was already reported today.
    """
    broken = result.broken
    if broken is None:
        return None
    details = {
        "chain": result.chain,
        "event_id": broken.event_id,
        "sequence": broken.sequence,
        "reason": broken.reason,
    }
    with transaction.atomic():
        _chain_head_locked(GLOBAL_CHAIN)  # serialises concurrent runs of this check
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        already = AuditEvent.objects.filter(
            chain=GLOBAL_CHAIN,
            action=CHAIN_BROKEN,
            occurred_at__gte=today,
            **{f"new_values__{key}": value for key, value in details.items()},
        )
        if already.exists():
            return None
        event: AuditEvent | None = None
        try:
            with transaction.atomic():
                event = event_record(
                    action=CHAIN_BROKEN,
                    target=TargetRef(type="audit.chain", id=result.chain, label=result.chain),
                    new_values=details,
                    success=False,
                )
        except IntegrityError:
            # A row forged beyond the global chain's head takes the next sequence number, so
            # nothing more can be appended there: the alarm cannot be recorded, but must go out.
            logger.exception("Could not record %s for chain %s", CHAIN_BROKEN, result.chain)
        at = event.occurred_at if event is not None else timezone.now()
        transaction.on_commit(partial(_chain_broken_mail, details=details, at=at))
    return event


def _chain_broken_mail(*, details: Mapping[str, Any], at: datetime) -> None:
    # The notifications app (outbox and channels) does not exist yet: send plain e-mail directly.
    # When it does, this becomes a notification to the audit administrators.
    recipients = audit_admin_email_list()
    if not recipients:
        logger.error(
            "Audit chain %s is broken and no audit administrator has an e-mail address.",
            details["chain"],
        )
        return
    subject = _("Audit log integrity check failed: chain %(chain)s") % details
    body = _(
        "The nightly check of the audit log found a broken chain.\n\n"
        "Chain: %(chain)s\nFirst broken row: id %(event_id)s, sequence %(sequence)s\n"
        "Problem: %(reason)s\nChecked at: %(at)s\n\n"
        "Rows after this point cannot be trusted until the cause is found. "
        "Run “manage.py verify_audit --chain %(chain)s” to check again."
    ) % {**details, "at": timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S %Z")}
    for recipient in recipients:
        send_mail(subject, body, None, [recipient])
