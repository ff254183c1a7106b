"""What officers and administrators do with accounts: sign in and out, create, change, reset, disable.

Roles and agencies are the services' (shared.auth): the pages mint each upstream call's token from the
account as it is now, so a changed role or a disabled account takes effect on the next request.
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.web.accounts.models import PendingSignIn, User, WebSession
from services.web.accounts.passwords import hash_password, password_matches, weakness
from services.web.accounts.repository import AccountRepository
from shared.auth import ROLES
from shared.errors import ProblemError, conflict, invalid, not_found
from shared.limits import TokenBuckets, too_many
from shared.persistence import utcnow
from shared.text import nfc


@dataclass(frozen=True)
class SignedIn:
    """The officer behind a session cookie."""

    user_id: str
    username: str
    full_name: str
    role: str
    agency: str | None
    expires_at: datetime
    upstream_token: str | None = None


@dataclass(frozen=True)
class NewSession:
    cookie_value: str
    user: SignedIn


def username_key(username: str) -> str:
    return nfc(username).strip().casefold()


def _token_hash(cookie_value: str) -> str:
    return hashlib.sha256(cookie_value.encode()).hexdigest()


def check_role(role: str, agency: str | None) -> None:
    if role not in ROLES:
        raise invalid("role", f"Vai trò không hợp lệ; một trong: {', '.join(ROLES)}")
    if role == "agency" and not agency:
        raise invalid("agency", "Người dùng của cơ quan giải quyết cần mã cơ quan")
    if role != "agency" and agency:
        raise invalid("agency", "Chỉ người dùng của cơ quan giải quyết mới gắn với một cơ quan")


def _refused_password(password: str) -> None:
    reason = weakness(password)
    if reason:
        raise invalid("password", reason)


SIGN_IN_REFUSED = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đã bị khóa"


class AccountService:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], session_hours: float,
                 failures_per_user_per_minute: int, clock: Callable[[], datetime] = utcnow):
        self._session_factory = session_factory
        self._lifetime = timedelta(hours=session_hours)
        self._failures = TokenBuckets(failures_per_user_per_minute) if failures_per_user_per_minute else None
        self._clock = clock

    async def sign_in(self, username: str, password: str) -> NewSession:
        key = username_key(username)
        if self._failures and (retry_after := self._failures.wait(key)):
            raise too_many("auth_failures", retry_after)
        async with self._session_factory() as session:
            repository = AccountRepository(session)
            user = await repository.user_by_key(key)
            matches = await password_matches(user.password_hash if user else None, password)
            if not matches or user.disabled:
                if self._failures:
                    self._failures.take(key)
                raise ProblemError(401, SIGN_IN_REFUSED, title="Không đăng nhập được", type="/problems/sign-in-refused")
            return await self._open_session(session, repository, user, None, self._clock() + self._lifetime)

    async def sign_in_from_provider(self, username: str, full_name: str, role: str, agency: str | None,
                                    access_token: str, token_expires_at: datetime) -> NewSession:
        """An officer the OpenID provider vouched for: their account follows the provider's roles."""
        check_role(role, agency)
        async with self._session_factory() as session:
            repository = AccountRepository(session)
            user = await repository.user_by_key(username_key(username))
            if user is None:
                user = User(username=nfc(username).strip(), username_key=username_key(username), full_name=full_name,
                            role=role, agency=agency, password_hash=None, disabled=False)
                repository.add(user)
            elif user.disabled:
                raise ProblemError(403, "Tài khoản đã bị khóa trên hệ thống này", type="/problems/forbidden")
            user.full_name, user.role, user.agency = full_name, role, agency
            expires_at = min(self._clock() + self._lifetime, token_expires_at)
            return await self._open_session(session, repository, user, access_token, expires_at)

    async def _open_session(self, session: AsyncSession, repository: AccountRepository, user: User,
                            upstream_token: str | None, expires_at: datetime) -> NewSession:
        await repository.forget_expired(self._clock())
        cookie_value = secrets.token_urlsafe(32)
        await session.flush()
        repository.add(WebSession(token_hash=_token_hash(cookie_value), user_id=user.id, expires_at=expires_at,
                                  upstream_token=upstream_token))
        signed_in = _signed_in(user, expires_at, upstream_token)
        await session.commit()
        return NewSession(cookie_value, signed_in)

    async def current(self, cookie_value: str) -> SignedIn | None:
        async with self._session_factory() as session:
            found = await AccountRepository(session).signed_in(_token_hash(cookie_value), self._clock())
        if found is None:
            return None
        web_session, user = found
        return _signed_in(user, web_session.expires_at, web_session.upstream_token)

    async def sign_out(self, cookie_value: str) -> None:
        async with self._session_factory() as session:
            await AccountRepository(session).end_session(_token_hash(cookie_value))
            await session.commit()

    async def users(self) -> list[User]:
        async with self._session_factory() as session:
            return await AccountRepository(session).users()

    async def create_user(self, username: str, full_name: str, role: str, agency: str | None,
                          password: str) -> User:
        check_role(role, agency)
        _refused_password(password)
        async with self._session_factory() as session:
            repository = AccountRepository(session)
            if await repository.user_by_key(username_key(username)):
                raise conflict(f"Tên đăng nhập «{username}» đã có người dùng")
            user = User(username=nfc(username).strip(), username_key=username_key(username), full_name=full_name,
                        role=role, agency=agency, password_hash=await hash_password(password), disabled=False,
                        password_changed_at=self._clock())
            repository.add(user)
            await session.commit()
            return user

    async def change_user(self, user_id: str, changes: dict, by_user_id: str | None = None) -> User:
        """Full name, role, agency, disabled: what `changes` holds. Disabling ends the user's sessions."""
        async with self._session_factory() as session:
            repository = AccountRepository(session)
            user = await self._user(repository, user_id)
            if by_user_id == user_id and (changes.get("disabled") or changes.get("role", "admin") != "admin"):
                raise invalid("role" if "role" in changes else "disabled",
                              "Không tự khóa hay bỏ quyền quản trị của chính mình")
            for name in ("full_name", "role", "agency", "disabled"):
                if name in changes:
                    setattr(user, name, changes[name])
            if user.role != "agency" and "agency" not in changes:
                user.agency = None  # a user moved off an agency role keeps no agency
            check_role(user.role, user.agency)
            if user.disabled:
                await repository.end_sessions_of(user.id)
            await session.commit()
            return user

    async def reset_password(self, user_id: str, password: str) -> User:
        """A new password; every session of the user ends (a stolen one included)."""
        _refused_password(password)
        async with self._session_factory() as session:
            repository = AccountRepository(session)
            user = await self._user(repository, user_id)
            user.password_hash = await hash_password(password)
            user.password_changed_at = self._clock()
            await repository.end_sessions_of(user.id)
            await session.commit()
            return user

    async def begin_provider_sign_in(self, state: str, code_verifier: str, nonce: str, next_path: str) -> None:
        async with self._session_factory() as session:
            AccountRepository(session).add(PendingSignIn(state=state, code_verifier=code_verifier, nonce=nonce,
                                                         next_path=next_path,
                                                         expires_at=self._clock() + timedelta(minutes=10)))
            await session.commit()

    async def take_provider_sign_in(self, state: str) -> PendingSignIn | None:
        async with self._session_factory() as session:
            pending = await AccountRepository(session).take_pending(state, self._clock())
            await session.commit()
            return pending

    @staticmethod
    async def _user(repository: AccountRepository, user_id: str) -> User:
        user = await repository.user(user_id)
        if user is None:
            raise not_found("Người dùng", user_id)
        return user


def _signed_in(user: User, expires_at: datetime, upstream_token: str | None) -> SignedIn:
    return SignedIn(user.id, user.username, user.full_name, user.role, user.agency, expires_at, upstream_token)
