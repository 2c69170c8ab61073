"""What the SLA clock tells staff in the bell, registered with ``notifications.messages`` and
rendered in the reader's language when shown."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from notifications.messages import message_register

CALENDAR_YEAR_ESTIMATED = message_register(
    "sla.calendar_year_estimated",
    _(
        "Deadlines in %(year)d are estimated (Monday to Friday): enter that year's "
        "holidays and make-up working days in the calendar."
    ),
)
