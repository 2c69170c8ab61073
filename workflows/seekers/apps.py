from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SeekersConfig(AppConfig):
    name = "workflows.seekers"
    label = "seekers"
    verbose_name = _("Job seekers")

    def ready(self) -> None:
        from audit.actions import action_label_register
        from cases.kinds import kind_register

        from .kinds import SEEKER_REGISTRATION

        kind_register(SEEKER_REGISTRATION)
        action_label_register("seeker.registered", _("Job seeker registered"))
        action_label_register("seeker.updated", _("Job-seeker registration updated"))
        action_label_register("seeker.guidance_recorded", _("Guidance recorded for a job seeker"))

        from cases.retention import anonymiser_register, exporter_register

        from .retention import seeker_anonymise, seeker_export

        anonymiser_register(seeker_anonymise)
        exporter_register("seeker_profile", seeker_export)
