from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StartupConfig(AppConfig):
    name = "workflows.startup"
    label = "startup"
    verbose_name = _("Start-up help")
