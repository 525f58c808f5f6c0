"""API tokens: random keys, stored as SHA-256 hashes (the key is high-entropy, so no salt)."""

import hashlib
import secrets

from django.utils import timezone

from blufio.models import ApiToken


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, name: str) -> tuple[ApiToken, str]:
    """A new token and its key; the key is not stored and cannot be shown again."""
    key = "bf_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(name=name, prefix=key[:10], key_hash=_hash(key))
    return token, key


def api_token_check(*, key: str) -> ApiToken | None:
    token = ApiToken.objects.filter(key_hash=_hash(key)).first()
    if token:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token
