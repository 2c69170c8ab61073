"""The facilities of a market and their inspections (standard art. 5–10).

- ``FacilityProfile``: the market's premises as declared (area, function zones, rooms,
  equipment), one per market, with its full history (who changed what, when).
- ``Inspection``: an inspector's visit, with one ``InspectionItem`` per facility item of
  ``checklist.FACILITY_ITEMS`` (pass / fail / not applicable, a note, photos).
- ``FacilityRectification``: the rectification case a failed item opens.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import Case
from markets.models import Market

from .checklist import Result


class FacilityProfile(models.Model):
    """A market's premises (服务场所) as they are: kept with history."""

    market = models.OneToOneField(
        Market,
        verbose_name=_("market"),
        on_delete=models.PROTECT,
        related_name="facility_profile",
    )
    area_m2 = models.DecimalField(
        _("premises area (m²) (场所面积)"),
        max_digits=8,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0))],
    )
    zones = models.JSONField(_("function zones (功能分区)"), default=list, blank=True)
    rooms = models.TextField(_("rooms (功能室)"), blank=True)
    equipment = models.JSONField(_("equipment (设施设备)"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical facility profile"))

    class Meta:
        verbose_name = _("facility profile")
        verbose_name_plural = _("facility profiles")

    def __str__(self) -> str:
        return str(self.market)


class Inspection(models.Model):
    """An inspector's visit to a market (实地督查), with its checklist."""

    market = models.ForeignKey(
        Market, verbose_name=_("market"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("inspector"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    visited_on = models.DateField(_("visited on (督查日期)"))
    summary = models.TextField(_("summary"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical inspection"))

    class Meta:
        ordering = ["-visited_on", "-pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        indexes = [
            # The latest inspection of each market up to a day (the scorecard).
            models.Index(fields=["market", "visited_on"], name="inspection_market_visited"),
        ]

    def __str__(self) -> str:
        return f"{self.market} {self.visited_on:%Y-%m-%d}"


class InspectionItem(models.Model):
    """One facility item checked on an inspection."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("inspection"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField(_("item"), max_length=32)
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords(verbose_name=_("historical inspection item"))

    class Meta:
        ordering = ["inspection", "pk"]
        verbose_name = _("inspection item")
        verbose_name_plural = _("inspection items")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "code"], name="inspection_item_once_per_inspection"
            )
        ]

    def __str__(self) -> str:
        return f"{self.inspection} · {self.code}: {self.result}"


def _photo_path(instance: InspectionPhoto, filename: str) -> str:
    # Never the uploaded name: a random one, outside any served directory (as attachments).
    return f"inspections/{instance.item.inspection_id}/{uuid.uuid4().hex}"


class InspectionPhoto(models.Model):
    """A photo taken for an inspection item (PNG or JPEG, checked like case attachments)."""

    item = models.ForeignKey(
        InspectionItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=_photo_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    history = HistoricalRecords(verbose_name=_("historical inspection photo"))

    class Meta:
        ordering = ["item", "pk"]
        verbose_name = _("inspection photo")
        verbose_name_plural = _("inspection photos")

    def __str__(self) -> str:
        return self.original_name


class FacilityRectification(models.Model):
    """The rectification (设施整改) of a failed inspection item: a case of kind
    ``facility_rectification`` with the market's team lead, closed by an inspector over the
    market after checking."""

    case = models.OneToOneField(
        Case,
        verbose_name=_("rectification case"),
        on_delete=models.PROTECT,
        related_name="facility_rectification",
    )
    item = models.OneToOneField(
        InspectionItem,
        verbose_name=_("failed item"),
        on_delete=models.PROTECT,
        related_name="rectification",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    check_note = models.TextField(_("what the inspector found"), blank=True)

    history = HistoricalRecords(verbose_name=_("historical facility rectification"))

    class Meta:
        verbose_name = _("facility rectification")
        verbose_name_plural = _("facility rectifications")

    def __str__(self) -> str:
        return self.case.reference
