"""Passwords (argon2), random tokens and their hashes, constant-time comparisons."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

_dummy: dict[int, str] = {}


def _dummy_hash() -> str:
    """A hash to verify against for unknown logins, so they cost as much as a wrong password."""
    key = id(_hasher)
    if key not in _dummy:
        _dummy[key] = _hasher.hash("не-пароль-для-выравнивания-времени")
    return _dummy[key]


LINK_TOKEN_BYTES = 24  # 192 bits, printed as 32 URL-safe characters
API_TOKEN_PREFIX = "plt_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; runs a full argon2 verification even for unknown users."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def link_token() -> str:
    """An unguessable token for a class or teacher link (≥ 128 bits)."""
    return secrets.token_urlsafe(LINK_TOKEN_BYTES)


def api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def session_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """SHA-256 of a high-entropy token; what the DB keeps instead of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def same(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
