"""Integrating systems: tokens (stored as hashes) and idempotent request bookkeeping."""

import hashlib
import hmac
import json
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sites.models import Organisation

from ..models import IntegrationClient


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def integration_client_create(
    *, name: str, organisations: list[Organisation], may_register_reservations: bool = False
) -> tuple[IntegrationClient, str]:
    """Create a client and return it with its token. The token is shown once and never stored."""
    token = f"ik_{secrets.token_urlsafe(32)}"
    client = IntegrationClient.objects.create(
        name=name,
        token_prefix=token[:8],
        token_hash=token_hash(token),
        may_register_reservations=may_register_reservations,
    )
    client.organisations.set(organisations)
    return client, token


def integration_client_authenticate(*, token: str) -> IntegrationClient | None:
    client = IntegrationClient.objects.filter(token_hash=token_hash(token), is_active=True).first()
    if client is not None:
        IntegrationClient.objects.filter(pk=client.pk).update(last_used_at=timezone.now())
    return client


FINGERPRINT_KEY_PURPOSE = b"integration-request-fingerprint"


def fingerprint_key() -> bytes:
    """The key of request fingerprints, derived from PSEUDONYM_KEY for this purpose alone.

    A fingerprint is then never the pseudonym of the same text: a stored fingerprint of a body
    that is a national identity number cannot be matched against the participants' pseudonyms.
    """
    return hmac.new(
        settings.PSEUDONYM_KEY.encode(), FINGERPRINT_KEY_PURPOSE, hashlib.sha256
    ).digest()


def request_fingerprint(data: object) -> str:
    """Keyed hash of a request body: compares bodies without keeping what is in them."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hmac.new(fingerprint_key(), canonical.encode(), hashlib.sha256).hexdigest()
