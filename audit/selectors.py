"""Reading the event log: verifying its chains, and who is told when one breaks."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from markets.models import Role

from .chain import event_hash
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

    @property
    def ok(self) -> bool:
        return self.broken is None


def chain_list() -> list[str]:
    """Every chain that has a head or a row (a row without a head is itself a finding)."""
    heads = AuditChainHead.objects.values_list("chain", flat=True)
    rows = AuditEvent.objects.order_by().values_list("chain", flat=True).distinct()
    return sorted(set(heads) | set(rows))


def _event_fault(event: AuditEvent, *, sequence: int, prev_hash: str) -> str | None:
    if event.sequence != sequence:
        return f"sequence gap: expected sequence {sequence}, found {event.sequence}"
    if event.prev_hash != prev_hash:
        return f"previous hash does not match the hash of sequence {sequence - 1}"
    if event_hash(event) != event.hash:
        return "hash does not match the row's contents (the row was altered or forged)"
    return None


def chain_verify(*, chain: str) -> VerificationResult:
    """Walk ``chain`` in sequence order, recomputing every hash; stop at the first fault.

    Checks that sequences run 1, 2, 3 … without gaps, that each row names its predecessor's
    hash, that each hash matches its row, and that the chain ends where its head says:
    rows beyond the head were not written by ``event_record``; rows missing before the head
    were deleted. Writers may append while this runs; rows they add are walked too.
    """
    checked = 0
    last_id: int | None = None
    last_sequence = 0
    last_hash = GENESIS_HASH

    def broken(event_id: int | None, sequence: int, reason: str) -> VerificationResult:
        return VerificationResult(
            chain, checked, last_sequence, ChainBreak(event_id, sequence, reason)
        )

    while True:
        rows = AuditEvent.objects.filter(chain=chain, sequence__gt=last_sequence).order_by(
            "sequence"
        )
        for event in rows.iterator(chunk_size=VERIFY_CHUNK_SIZE):
            fault = _event_fault(event, sequence=last_sequence + 1, prev_hash=last_hash)
            if fault is not None:
                return broken(event.pk, event.sequence, fault)
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
            return VerificationResult(chain, checked, last_sequence)
        if not AuditEvent.objects.filter(chain=chain, sequence__gt=last_sequence).exists():
            return broken(
                None,
                last_sequence + 1,
                f"rows {last_sequence + 1} to {head_sequence} are missing: "
                f"the chain head records sequence {head_sequence}",
            )
        # Rows were appended while we walked: go on from where we stopped.


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
