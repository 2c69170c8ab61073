from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostingsConfig(AppConfig):
    name = "workflows.postings"
    label = "postings"
    verbose_name = _("Job postings")

    def ready(self) -> None:
        from cases.flows import flow_register

        from .flow import FLOW

        # Kind, states, checklist, time limits and audit labels: flow.py.
        flow_register(FLOW)

        from markets.models import Role
        from markets.roles import role_permissions_extend

        # The system administrator keeps the occupation list and the minimum wages (a tier
        # is superseded by a newer one, never deleted); the auditor reads them.
        role_permissions_extend(
            Role.SYSTEM_ADMIN,
            "postings.view_occupation",
            "postings.add_occupation",
            "postings.change_occupation",
            "postings.view_minimumwage",
            "postings.add_minimumwage",
            "postings.change_minimumwage",
        )
        role_permissions_extend(
            Role.AUDIT_ADMIN, "postings.view_occupation", "postings.view_minimumwage"
        )

        from cases.timeline import timeline_source_register

        from .timeline import POSTINGS

        # Its records on the applicant's time line (/applicants/<pk>/).
        timeline_source_register(POSTINGS)
