from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "workflows.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns and job fairs")

    def ready(self) -> None:
        from audit.actions import action_label_register

        action_label_register("campaign.created", _("Campaign or job fair created"))
        action_label_register("campaign.employer_added", _("Employer joined a campaign"))
        action_label_register("campaign.posting_linked", _("Posting offered at a campaign"))
        action_label_register("campaign.attendance_recorded", _("Campaign attendance recorded"))
        action_label_register("campaign.outcome_recorded", _("Campaign outcome recorded"))
