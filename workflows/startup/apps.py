from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartupConfig(AppConfig):
    name = "workflows.startup"
    label = "startup"
    verbose_name = _("Start-up help")

    def ready(self) -> None:
        from cases.flows import flow_register

        from .flow import FLOW

        # Kind, states, checklist, time limits and audit labels: flow.py.
        flow_register(FLOW)

        from markets.models import Role
        from markets.roles import role_permissions_extend

        # The system administrator keeps the loan limits (a limit is superseded by a newer
        # row, never deleted); the auditor reads them.
        role_permissions_extend(
            Role.SYSTEM_ADMIN,
            "startup.view_loanlimits",
            "startup.add_loanlimits",
            "startup.change_loanlimits",
        )
        role_permissions_extend(Role.AUDIT_ADMIN, "startup.view_loanlimits")
