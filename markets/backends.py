from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from .models import ADMIN_ROLES
from .roles import ROLE_PERMISSIONS


class RoleBackend(ModelBackend):
    """Password sign-in, plus the permissions that come with an administrator role.

    Permissions are derived from the role, never stored: revoking the role revokes them.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        perms = super().get_all_permissions(user_obj, obj)
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return perms
        if not hasattr(user_obj, "_role_perm_cache"):
            roles = user_obj.memberships.filter(role__in=ADMIN_ROLES).values_list("role", flat=True)
            user_obj._role_perm_cache = frozenset().union(
                *(ROLE_PERMISSIONS[role] for role in roles)
            )
        return perms | user_obj._role_perm_cache
