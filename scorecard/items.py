"""The scorecard's items, in one declaration: what each measures, where the figure comes from
and its target. The automatic items are computed from records the services keep; the
facility items come from the market's latest inspection (``workflows.inspections``).

Targets (a local choice, to be confirmed by the provincial department; each one documented
here and shown on the page):

- on-time acceptance and completion (限时办结, art. 29): at least 95 % of the clocks that ended
  in the month, or fell due in it and are still running, met their time limit;
- single-notice breaches (一次性告知, art. 29): none in the month;
- ledger days signed off (工作日志台账, art. 3): every working day of the month up to yesterday;
- monthly statistics published on time (art. 15): published (``statistics_hook``);
- postings complete and lawful (art. 13–14): every posting published in the month passed the
  content screen clean, or with its exceptions justified by the reviewer;
- public-welfare jobs posted (art. 20): at least one published in the month;
- staff trained (art. 28): every officer and team lead has a training recorded in the year up
  to the month's end;
- satisfaction (好差评): at least 90 % of the month's ratings satisfied or better.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from django.utils.translation import gettext_lazy as _

from workflows.inspections.checklist import FACILITY_ITEMS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Unit = Literal["percent", "count", "check"]


@dataclass(frozen=True)
class ItemSpec:
    code: str
    label: StrOrPromise
    article: str
    unit: Unit
    # percent/count: the value must be at least (or, ``at_most``, at most) the target;
    # check: passed or not.
    target: Decimal = Decimal(0)
    at_most: bool = False
    automatic: bool = True


AUTOMATIC_ITEMS: tuple[ItemSpec, ...] = (
    ItemSpec("on_time_acceptance", _("Accepted on time"), "29", "percent", Decimal(95)),
    ItemSpec("on_time_completion", _("Completed on time"), "29", "percent", Decimal(95)),
    ItemSpec(
        "single_notice_breaches",
        _("Single-notice breaches"),
        "29",
        "count",
        Decimal(0),
        at_most=True,
    ),
    ItemSpec("ledger_signed_off", _("Ledger days signed off"), "3", "percent", Decimal(100)),
    ItemSpec("statistics_published", _("Monthly statistics published on time"), "15", "check"),
    ItemSpec(
        "postings_lawful", _("Postings complete and lawful"), "13–14", "percent", Decimal(100)
    ),
    ItemSpec("welfare_jobs_posted", _("Public-welfare jobs posted"), "20", "count", Decimal(1)),
    ItemSpec("staff_trained", _("Staff trained this year"), "28", "percent", Decimal(100)),
    ItemSpec("satisfaction", _("Satisfaction (好差评)"), "29", "percent", Decimal(90)),
)
FACILITY_ITEM_SPECS: tuple[ItemSpec, ...] = tuple(
    ItemSpec(f"facility_{item.code}", item.label, item.article, "check", automatic=False)
    for item in FACILITY_ITEMS
)
ITEMS: tuple[ItemSpec, ...] = AUTOMATIC_ITEMS + FACILITY_ITEM_SPECS
