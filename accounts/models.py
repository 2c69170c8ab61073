"""Staff accounts: identity, credentials and sessions. Roles live in ``markets``."""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A member of staff (工作人员). Applicants are not users; they are parties to cases."""

    full_name = models.CharField(_("full name"), max_length=64, blank=True)
    password_changed_at = models.DateTimeField(_("password last changed"), null=True, blank=True)
    # Bumped to end every session of the user at once (sign-out everywhere, disabling).
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(
        excluded_fields=["password", "last_login", "session_generation"],
        verbose_name=_("historical user"),
    )

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")
        permissions = [("use_admin_site", _("Can use the administration site"))]
        constraints = [
            # 三员分立: a superuser would hold every administrator right at once. Every right
            # comes from exactly one administrator role instead (see markets.roles).
            models.CheckConstraint(
                condition=models.Q(is_superuser=False),
                name="user_is_never_superuser",
                violation_error_message=_(
                    "Superuser accounts are not allowed: grant one administrator role instead."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    @property
    def password_expired(self) -> bool:
        """Older than PASSWORD_MAX_AGE (a zero age turns periodic change off)."""
        if not settings.PASSWORD_MAX_AGE:
            return False
        changed = self.password_changed_at
        return changed is None or timezone.now() - changed > settings.PASSWORD_MAX_AGE

    # A session carries an HMAC of these values; changing any of them ends the session.
    def _session_hash(self, secret: str | bytes | None = None) -> str:
        return salted_hmac(
            "accounts.User.session_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=secret)


class SavedView(models.Model):
    """A case list's filter saved under a name by one member of staff ("my overdue
    complaints"): seen, opened, renamed and deleted by its owner only.

    The list is named by ``page`` (and, for a market's list, ``market_id``: a plain number,
    as ``accounts`` sits below ``markets``); ``query`` is the filter as the list's address
    carries it, checked by the list's own form when it was saved.
    """

    class Page(models.TextChoices):
        WORKBENCH = "workbench", _("Workbench")
        MARKET = "market", _("Market cases")

    owner = models.ForeignKey(
        User, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="saved_views"
    )
    name = models.CharField(_("name"), max_length=80)
    page = models.CharField(_("list"), max_length=16, choices=Page.choices)
    market_id = models.PositiveBigIntegerField(_("market"), null=True, blank=True)
    query = models.CharField(_("filter"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("saved at"), default=timezone.now)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="saved_view_name_per_owner")
        ]

    def __str__(self) -> str:
        return self.name
