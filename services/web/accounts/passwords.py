"""Password hashing with argon2id (argon2-cffi's defaults: 64 MiB, 3 passes), off the event loop."""

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 10
_hasher = PasswordHasher()
# Verified against when the user name is unknown, so an unknown name costs as long as a wrong password.
_UNKNOWN_USER_HASH = _hasher.hash("not-a-password-of-anyone")


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


async def password_matches(stored_hash: str | None, password: str) -> bool:
    def _verify() -> bool:
        try:
            return _hasher.verify(stored_hash or _UNKNOWN_USER_HASH, password) and stored_hash is not None
        except (VerificationError, InvalidHashError):
            return False

    return await asyncio.to_thread(_verify)


def weakness(password: str) -> str | None:
    """Why a new password is refused, in Vietnamese; None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Mật khẩu cần ít nhất {MIN_LENGTH} ký tự"
    if password.strip() != password or not password.strip():
        return "Mật khẩu không được bắt đầu hay kết thúc bằng dấu cách"
    return None
