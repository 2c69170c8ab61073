from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "workflows.complaints"
    label = "complaints"
    verbose_name = _("Complaints and rights protection")

    def ready(self) -> None:
        from cases.flows import flow_register

        from .flow import FLOW

        # Kind, states, checklist, time limits and audit labels: flow.py.
        flow_register(FLOW)

        from sla.hooks import due_handler_register

        from .reminders import complaint_deadline_reached

        # The acceptance-decision clock is the complaint's own (subject "complaints.complaint").
        due_handler_register(complaint_deadline_reached)

        from cases.retention import anonymiser_register, exporter_register

        from .retention import complaint_anonymise, complaint_export

        anonymiser_register(complaint_anonymise)
        exporter_register("complaints", complaint_export)

        from cases.timeline import timeline_source_register

        from .timeline import COMPLAINTS

        # Its records on the applicant's time line (/applicants/<pk>/).
        timeline_source_register(COMPLAINTS)
