"""What each administrator role may do in the administration site (三员分立, 等保 level 3).

- System administrator: the organisation (regions, markets, stations) and staff accounts.
- Security administrator: who holds which role, sign-in lock-outs, second-factor resets.
- Audit administrator: reads the sign-in records and the history of every record; changes nothing.

Officers, team leads and inspectors work in the back office, not in the administration site;
their rights come from their memberships and are checked by the services.
"""

from __future__ import annotations

from .models import Role


def _perms(app: str, actions: str, *models: str) -> set[str]:
    return {f"{app}.{action}_{model}" for action in actions.split() for model in models}


ADMIN_SITE = "accounts.use_admin_site"

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(
        {ADMIN_SITE}
        | _perms("markets", "view add change", "region", "market", "servicestation")
        | _perms("accounts", "view add change", "user")
    ),
    Role.SECURITY_ADMIN: frozenset(
        {ADMIN_SITE}
        | _perms("markets", "view add change delete", "membership")
        | _perms("markets", "view", "region", "market")
        | _perms("accounts", "view", "user")
        | _perms("axes", "view delete", "accessattempt")
        | _perms("axes", "view", "accesslog", "accessfailurelog")
        | _perms("otp_totp", "view delete", "totpdevice")
        | _perms("otp_static", "view delete", "staticdevice")
    ),
    Role.AUDIT_ADMIN: frozenset(
        {ADMIN_SITE}
        | _perms("markets", "view", "region", "market", "servicestation", "membership")
        | _perms("accounts", "view", "user")
        | _perms("axes", "view", "accessattempt", "accesslog", "accessfailurelog")
    ),
}


def role_permissions_extend(role: str, *perms: str) -> None:
    """Add permissions to an administrator role. For the apps above ``markets`` (audit, cases
    …), which call it from their AppConfig.ready(): this module never names their models."""
    ROLE_PERMISSIONS[role] = ROLE_PERMISSIONS[role] | frozenset(perms)
