"""The append-only event log (工作日志): one row per business event, chained by hashes.

Every row carries an HMAC-SHA256, under a key kept outside the database, of its
predecessor's hash and its own contents (``audit.chain``), so editing, deleting or inserting a
row anywhere breaks the chain from that row on, and nobody without the key can re-seal it.
At least daily each chain's head is anchored outside the database (``audit.anchors``), so
rows cut from the end, or a whole chain removed, are noticed too. ``verify_audit`` walks the
chains, checks them against the anchors and names the first broken row. On PostgreSQL and
SQLite the table itself refuses UPDATE and DELETE (see migration 0002); the seals and anchors
catch what a database owner could still do behind the triggers' back.

There is one chain per market plus one ``global`` chain (sign-ins, system-wide roles,
verification alarms). Markets write independently: a province's worth of markets does not
queue on one lock, and each market's log verifies, exports and is signed off on its own.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The previous hash of the first row of every chain.
GENESIS_HASH = "0" * 64
GLOBAL_CHAIN = "global"


class AuditEvent(models.Model):
    """One business event in the work log (工作日志): who did what, to what, where and when.

    Rows are only ever inserted, through ``audit.services.event_record``.
    """

    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # covered by the (actor, occurred_at) index
    )
    actor_label = models.CharField(
        _("actor (as recorded)"),
        max_length=150,
        blank=True,
        help_text=_("The actor's user name when the event happened, kept if the account changes."),
    )
    action = models.CharField(_("action"), max_length=64)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target ID"), max_length=64, blank=True)
    target_label = models.CharField(_("target"), max_length=200, blank=True)
    market = models.ForeignKey(
        "markets.Market",
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # covered by the (market, occurred_at) index
    )
    old_values = models.JSONField(
        _("old values"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    new_values = models.JSONField(
        _("new values"), default=dict, blank=True, encoder=DjangoJSONEncoder
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    success = models.BooleanField(_("succeeded"), default=True)
    chain = models.CharField(_("chain"), max_length=32, help_text=_('"market:<id>" or "global".'))
    sequence = models.PositiveBigIntegerField(_("position in chain"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(
        _("hash"), max_length=64, help_text=_("HMAC-SHA256 under the key named by MAC key.")
    )
    mac_key_id = models.CharField(
        _("MAC key"),
        max_length=16,
        blank=True,
        default="",
        help_text=_("Which audit key sealed the row; empty for rows from before keys existed."),
    )

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "sequence"], name="audit_event_unique_chain_sequence"
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1), name="audit_event_sequence_positive"
            ),
        ]
        indexes = [
            models.Index(fields=["market", "occurred_at"], name="audit_event_market_time"),
            models.Index(fields=["actor", "occurred_at"], name="audit_event_actor_time"),
            models.Index(fields=["action", "occurred_at"], name="audit_event_action_time"),
            # The inspector's search (newest first, by (occurred_at, id)): over a time range
            # or with no narrower filter, and by the actor's recorded user name.
            models.Index(fields=["occurred_at"], name="audit_event_time"),
            models.Index(
                fields=["actor_label", "occurred_at"], name="audit_event_actor_label_time"
            ),
            # A case's trail and the search by case: the events about one record.
            models.Index(
                fields=["target_type", "target_id", "occurred_at"], name="audit_event_target_time"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.chain}#{self.sequence} {self.action}"


class AuditChainHead(models.Model):
    """The end of one chain: its last sequence and hash.

    Writers lock this row (SELECT … FOR UPDATE) to append, so a chain grows one row at a time;
    verification compares it with the last row to notice rows missing at the end.
    """

    chain = models.CharField(_("chain"), max_length=32, unique=True)
    last_sequence = models.PositiveBigIntegerField(_("last sequence"), default=0)
    last_hash = models.CharField(_("last hash"), max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.chain}#{self.last_sequence}"


class LedgerSignOff(models.Model):
    """A team lead's signature under one market's ledger for one day (台账签字确认).

    Signing is itself recorded in the event log (``ledger.signed_off``, with the figures signed),
    so this row keeps no history of its own; there is at most one per market and day.
    """

    market = models.ForeignKey(
        "markets.Market",
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        related_name="ledger_sign_offs",
        db_index=False,  # covered by the unique (market, day) constraint
    )
    day = models.DateField(_("day (Asia/Shanghai)"))
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["market", "day"]
        verbose_name = _("ledger sign-off")
        verbose_name_plural = _("ledger sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=["market", "day"],
                name="ledger_sign_off_unique_market_day",
                violation_error_message=_("The ledger of this day is signed off already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.market_id} {self.day:%Y-%m-%d}"
