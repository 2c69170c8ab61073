from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticeboardConfig(AppConfig):
    name = "noticeboard"
    label = "noticeboard"
    verbose_name = _("Notice board and staff training")

    def ready(self) -> None:
        from audit.actions import action_label_register

        action_label_register("policy_article.published", _("Policy article published"))
        action_label_register("policy_article.changed", _("Policy article changed"))
        action_label_register("policy_article.archived", _("Policy article archived"))
        action_label_register("notice_block.set", _("Notice board text changed"))
        action_label_register("case.policy_cited", _("Policy article cited on a case"))
        action_label_register("staff_training.recorded", _("Staff training recorded"))
