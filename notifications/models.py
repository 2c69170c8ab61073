"""What the system tells people: in-app notifications (the bell) and the outbox of messages
(text messages, e-mail) waiting to go out.

The outbox is written in the transaction of the change it reports and delivered after commit
by a Celery task, so a rolled-back change sends nothing and a crashed worker loses nothing:
the periodic sweep picks up whatever is still pending once it is due and its task is presumed
lost (its lease, ``queued_until``, ran out).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .messages import message_render


class Notification(models.Model):
    """One in-app notification (站内通知) for one member of staff."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # covered by the (recipient, read_at, created_at) index
    )
    # What it says: a registered message (notifications.messages) and its parameters, rendered
    # in the reader's language when shown. ``text`` is the same rendered in the default
    # language when it was sent, and the whole notification for rows older than keys: shown as
    # it is when there is no message (or it is no longer registered).
    message = models.CharField(_("message"), max_length=100, blank=True, editable=False)
    params = models.JSONField(_("parameters"), default=dict, blank=True, editable=False)
    text = models.CharField(_("text"), max_length=500, blank=True)
    link = models.CharField(
        _("link"),
        max_length=300,
        blank=True,
        help_text=_("A path within this site, such as /cases/123/."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set by senders that may run again (a retried task): one notification per key.
    key = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="notification_once_per_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["recipient", "read_at", "created_at"],
                name="notification_recipient_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.display_text[:50]

    @property
    def display_text(self) -> str:
        """What the notification says, in the active language."""
        return message_render(self.message, self.params, fallback=self.text)


class OutboxMessage(models.Model):
    """One message to send outside the system (短信, e-mail), sent at least once.

    ``idempotency_key`` names the business fact the message reports (for example
    ``"case:123:notice"``): enqueuing the same key again returns this row and sends nothing more.

    ``queued_until`` is the lease of the delivery task last handed to the broker: until then
    the sweep does not queue another one (see ``notifications.services.OUTBOX_QUEUE_LEASE``).
    Once the message is settled (sent, or given up), ``to`` keeps only a masked address: the
    outbox is no place to keep applicants' mobiles (PIPL).
    """

    class Channel(models.TextChoices):
        SMS = "sms", _("text message")
        EMAIL = "email", _("e-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    to = models.CharField(
        _("recipient address"),
        max_length=254,
        help_text=_("A mobile number for text messages, an e-mail address for e-mail."),
    )
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"))
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        _("next attempt at"),
        null=True,
        blank=True,
        default=timezone.now,
        help_text=_("When a pending message is due to be tried (again); empty once settled."),
    )
    queued_until = models.DateTimeField(
        _("queued until"),
        null=True,
        blank=True,
        help_text=_(
            "A delivery task is on its way until then; afterwards the sweep presumes it lost "
            "and queues another."
        ),
    )

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due"),
            models.Index(
                fields=["queued_until"],
                name="outbox_pending_lease",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.idempotency_key}"
