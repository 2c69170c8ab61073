from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartupConfig(AppConfig):
    name = "workflows.startup"
    label = "startup"
    verbose_name = _("Start-up help")

    def ready(self) -> None:
        from audit.actions import action_label_register
        from cases.kinds import kind_register
        from markets.models import Role
        from markets.roles import role_permissions_extend

        from .kinds import STARTUP_HELP

        kind_register(STARTUP_HELP)

        # The system administrator keeps the loan limits (a limit is superseded by a newer
        # row, never deleted); the auditor reads them.
        role_permissions_extend(
            Role.SYSTEM_ADMIN,
            "startup.view_loanlimits",
            "startup.add_loanlimits",
            "startup.change_loanlimits",
        )
        role_permissions_extend(Role.AUDIT_ADMIN, "startup.view_loanlimits")

        action_label_register("startup.opened", _("Start-up help case opened"))
        action_label_register("startup.item_recorded", _("Start-up service recorded"))
        action_label_register("startup.loan_prechecked", _("Start-up loan pre-checked"))
        action_label_register("startup.closed", _("Start-up help case completed"))
