from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "stats"
    verbose_name = _("Monthly statistics")

    def ready(self) -> None:
        from audit.actions import action_label_register

        action_label_register("stats.published", _("Monthly statistics published"))
        action_label_register("stats.exported", _("Monthly statistics exported"))
