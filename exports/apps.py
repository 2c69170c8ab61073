from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        from audit.actions import action_label_register

        from . import events

        for code, label in events.ACTION_LABELS.items():
            action_label_register(code, label)
