from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "workflows.guidance"
    label = "guidance"
    verbose_name = _("Guidance and matching")

    def ready(self) -> None:
        from audit.actions import action_label_register
        from cases.kinds import kind_register

        from .kinds import CAREER_GUIDANCE

        kind_register(CAREER_GUIDANCE)
        # The referral events (written since matching landed) had no label yet.
        action_label_register("guidance.referred", _("Posting recommended to a job seeker"))
        action_label_register("guidance.referral_outcome", _("Outcome of a referral recorded"))
        action_label_register("guidance.opened", _("Career guidance opened"))
        action_label_register("guidance.session_recorded", _("Career-guidance session recorded"))
        action_label_register("guidance.case_referral", _("Posting recommended in career guidance"))
        action_label_register("guidance.closed", _("Career guidance closed"))
        action_label_register("guidance.room_booked", _("Room booked"))
        action_label_register("guidance.room_booking_cancelled", _("Room booking cancelled"))

        from cases.retention import exporter_register

        from .retention import referral_export

        exporter_register("referrals", referral_export)
