"""The link with the provincial human-resources platform (数智人社, 一库一平台; standard art. 25,
27): the outbox of what we tell it, the records it told us, and where its feed was read up to.

The contract both sides speak is written down in ``docs/provincial-sync.md``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    POSTING = "posting", _("Job posting")
    REGISTRATION = "registration", _("Job-seeker registration")


class OutboundMessage(models.Model):
    """One change of a record, to be delivered to the platform (the outbox). Written in the
    transaction of the change; delivered in ``sequence`` order per record, each message only
    after the one before it was delivered (``provincial.services.outbound_deliver``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        DELIVERED = "delivered", _("Delivered")
        DEAD = "dead", _("Dead letter")

    record_type = models.CharField(_("record type"), max_length=16, choices=RecordType.choices)
    record_id = models.BigIntegerField(_("record number"))
    sequence = models.PositiveIntegerField(_("sequence number of the record"))
    change = models.CharField(_("change"), max_length=24)
    payload = models.JSONField(_("payload"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=80, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # While a worker holds the message (status "sending"); once it has run out the worker is
    # presumed dead and the message is taken up again.
    lease_until = models.DateTimeField(_("held until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to the provincial platform")
        verbose_name_plural = _("messages to the provincial platform")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "record_id", "sequence"],
                name="provincial_outbound_one_sequence_per_record",
            )
        ]
        indexes = [
            # What is still to deliver, oldest first (delivered rows are most of the table).
            models.Index(
                fields=["status", "next_attempt_at", "id"],
                name="provincial_outbound_due",
                condition=~Q(status="delivered"),
            ),
            models.Index(
                fields=["record_type", "record_id", "sequence"],
                name="provincial_outbound_undone",
                condition=~Q(status="delivered"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id}#{self.sequence} {self.change}"


class InboundRecord(models.Model):
    """A record the platform collected (a posting or a registration), by the platform's id:
    importing it again is harmless. ``posting`` is the local posting it became or was linked
    to (a duplicate of one of ours is linked, not doubled)."""

    class Outcome(models.TextChoices):
        CREATED = "created", _("Taken in")
        LINKED = "linked", _("Linked to a posting of ours")
        REVIEW = "review", _("Taken in for review (content screen)")
        REFUSED = "refused", _("Refused")
        UPDATED = "updated", _("Updated")
        KEPT = "kept", _("Ours kept (more recent or withdrawn)")

    platform_id = models.CharField(_("platform's id"), max_length=64)
    record_type = models.CharField(_("record type"), max_length=16, choices=RecordType.choices)
    posting = models.ForeignKey(
        "postings.Posting",
        verbose_name=_("job posting"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="platform_records",
    )
    platform_updated_at = models.DateTimeField(_("changed on the platform at"))
    platform_status = models.CharField(_("status on the platform"), max_length=16)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    detail = models.TextField(_("detail"), blank=True)
    imported_at = models.DateTimeField(_("imported at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last imported at"), default=timezone.now)

    class Meta:
        verbose_name = _("record from the provincial platform")
        verbose_name_plural = _("records from the provincial platform")
        constraints = [
            models.UniqueConstraint(
                fields=["record_type", "platform_id"], name="provincial_inbound_one_per_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.platform_id}"


class FeedCursor(models.Model):
    """Where the inbound feed was read up to (one row per feed), moved in the transaction that
    imports the page it ends."""

    feed = models.CharField(_("feed"), max_length=32, unique=True)
    cursor = models.CharField(_("cursor"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("feed cursor")
        verbose_name_plural = _("feed cursors")

    def __str__(self) -> str:
        return f"{self.feed}: {self.cursor}"
