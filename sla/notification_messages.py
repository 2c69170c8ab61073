"""What the SLA clock tells staff in the bell: keys and their texts, rendered in the reader's
language when shown. ``sla`` may not import ``notifications`` (its sibling in
``.importlinter``): the case engine registers these (``cases.notification_messages``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

CALENDAR_YEAR_ESTIMATED = "sla.calendar_year_estimated"

MESSAGES: dict[str, _StrPromise] = {
    CALENDAR_YEAR_ESTIMATED: _(
        "Deadlines in %(year)d are estimated (Monday to Friday): enter that year's "
        "holidays and make-up working days in the calendar."
    ),
}
