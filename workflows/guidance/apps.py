from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "workflows.guidance"
    label = "guidance"
    verbose_name = _("Guidance and matching")

    def ready(self) -> None:
        from cases.flows import flow_register

        from .flow import FLOW

        # Kind, states, checklist, time limits and audit labels: flow.py.
        flow_register(FLOW)

        from cases.retention import exporter_register

        from .retention import referral_export

        exporter_register("referrals", referral_export)

        from cases.timeline import timeline_source_register

        from .timeline import REFERRALS

        # Its records on the applicant's time line (/applicants/<pk>/).
        timeline_source_register(REFERRALS)
