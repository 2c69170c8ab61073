"""The API clients in the administration site, read only. The OAuth toolkit's own admin pages
are taken off it: its records (applications, tokens, grants) are kept through the API clients
(``api_client_create``, ``api.services``), each change audited, and a secret is never shown
again."""

from __future__ import annotations

from contextlib import suppress

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.http import HttpRequest
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)
from simple_history.admin import SimpleHistoryAdmin

from .models import ApiClient

for _model in (
    get_application_model(),
    get_access_token_model(),
    get_grant_model(),
    get_id_token_model(),
    get_refresh_token_model(),
):
    with suppress(NotRegistered):
        admin.site.unregister(_model)


@admin.register(ApiClient)
class ApiClientAdmin(SimpleHistoryAdmin):
    """The API clients, read only: a client is registered with ``api_client_create`` (its
    secret is printed once) and stopped with ``api.services.api_client_deactivate``, each
    audited; nothing here changes one."""

    list_display = ["name", "scopes", "market", "region", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    readonly_fields = ["application", "name", "scopes", "market", "region", "is_active"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiClient | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiClient | None = None) -> bool:
        return False
