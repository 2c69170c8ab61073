from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from audit.actions import action_label_register
        from markets.models import Role
        from markets.roles import role_permissions_extend

        from . import events

        for code, label in events.ACTION_LABELS.items():
            action_label_register(code, label)

        # API clients are registered with api_client_create (the secret is shown once); the
        # system administrator and the auditor read them in the administration site.
        role_permissions_extend(Role.SYSTEM_ADMIN, "api.view_apiclient")
        role_permissions_extend(Role.AUDIT_ADMIN, "api.view_apiclient")
