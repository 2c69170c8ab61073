from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from audit.actions import action_label_register
        from markets.models import Role
        from markets.roles import role_permissions_extend

        # The system administrator keeps the checklists; the auditor reads them.
        role_permissions_extend(
            Role.SYSTEM_ADMIN,
            "cases.view_checklistitem",
            "cases.add_checklistitem",
            "cases.change_checklistitem",
        )
        role_permissions_extend(Role.AUDIT_ADMIN, "cases.view_checklistitem")

        action_label_register("case.reassigned", _("Case reassigned"))
        action_label_register("case.note_added", _("Note added"))
        action_label_register("case.attachment_added", _("Attachment added"))
        action_label_register("applicant.renamed", _("Applicant's name corrected"))
        action_label_register("applicant.mobile_changed", _("Applicant's mobile changed"))
        action_label_register("applicant.anonymised", _("Personal data anonymised (retention)"))
        action_label_register(
            "applicant.data_exported", _("Personal data exported (subject access)")
        )

        from audit.hooks import admin_alert_handler_register
        from sla.hooks import (
            due_handler_register,
            pausable_states_register,
            staff_notice_handler_register,
        )

        from .models import State
        from .reminders import case_deadline_reached
        from .staff_alerts import audit_alert_deliver, sla_notice_deliver

        pausable_states_register(*State.values)
        due_handler_register(case_deadline_reached)
        # sla and audit may not import notifications (their sibling): they call these hooks.
        staff_notice_handler_register(sla_notice_deliver)
        admin_alert_handler_register(audit_alert_deliver)
