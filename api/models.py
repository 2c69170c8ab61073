"""Records of the API: the other systems that call it, and the answers kept for idempotency."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from oauth2_provider.settings import oauth2_settings
from simple_history.models import HistoricalRecords

from markets.models import Market, Region


class Scope(models.TextChoices):
    POSTINGS_READ = "postings:read", _("Read postings")
    POSTINGS_WRITE = "postings:write", _("Create and keep current postings")
    CASES_READ = "cases:read", _("Read cases (masked)")
    SYNC = "sync", _("Provincial platform sync")


class ApiClient(models.Model):
    """Another system that calls the API with OAuth 2.0 client credentials (接入系统): its
    scopes and the one market or region (a subtree of the division codes) whose records it may
    see. Its credentials are the toolkit's ``Application`` (one each); a client made inactive
    gets no new token and its tokens stop working."""

    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        verbose_name=_("OAuth application"),
        on_delete=models.CASCADE,
        related_name="api_client",
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    market = models.ForeignKey(
        Market,
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical API client"))

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")
        constraints = [
            models.CheckConstraint(
                condition=Q(market__isnull=False, region__isnull=True)
                | Q(market__isnull=True, region__isnull=False),
                name="api_client_market_or_region",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an ``Idempotency-Key``, per caller and key, kept for
    ``API_IDEMPOTENCY_KEY_HOURS``: a repeat with the same body gets it again and changes
    nothing; with another body, 409. A row without a status is a request still running."""

    caller = models.CharField(_("caller"), max_length=80)
    key = models.CharField(_("idempotency key"), max_length=255)
    request_hash = models.CharField(_("request hash"), max_length=64)
    status = models.PositiveSmallIntegerField(_("status"), null=True, blank=True)
    body = models.TextField(_("response body"), blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    location = models.CharField(_("location"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["caller", "key"], name="idempotency_caller_key")
        ]

    def __str__(self) -> str:
        return f"{self.caller} {self.key}"
