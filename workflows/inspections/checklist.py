"""The facility items of the regional standard (art. 5–10) an inspector checks on a visit, and
the function zones and equipment a market's facility profile lists.

One declaration: the inspection form, the scorecard's facility items and the tests read it.
The codes are stored; the labels are for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class FacilityItem:
    code: str
    article: str
    label: StrOrPromise


FACILITY_ITEMS: tuple[FacilityItem, ...] = (
    FacilityItem("area", "5", _("Service premises of at least 50 m²")),
    FacilityItem("zone_counter", "6", _("Counter zone with a one-stop service window")),
    FacilityItem(
        "zone_functions", "6", _("Function rooms: career guidance, training, start-up guidance")
    ),
    FacilityItem("zone_recruitment", "6", _("Recruitment zone with space for talks")),
    FacilityItem("zone_waiting", "6", _("Waiting and rest zone")),
    FacilityItem(
        "fire_safety",
        "7",
        _("Evacuation routes, safety exits, fire equipment and security surveillance"),
    ),
    FacilityItem("accessibility", "7", _("Accessible facilities for persons with disabilities")),
    FacilityItem(
        "basic_equipment", "8", _("Information big screen, notice board, self-service kiosk")
    ),
    FacilityItem(
        "convenience_equipment",
        "9",
        _("Desks, seats, air conditioning, parking, phone charging, drinking water"),
    ),
    FacilityItem(
        "office_equipment",
        "10",
        _("Computers, phones, printer, copier, fax, scanner, document camera"),
    ),
    FacilityItem("signs", "1, 8", _("Signs: the unified market name and the service guide")),
)
FACILITY_CODES: tuple[str, ...] = tuple(item.code for item in FACILITY_ITEMS)
MINIMUM_AREA_M2 = 50


def facility_item(code: str) -> FacilityItem | None:
    return next((item for item in FACILITY_ITEMS if item.code == code), None)


class Zone(models.TextChoices):
    """The function zones of art. 6."""

    COUNTER = "counter", _("Counter zone (柜面服务区)")
    GUIDANCE_ROOM = "guidance_room", _("Career guidance room (职业指导室)")
    TRAINING_ROOM = "training_room", _("Training room (培训服务室)")
    STARTUP_ROOM = "startup_room", _("Start-up guidance room (创业指导室)")
    RECRUITMENT = "recruitment", _("Recruitment and talks zone (求职招聘区)")
    WAITING = "waiting", _("Waiting and rest zone (候工休息区)")


class Equipment(models.TextChoices):
    """The equipment of art. 8–10."""

    BIG_SCREEN = "big_screen", _("Information big screen")
    NOTICE_BOARD = "notice_board", _("Notice board")
    KIOSK = "kiosk", _("Self-service kiosk")
    DESKS = "desks", _("Writing desks")
    SEATS = "seats", _("Rest seats")
    AIR_CONDITIONING = "air_conditioning", _("Air conditioning and ventilation")
    PARKING = "parking", _("Outdoor parking")
    PHONE_CHARGING = "phone_charging", _("Phone charging")
    DRINKING_WATER = "drinking_water", _("Drinking water")
    COMPUTER = "computer", _("Computers")
    TELEPHONE = "telephone", _("Telephones")
    PRINTER = "printer", _("Printer")
    COPIER = "copier", _("Copier")
    FAX = "fax", _("Fax")
    SCANNER = "scanner", _("Scanner")
    DOCUMENT_CAMERA = "document_camera", _("Document camera (高拍仪)")


class Result(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "n/a", _("Not applicable")
