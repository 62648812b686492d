"""The tracking webhook's secret at rest. An HMAC is computed with the raw secret, so it
cannot be kept as a one-way hash (as API keys and portal tokens are); it is encrypted
with Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under a key derived from
SECRET_KEY with HKDF, for this purpose only. A database dump alone does not reveal it;
rotating SECRET_KEY means issuing new webhook secrets."""

from __future__ import annotations

import base64
import secrets as random

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

PURPOSE = b"kolhub.campaigns.tracking-webhook-secret.v1"


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(
        settings.SECRET_KEY.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def secret_new() -> str:
    return random.token_urlsafe(32)


def secret_encrypt(raw: str) -> str:
    return _fernet().encrypt(raw.encode()).decode()


def secret_decrypt(stored: str) -> str | None:
    """The raw secret, or None when it was encrypted under another SECRET_KEY."""
    try:
        return _fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        return None
