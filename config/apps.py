from django.contrib.admin.apps import AdminConfig


class OTPAdminConfig(AdminConfig):
    """The Django admin, but ``admin.site`` is the second-factor protected site.

    Being the project's own app config (``config`` is the top of the house), it also installs
    the project-wide adjustments to Django that no domain app should own."""

    default_site = "accounts.admin_site.OTPAdminSite"

    def ready(self) -> None:
        super().ready()
        from . import lookups, uploads

        lookups.register()  # no server error for an out-of-range id in a ticked box
        uploads.part_header_limit_apply()  # long file names reach the attachment service
