from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeekersConfig(AppConfig):
    name = "workflows.seekers"
    label = "seekers"
    verbose_name = _("Job seekers")

    def ready(self) -> None:
        from cases.flows import flow_register

        from .flow import FLOW

        # Kind, states, checklist, time limits and audit labels: flow.py.
        flow_register(FLOW)

        from cases.retention import anonymiser_register, exporter_register

        from .retention import seeker_anonymise, seeker_export

        anonymiser_register(seeker_anonymise)
        exporter_register("seeker_profile", seeker_export)

        from cases.timeline import timeline_source_register

        from .timeline import GUIDANCE_ITEMS

        # Its records on the applicant's time line (/applicants/<pk>/).
        timeline_source_register(GUIDANCE_ITEMS)
