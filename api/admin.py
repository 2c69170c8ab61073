"""The OAuth toolkit's own admin pages are taken off the administration site: its records
(applications, tokens, grants) are kept through the API clients (``api_client_create``,
``api.services``), each change audited, and a secret is never shown again."""

from __future__ import annotations

from contextlib import suppress

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from oauth2_provider.models import (
    get_access_token_model,
    get_application_model,
    get_grant_model,
    get_id_token_model,
    get_refresh_token_model,
)

for _model in (
    get_application_model(),
    get_access_token_model(),
    get_grant_model(),
    get_id_token_model(),
    get_refresh_token_model(),
):
    with suppress(NotRegistered):
        admin.site.unregister(_model)
