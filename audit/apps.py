from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Its messages in the notifications registry, so the bell can render them.
        from axes.signals import user_locked_out
        from django.apps import apps
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
        from django.core.checks import register
        from simple_history.signals import post_create_historical_record

        from accounts.admin_site import admin_change_handler_register
        from markets.hooks import absence_change_handler_register
        from markets.models import Role
        from markets.roles import role_permissions_extend

        from . import events, receivers
        from .checks import audit_settings_check

        register(audit_settings_check)

        # The audit and security administrators read the trail; nobody may change it.
        role_permissions_extend(Role.AUDIT_ADMIN, "audit.view_auditevent")
        role_permissions_extend(Role.SECURITY_ADMIN, "audit.view_auditevent")

        # Every change made in the administration site goes on the trail.
        admin_change_handler_register(events.admin_change_event)
        # Every change of an absence (AB岗) goes on the trail, in its own transaction.
        absence_change_handler_register(events.absence_changed_event)

        user_logged_in.connect(receivers.on_user_logged_in, dispatch_uid="audit.signed_in")
        user_logged_out.connect(receivers.on_user_logged_out, dispatch_uid="audit.signed_out")
        user_login_failed.connect(
            receivers.on_user_login_failed, dispatch_uid="audit.sign_in_failed"
        )
        user_locked_out.connect(receivers.on_user_locked_out, dispatch_uid="audit.locked_out")
        post_create_historical_record.connect(
            receivers.on_membership_history,
            sender=apps.get_model("markets", "HistoricalMembership"),
            dispatch_uid="audit.membership_history",
        )
