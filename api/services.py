"""State changes of the API's own records: API clients, and the answers kept for
idempotency."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, Application

from accounts.models import User
from markets.models import Market, Region

from . import events
from .models import ApiClient, IdempotencyRecord, Scope


@dataclass(frozen=True)
class ClientCreated:
    client: ApiClient
    secret: str  # shown once, stored only hashed


@transaction.atomic
def api_client_create(
    *,
    name: str,
    scopes: list[str],
    market: Market | None,
    region: Region | None,
    actor: User | None,
) -> ClientCreated:
    """Register another system: its credentials (a confidential client-credentials
    application; the secret is returned once and stored hashed), its scopes, and the one market
    or region it may see."""
    name = name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the client a name.")
    elif ApiClient.objects.filter(name=name).exists():
        errors["name"] = _("A client of this name exists already.")
    unknown = [scope for scope in scopes if scope not in Scope.values]
    if unknown or not scopes:
        errors["scopes"] = _("Choose scopes among: %(scopes)s.") % {
            "scopes": ", ".join(Scope.values)
        }
    if (market is None) == (region is None):
        errors["market"] = _("Give either one market or one region the client may see.")
    if errors:
        raise ValidationError(errors)
    secret = generate_client_secret()
    application = Application.objects.create(
        name=name,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
        client_secret=secret,
        hash_client_secret=True,
    )
    client = ApiClient.objects.create(
        application=application,
        name=name,
        scopes=sorted(set(scopes)),
        market=market,
        region=region,
    )
    events.api_client_created_event(client, actor)
    return ClientCreated(client=client, secret=secret)


@transaction.atomic
def api_client_deactivate(*, client: ApiClient, actor: User | None) -> ApiClient:
    """Stop a client: no new token, and its tokens revoked now."""
    client = ApiClient.objects.select_for_update().get(pk=client.pk)
    if not client.is_active:
        return client
    client.is_active = False
    client.save(update_fields=["is_active"])
    AccessToken.objects.filter(application_id=client.application_id).delete()
    events.api_client_deactivated_event(client, actor)
    return client


# --- Idempotency ------------------------------------------------------------------------------


def request_hash(*, method: str, path: str, body: bytes) -> str:
    digest = hashlib.sha256()
    for part in (method.encode(), b"\0", path.encode(), b"\0", body):
        digest.update(part)
    return digest.hexdigest()


def idempotency_claim(*, caller: str, key: str, hash_: str) -> IdempotencyRecord:
    """Claim ``key`` for ``caller``: a new record without an answer yet. An expired record of
    the same key is replaced. Raises IntegrityError when a current one exists (read it)."""
    now = timezone.now()
    with transaction.atomic():
        IdempotencyRecord.objects.filter(caller=caller, key=key, expires_at__lte=now).delete()
        record: IdempotencyRecord = IdempotencyRecord.objects.create(
            caller=caller,
            key=key,
            request_hash=hash_,
            created_at=now,
            expires_at=now + timedelta(hours=settings.API_IDEMPOTENCY_KEY_HOURS),
        )
    return record


def idempotency_complete(
    *, record: IdempotencyRecord, status: int, body: str, content_type: str, location: str
) -> None:
    """Keep the first answer (a success) for the repeats."""
    record.status = status
    record.body = body
    record.content_type = content_type
    record.location = location
    record.save(update_fields=["status", "body", "content_type", "location"])


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """The request failed and changed nothing: the key may be used again."""
    IdempotencyRecord.objects.filter(pk=record.pk).delete()


def idempotency_prune() -> int:
    """Forget the expired keys (a beat task)."""
    deleted, _by_model = IdempotencyRecord.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
