from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "workflows.training"
    label = "training"
    verbose_name = _("Training referral")

    def ready(self) -> None:
        from audit.actions import action_label_register
        from cases.kinds import kind_register

        from .kinds import TRAINING_REFERRAL

        kind_register(TRAINING_REFERRAL)
        action_label_register("training.provider_saved", _("Training provider saved"))
        action_label_register("training.programme_saved", _("Training programme saved"))
        action_label_register("training.referred", _("Seeker referred to training"))
        action_label_register("training.enrolled", _("Training enrolment recorded"))
        action_label_register("training.completed", _("Training completed"))
        action_label_register("training.dropped", _("Training dropped"))
        action_label_register("training.wish_recorded", _("Training wish recorded"))
        action_label_register("training.report_exported", _("Training report exported"))
