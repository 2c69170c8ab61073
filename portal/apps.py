from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The public pages of a market (standard art. 8, 26, 27): the information big screen, the
    self-service kiosk and the case-status lookup. No sign-in, and no personal data."""

    name = "portal"
    label = "portal"
    verbose_name = _("Public portal")
