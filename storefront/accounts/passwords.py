"""Passwords: argon2 hashes (argon2-cffi), and what a new password must be."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from storefront.i18n import N_

MIN_LENGTH = 10
MAX_LENGTH = 256
_COMMON = frozenset(
    {"password", "password1", "password123", "1234567890", "12345678910", "qwertyuiop", "iloveyou12"}
)

_hasher = PasswordHasher()
# Verified against when no account has the email, so an unknown email takes as long as a wrong password.
_UNKNOWN_ACCOUNT_HASH = _hasher.hash("no account has this email")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _UNKNOWN_ACCOUNT_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` may not be used (an ``N_`` msgid to translate where shown), or None."""
    if len(password) < MIN_LENGTH:
        return N_("A password needs at least 10 characters.")
    if len(password) > MAX_LENGTH:
        return N_("A password may have at most 256 characters.")
    if len(set(password)) < 4 or password.lower() in _COMMON:
        return N_("This password is too easy to guess; please choose another.")
    local_part = email.split("@")[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        return N_("A password must not contain the email address.")
    return None
