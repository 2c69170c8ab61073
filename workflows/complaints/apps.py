from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "workflows.complaints"
    label = "complaints"
    verbose_name = _("Complaints and rights protection")

    def ready(self) -> None:
        from audit.actions import action_label_register
        from cases.kinds import kind_register
        from sla.hooks import due_handler_register, pausable_states_register

        from .kinds import COMPLAINT, REFERRED_PAUSE_STATE
        from .reminders import complaint_deadline_reached

        kind_register(COMPLAINT)
        # The completion clock stands still while labour inspection has the complaint.
        pausable_states_register(REFERRED_PAUSE_STATE)
        # The acceptance-decision clock is the complaint's own (subject "complaints.complaint").
        due_handler_register(complaint_deadline_reached)

        action_label_register("complaint.filed", _("Complaint filed"))
        action_label_register("complaint.accepted", _("Complaint accepted"))
        action_label_register("complaint.declined", _("Complaint not accepted"))
        action_label_register("complaint.referred", _("Complaint referred to labour inspection"))
        action_label_register(
            "complaint.referral_updated", _("Labour-inspection referral progress recorded")
        )
        action_label_register(
            "complaint.posting_suspended", _("Job posting suspended after a complaint")
        )
        action_label_register("complaint.resolved", _("Complaint resolved"))
        action_label_register(
            "complaint.satisfaction_recorded", _("Complainant's satisfaction recorded")
        )

        from cases.retention import anonymiser_register, exporter_register

        from .retention import complaint_anonymise, complaint_export

        anonymiser_register(complaint_anonymise)
        exporter_register("complaints", complaint_export)
