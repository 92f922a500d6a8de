"""Encryption of personal data at rest, and keyed hashes to look it up.

Fernet (AES + HMAC, from `cryptography`) with a MultiFernet over DATA_ENCRYPTION_KEY: the first key
encrypts, every key decrypts, so keys can be rotated by putting a new one first and re-encrypting
(`manage.py rotate_data_key`, later). Lookup hashes (an ID number → its client) use HMAC-SHA256
under a key derived from the *last* key in the list, which stays until every hash is recomputed.
"""

from __future__ import annotations

import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured(
            "DATA_ENCRYPTION_KEY is not set: personal data cannot be stored."
        )
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "环境变量 DATA_ENCRYPTION_KEY 的值无效 / DATA_ENCRYPTION_KEY must be Fernet keys "
            "(32 url-safe base64-encoded bytes), comma-separated."
        ) from error


def _keys() -> tuple[str, ...]:
    return tuple(settings.DATA_ENCRYPTION_KEYS)


def encrypt(data: bytes) -> bytes:
    return _fernet(_keys()).encrypt(data)


def decrypt(token: bytes) -> bytes:
    try:
        return _fernet(_keys()).decrypt(token)
    except InvalidToken as error:
        raise ValueError("encrypted data cannot be read with the configured keys") from error


def encrypt_text(text: str) -> str:
    return encrypt(text.encode()).decode("ascii")


def decrypt_text(token: str) -> str:
    return decrypt(token.encode("ascii")).decode()


def lookup_hash(value: str) -> str:
    """A keyed hash of a normalised value: equal inputs give equal hashes, and without the key
    nobody can test a guessed ID number against the database."""
    key = hashlib.sha256(b"lookup-hash:" + _keys()[-1].encode()).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def check_keys() -> None:
    """Fail early (at start-up) when the keys are missing or malformed."""
    _fernet(_keys())
