from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    """The search box's domain side (see search/selectors.py)."""

    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from audit.actions import action_label_register
        from cases.models import Applicant, Case
        from cases.signals import records_bulk_created

        from . import signals

        post_save.connect(signals.applicant_saved, sender=Applicant, dispatch_uid="search.a+")
        post_delete.connect(signals.applicant_deleted, sender=Applicant, dispatch_uid="search.a-")
        post_save.connect(signals.case_saved, sender=Case, dispatch_uid="search.c+")
        post_delete.connect(signals.case_deleted, sender=Case, dispatch_uid="search.c-")
        records_bulk_created.connect(signals.bulk_created, dispatch_uid="search.bulk+")
        action_label_register("personal_data.searched", _("Searched by ID number or mobile"))
