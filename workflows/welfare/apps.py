from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "workflows.welfare"
    label = "welfare"
    verbose_name = _("Public-welfare jobs")

    def ready(self) -> None:
        from audit.actions import action_label_register
        from cases.kinds import kind_register

        from .kinds import WELFARE_APPLICATION

        kind_register(WELFARE_APPLICATION)

        action_label_register("welfare.applied", _("Public-welfare job application taken in"))
        action_label_register("welfare.approved", _("Public-welfare job application approved"))
        action_label_register("welfare.declined", _("Public-welfare job application declined"))
        action_label_register("welfare.placed", _("Placed in a public-welfare job"))
        action_label_register("welfare.placement_ended", _("Public-welfare placement ended"))
