from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "workflows.welfare"
    label = "welfare"
    verbose_name = _("Public-welfare jobs")

    def ready(self) -> None:
        from cases.flows import flow_register

        from .flow import FLOW

        # Kind, states, checklist, time limits and audit labels: flow.py.
        flow_register(FLOW)

        from cases.timeline import timeline_source_register

        from .timeline import PLACEMENTS

        # Its records on the applicant's time line (/applicants/<pk>/).
        timeline_source_register(PLACEMENTS)
