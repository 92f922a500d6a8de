"""Encryption of personal data at rest, and keyed hashes to look it up.

Fernet (AES + HMAC, from `cryptography`) with a MultiFernet over DATA_ENCRYPTION_KEY: the first key
encrypts, every key decrypts, so keys rotate without downtime: put a new key first, restart, run
`manage.py rotate_data_key` (everything re-encrypted under it, lookup hashes recomputed), then
drop the old key. Lookup hashes (an ID number → its client) are HMAC-SHA256 under a key derived
from the first key; a look-up matches the hash under any configured key (`lookup_hashes`), so
rows not yet rotated are found too.
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


def _hash_under(key: str, value: str) -> str:
    derived = hashlib.sha256(b"lookup-hash:" + key.encode()).digest()
    return hmac.new(derived, value.strip().upper().encode(), hashlib.sha256).hexdigest()


def lookup_hash(value: str) -> str:
    """A keyed hash of a normalised value, to store: equal inputs give equal hashes, and without
    the key nobody can test a guessed ID number against the database."""
    return _hash_under(_keys()[0], value)


def lookup_hashes(value: str) -> list[str]:
    """The value's hash under every configured key, the current one first: what a look-up
    matches while keys rotate."""
    return [_hash_under(key, value) for key in _keys()]


def rotate(token: bytes) -> bytes:
    """The same plaintext encrypted under the current (first) key."""
    try:
        return _fernet(_keys()).rotate(token)
    except InvalidToken as error:
        raise ValueError("encrypted data cannot be read with the configured keys") from error


def is_current(token: bytes) -> bool:
    """Whether the token was made with the current key (Fernet tokens say nothing of their key:
    this tries the first key alone)."""
    try:
        Fernet(_keys()[0].encode()).decrypt(token)
    except InvalidToken:
        return False
    return True


def check_keys() -> None:
    """Fail early (at start-up) when the keys are missing or malformed."""
    _fernet(_keys())
