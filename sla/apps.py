from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Time limits")

    def ready(self) -> None:
        from . import receivers

        receivers.connect()  # the clock's memory of calendars and policies renewed on change

        # Its messages in the notifications registry, so the bell can render them.
        from markets.models import Role
        from markets.roles import role_permissions_extend

        # The system administrator keeps the policies and the working-day calendar (a policy
        # is retired, never deleted: deadlines point at it); the auditor reads them.
        role_permissions_extend(
            Role.SYSTEM_ADMIN,
            "sla.view_policy",
            "sla.add_policy",
            "sla.change_policy",
            "sla.view_calendarday",
            "sla.add_calendarday",
            "sla.change_calendarday",
            "sla.delete_calendarday",
            "sla.view_calendaryear",
            "sla.add_calendaryear",
            "sla.change_calendaryear",
        )
        role_permissions_extend(
            Role.AUDIT_ADMIN, "sla.view_policy", "sla.view_calendarday", "sla.view_calendaryear"
        )
