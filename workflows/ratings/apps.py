from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "workflows.ratings"
    label = "ratings"
    verbose_name = _("Satisfaction ratings (好差评)")

    def ready(self) -> None:
        from cases.flows import flow_register

        from .flow import FLOW

        # The rectification kind, its time limits and the audit labels: flow.py.
        flow_register(FLOW)

        from cases.services.applicant_sms import resolved_sms_link_register

        from .links import rating_link_for_sms

        # The completion text message carries a link to rate the service (links.py).
        resolved_sms_link_register(rating_link_for_sms)
