from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnlineConfig(AppConfig):
    """Online self-service (standard art. 26–27): applicants sign in with a code sent to their
    mobile, register, submit postings and follow their cases, through the same services as the
    counter. The pages are in ``portal/online/``."""

    name = "online"
    label = "online"
    verbose_name = _("Online self-service")

    def ready(self) -> None:
        from audit.actions import action_label_register
        from notifications.channels import address_resolver_register

        from . import events
        from .services import SIGN_IN_SCHEME, sign_in_code_address

        for code, label in events.ACTION_LABELS.items():
            action_label_register(code, label)
        # The sign-in code's text message names the code's row; its mobile is read when sent,
        # so the outbox never holds the number.
        address_resolver_register(SIGN_IN_SCHEME, sign_in_code_address)
