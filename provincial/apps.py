from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProvincialConfig(AppConfig):
    name = "provincial"
    verbose_name = _("Provincial platform link")

    def ready(self) -> None:
        # The outbox's writers: receivers of the postings' and seekers' signals, run inside the
        # transaction of the change they report.
        from . import receivers  # noqa: F401
