from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    # No administrator role reads the outbox yet: when one should (the system administrator,
    # to see why a text message did not arrive), grant "notifications.view_outboxmessage" here
    # with markets.roles.role_permissions_extend, as audit.apps does for the event log.

    def ready(self) -> None:
        from . import receivers

        receivers.connect()
