from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostingsConfig(AppConfig):
    name = "workflows.postings"
    label = "postings"
    verbose_name = _("Job postings")

    def ready(self) -> None:
        from audit.actions import action_label_register
        from cases.kinds import kind_register
        from markets.models import Role
        from markets.roles import role_permissions_extend

        from .kinds import POSTING_REVIEW

        kind_register(POSTING_REVIEW)

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

        action_label_register("posting.taken_in", _("Job posting taken in"))
        action_label_register("posting.published", _("Job posting published"))
        action_label_register(
            "posting.returned_for_correction", _("Job posting returned for correction")
        )
        action_label_register("posting.resubmitted", _("Job posting corrected"))
        action_label_register("posting.rejected", _("Job posting rejected"))
        action_label_register("posting.withdrawn", _("Job posting withdrawn"))
        action_label_register("posting.filled", _("Job posting filled"))
        action_label_register("posting.expired", _("Job posting expired"))
