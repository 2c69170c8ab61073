from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and sign-in")

    def ready(self) -> None:
        from config import lookups, uploads

        lookups.register()  # no server error for an out-of-range id in a ticked box
        uploads.part_header_limit_apply()  # long file names reach the attachment service
