from django.contrib.admin.apps import AdminConfig


class OTPAdminConfig(AdminConfig):
    """The Django admin, but ``admin.site`` is the second-factor protected site."""

    default_site = "accounts.admin_site.OTPAdminSite"
