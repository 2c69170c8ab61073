"""OAuth 2.0 for other systems: client credentials only, each client's scopes its own.

``ClientScopes`` (SCOPES_BACKEND_CLASS) offers an application only the scopes of its API
client, so a token never holds more; ``ClientCredentialsValidator`` (OAUTH2_VALIDATOR_CLASS)
refuses every grant but client credentials, and an inactive client. No password grant: staff
never reach the API with their password."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes

from .models import ApiClient

CLIENT_CREDENTIALS = "client_credentials"


def _client_of(application: Any) -> ApiClient | None:
    if application is None:
        return None
    client: ApiClient | None = ApiClient.objects.filter(
        application_id=application.pk, is_active=True
    ).first()
    return client


class ClientScopes(SettingsScopes):
    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        client = _client_of(application)
        if client is None:
            return []
        known = set(super().get_available_scopes(application, request))
        return [scope for scope in client.scopes if scope in known]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        return self.get_available_scopes(application, request)


class ClientCredentialsValidator(OAuth2Validator):
    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        if grant_type != CLIENT_CREDENTIALS or _client_of(client) is None:
            return False
        valid: bool = super().validate_grant_type(
            client_id, grant_type, client, request, *args, **kwargs
        )
        return valid
