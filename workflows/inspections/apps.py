from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionsConfig(AppConfig):
    name = "workflows.inspections"
    label = "inspections"
    verbose_name = _("Facilities and inspections (场所设施与督查)")

    def ready(self) -> None:
        from cases.flows import flow_register

        from .flow import FLOW

        # The facility rectification kind, its time limits and the audit labels: flow.py.
        flow_register(FLOW)
