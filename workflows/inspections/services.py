"""State changes of the facilities and inspections (standard art. 5–10), one service per verb.

- ``facility_profile_save``: the market's facility profile (area, zones, rooms, equipment),
  by its team lead or an inspector over it; history and an audit row with old and new values.
- ``inspection_record``: an inspector's visit with the whole checklist (each item pass, fail or
  not applicable, a note, photos). Each failed item opens a rectification case for the market
  (``facility_rectification``) in the same transaction, its clock on the working-day calendar.
- ``facility_rectification_report``: the team lead reports what was put right (the case is
  resolved, its completion clock stops).
- ``facility_rectification_close``: an inspector over the market checks and closes it; nobody
  else may.

An illegal action raises and changes nothing: ``ValidationError`` (bad input, per field),
``CaseActionError`` (the state does not allow it now), ``PermissionDenied``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases import permissions as can
from cases.attachments import (
    JPEG,
    PNG,
    upload_scan,
)
from cases.fsm import CaseActionError, row_locked, save_with_history
from cases.models import Applicant, Case, Channel, State
from cases.services import case_claim, case_close, case_open, case_reassign, case_resolve
from cases.storage import (
    StorageUnavailable,
    orphan_cutoff,
    storage_guard,
    stored_names_under,
    stored_orphans_remove,
)
from markets.desks import desk_account
from markets.models import Market, Membership, Role

from . import events
from .access import inspects, keeps_profile
from .checklist import FACILITY_CODES, Equipment, Result, Zone, facility_item
from .flow import RECTIFICATION
from .models import (
    FacilityProfile,
    FacilityRectification,
    Inspection,
    InspectionItem,
    InspectionPhoto,
)

DESK_USERNAME = "inspection-desk-{market}"
NOTE_MAX = 2000
PHOTOS_PER_ITEM_MAX = 5
PHOTO_TYPES = (PNG, JPEG)
AREA_MAX = Decimal("100000")

# --- Facility profile ---------------------------------------------------------------------------

logger = logging.getLogger(__name__)


def _profile_values(profile: FacilityProfile) -> dict[str, Any]:
    return {
        "area_m2": str(profile.area_m2),
        "zones": list(profile.zones),
        "rooms": profile.rooms,
        "equipment": list(profile.equipment),
        "note": profile.note,
    }


def _area_clean(value: object, errors: dict[str, str]) -> Decimal:
    try:
        area = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        errors["area_m2"] = _("Area: a number of square metres, please.")
        return Decimal(0)
    if not Decimal(0) < area <= AREA_MAX:
        errors["area_m2"] = _("Area: more than 0 and at most %(max)s m², please.") % {
            "max": AREA_MAX
        }
    return area


def _codes_clean(
    values: Sequence[str], allowed: Sequence[str], name: str, errors: dict[str, str]
) -> list[str]:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        errors[name] = _("Unknown choice: %(values)s.") % {"values": ", ".join(unknown)}
    # Stored in the declaration's order, each once: a change of order is no change.
    return [code for code in allowed if code in set(values)]


@transaction.atomic
def facility_profile_save(
    *,
    actor: User,
    market: Market,
    area_m2: object,
    zones: Sequence[str],
    equipment: Sequence[str],
    rooms: str = "",
    note: str = "",
) -> FacilityProfile:
    """Create or change ``market``'s facility profile; nothing is written when nothing
    changes."""
    market = row_locked(Market, market.pk, related=("region",))
    if not keeps_profile(actor, market):
        raise PermissionDenied
    errors: dict[str, str] = {}
    area = _area_clean(area_m2, errors)
    zone_codes = _codes_clean(zones, Zone.values, "zones", errors)
    equipment_codes = _codes_clean(equipment, Equipment.values, "equipment", errors)
    rooms = (rooms or "").strip()
    note = (note or "").strip()
    for name, text in (("rooms", rooms), ("note", note)):
        if len(text) > NOTE_MAX:
            errors[name] = _("At most %(max)d characters, please.") % {"max": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    profile = FacilityProfile.objects.select_for_update().filter(market=market).first()
    old = _profile_values(profile) if profile is not None else {}
    if profile is None:
        profile = FacilityProfile(market=market, updated_by=actor)
    profile.area_m2 = area
    profile.zones = zone_codes
    profile.equipment = equipment_codes
    profile.rooms = rooms
    profile.note = note
    new = _profile_values(profile)
    if old == new:
        return profile
    profile.updated_by = actor
    profile.updated_at = timezone.now()
    save_with_history(profile, actor)
    changed = {key for key in new if old.get(key) != new[key]}
    events.facility_profile_changed_event(
        profile,
        actor,
        old={key: old[key] for key in changed if key in old},
        new={key: new[key] for key in changed},
    )
    return profile


# --- Inspections --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemGiven:
    """What the inspector found for one facility item."""

    result: str
    note: str = ""
    photos: Sequence[UploadedFile] = field(default_factory=tuple)


def _items_clean(items: Mapping[str, ItemGiven]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for code in FACILITY_CODES:
        given = items.get(code)
        if given is None or given.result not in Result.values:
            errors[f"{code}-result"] = _("Choose pass, fail or not applicable.")
            continue
        note = (given.note or "").strip()
        if given.result == Result.FAIL and not note:
            errors[f"{code}-note"] = _("A failed item needs a note: what is wrong.")
        elif len(note) > NOTE_MAX:
            errors[f"{code}-note"] = _("At most %(max)d characters, please.") % {"max": NOTE_MAX}
        if len(given.photos) > PHOTOS_PER_ITEM_MAX:
            errors[f"{code}-photos"] = _("At most %(max)d photos per item, please.") % {
                "max": PHOTOS_PER_ITEM_MAX
            }
    unknown = sorted(set(items) - set(FACILITY_CODES))
    if unknown:
        errors["__all__"] = _("Unknown items: %(codes)s.") % {"codes": ", ".join(unknown)}
    return errors


def _photo_add(*, actor: User, item: InspectionItem, upload: UploadedFile) -> InspectionPhoto:
    """Check one photo like a case attachment (size, content) and store it; PNG or JPEG only."""
    from django.conf import settings

    try:
        scanned = upload_scan(upload, settings.CASE_ATTACHMENT_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({f"{item.code}-photos": error.messages}) from error
    if scanned.file_type not in PHOTO_TYPES:
        raise ValidationError({f"{item.code}-photos": _("A photo is a PNG or JPEG image.")})
    photo = InspectionPhoto(item=item, uploaded_by=actor, **scanned.stored_fields(upload))
    upload.seek(0)
    try:
        with storage_guard("upload", f"inspections/{item.inspection_id}/"):
            photo.file.save("upload", upload, save=False)
    except StorageUnavailable as error:
        # Refused like a bad photo: the form comes back with everything else the inspector
        # entered, and the service's rollback removes the photos stored before this one.
        raise ValidationError(
            {
                f"{item.code}-photos": _(
                    "The file store cannot be reached just now, so nothing was saved. "
                    "Please choose the photos again and send the form in a few minutes."
                )
            }
        ) from error
    return photo


@transaction.atomic(durable=True)
def inspection_record(
    *,
    actor: User,
    market: Market,
    visited_on: date,
    items: Mapping[str, ItemGiven],
    summary: str = "",
) -> Inspection:
    """Record an inspector's visit to ``market`` with the whole checklist; each failed item
    opens a rectification case. A refused inspection leaves nothing: no row, no file, no
    event, no case."""
    market = row_locked(Market, market.pk, related=("region",))
    if not inspects(actor, market):
        raise PermissionDenied
    errors = _items_clean(items)
    if visited_on > timezone.localdate():
        errors["visited_on"] = _("Date: the day of the visit, not a day to come.")
    summary = (summary or "").strip()
    if len(summary) > NOTE_MAX:
        errors["summary"] = _("At most %(max)d characters, please.") % {"max": NOTE_MAX}
    if errors:
        raise ValidationError(errors)
    inspection = Inspection(market=market, inspector=actor, visited_on=visited_on, summary=summary)
    save_with_history(inspection, actor)
    stored: list[InspectionPhoto] = []
    try:
        failed: list[InspectionItem] = []
        for code in FACILITY_CODES:
            given = items[code]
            item = InspectionItem(
                inspection=inspection,
                code=code,
                result=given.result,
                note=(given.note or "").strip(),
            )
            save_with_history(item, actor)
            for upload in given.photos:
                photo = _photo_add(actor=actor, item=item, upload=upload)
                stored.append(photo)
                save_with_history(photo, actor)
            if item.result == Result.FAIL:
                failed.append(item)
        events.inspection_recorded_event(
            inspection,
            actor,
            results={code: items[code].result for code in FACILITY_CODES},
            photos=len(stored),
        )
        for item in failed:
            facility_rectification_open(item=item, actor=actor)
    except BaseException:
        for photo in stored:
            try:
                photo.file.delete(save=False)
            except Exception:  # the store may be what failed
                logger.exception("Could not remove %s after a refused inspection.", photo.file.name)
        raise
    return inspection


# --- Rectifications -------------------------------------------------------------------------------


def inspection_desk(*, market: Market) -> User:
    """The account that opens (and, on an inspector's check, closes) a market's facility
    rectifications: the inspector works in no market, so the case engine's transitions run
    through the market's inspection desk, and the audit rows of this module name the person."""
    return desk_account(
        username=DESK_USERNAME.format(market=market.pk),
        full_name=f"{market.name} · 设施督查",
        market=market,
    )


def _team_lead(market: Market) -> User | None:
    """The market's longest-serving team lead who can sign in (desk accounts cannot)."""
    membership = (
        Membership.objects.filter(market=market, role=Role.TEAM_LEAD, user__is_active=True)
        .exclude(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership is not None else None


def _market_as_applicant(market: Market, actor: User) -> Applicant:
    """The market itself, as the organisation a facility rectification is for (found by its
    official name among the organisations without a credit code, or registered once)."""
    applicant = (
        Applicant.objects.filter(kind=Applicant.Kind.ORGANISATION, name=market.name, credit_code="")
        .order_by("pk")
        .first()
    )
    if applicant is None:
        applicant = Applicant(kind=Applicant.Kind.ORGANISATION, name=market.name)
        save_with_history(applicant, actor)
    return applicant


def facility_rectification_open(*, item: InspectionItem, actor: User) -> FacilityRectification:
    """Open the rectification case of a failed item, with the market's team lead (or in the
    market's queue when it has none), its completion clock on the working-day calendar
    (``flow.TIME_LIMITS``). Inside ``inspection_record``'s transaction."""
    market = item.inspection.market
    desk = inspection_desk(market=market)
    lead = _team_lead(market)
    label = facility_item(item.code)
    case = case_open(
        actor=desk,
        market=market,
        kind=RECTIFICATION.code,
        channel=Channel.COUNTER,
        applicant=_market_as_applicant(market, desk),
        subject=(
            _("Facility inspection of %(day)s: %(item)s")
            % {
                "day": item.inspection.visited_on.isoformat(),
                "item": label.label if label is not None else item.code,
            }
        )[:200],
        description=item.note,
        claimed=lead is not None,
    )
    if lead is not None:
        case = case_reassign(actor=desk, case=case, to_user=lead)
    rectification = FacilityRectification(case=case, item=item)
    save_with_history(rectification, actor)
    events.facility_rectification_opened_event(rectification, actor)
    return rectification


def _locked(rectification: FacilityRectification) -> FacilityRectification:
    list(
        Case.objects.select_for_update(of=("self",))
        .filter(pk=rectification.case_id)
        .values_list("pk", flat=True)
    )
    return row_locked(
        FacilityRectification,
        rectification.pk,
        related=("case__market__region", "item__inspection"),
    )


@transaction.atomic
def facility_rectification_report(
    *, actor: User, rectification: FacilityRectification, outcome: str
) -> FacilityRectification:
    """The market's team lead reports what was put right: the case is resolved and its
    completion clock stops; it waits for an inspector's check."""
    rectification = _locked(rectification)
    case = rectification.case
    if not can.lead(case, actor):
        raise PermissionDenied
    if case.state not in (State.NEW, State.IN_PROGRESS):
        raise CaseActionError(_("This rectification has been reported already."))
    if case.owner_id != actor.pk and case.state == State.NEW:
        case = case_claim(actor=actor, case=case)
    rectification.case = case_resolve(actor=actor, case=case, outcome=outcome, by_service=True)
    events.facility_rectification_reported_event(rectification, actor)
    return rectification


@transaction.atomic
def facility_rectification_close(
    *, actor: User, rectification: FacilityRectification, note: str
) -> FacilityRectification:
    """An inspector over the market checks the reported rectification and closes it. Only an
    inspector of a region holding the market may (not the team lead, not an officer)."""
    rectification = _locked(rectification)
    case = rectification.case
    if not inspects(actor, case.market):
        raise PermissionDenied
    if case.state != State.RESOLVED:
        raise CaseActionError(
            _("The team lead reports the rectification first; then it is checked and closed.")
            if case.is_open
            else _("This rectification is closed already.")
        )
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Note what you checked and found.")})
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("At most %(max)d characters, please.") % {"max": NOTE_MAX}}
        )
    old_state = case.state
    desk = inspection_desk(market=case.market)
    rectification.case = case_close(actor=desk, case=case, by_service=True)
    rectification.checked_by = actor
    rectification.checked_at = timezone.now()
    rectification.check_note = note
    save_with_history(rectification, actor)
    events.facility_rectification_closed_event(rectification, actor, old_state=old_state)
    return rectification


def inspection_photo_orphans_remove(
    *, now: datetime | None = None, grace: timedelta | None = None
) -> list[str]:
    """Stored photos under ``inspections/`` that no photo row refers to, older than ``grace``
    (settings.CASE_ATTACHMENT_ORPHAN_GRACE, as for case attachments): deleted, logged, their
    names returned. A refused inspection removes its photos itself; these are what a worker
    killed mid-inspection, or a store that refused the removal then, left behind. One listing
    of the store and one pass over the rows' names; StorageUnavailable, having changed
    nothing more, when the store cannot be reached."""
    storage = InspectionPhoto._meta.get_field("file").storage
    stored = stored_names_under(storage, "inspections")
    referenced = set(InspectionPhoto.objects.values_list("file", flat=True).iterator(5000))
    cutoff = orphan_cutoff(now=now or timezone.now(), grace=grace)
    return stored_orphans_remove(storage, stored - referenced, cutoff=cutoff)
