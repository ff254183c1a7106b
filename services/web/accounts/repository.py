"""Queries of the accounts tables (the only module that builds them)."""

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.web.accounts.models import PendingSignIn, User, WebSession


class AccountRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def user_by_key(self, username_key: str) -> User | None:
        return await self.session.scalar(select(User).where(User.username_key == username_key))

    async def user(self, user_id: str) -> User | None:
        return await self.session.get(User, user_id)

    async def users(self) -> list[User]:
        return list(await self.session.scalars(select(User).order_by(User.username_key)))

    def add(self, row) -> None:
        self.session.add(row)

    async def signed_in(self, token_hash: str, now: datetime) -> tuple[WebSession, User] | None:
        row = (await self.session.execute(
            select(WebSession, User).join(User, User.id == WebSession.user_id)
            .where(WebSession.token_hash == token_hash, WebSession.expires_at > now, User.disabled.is_(False))
        )).first()
        return (row[0], row[1]) if row else None

    async def end_session(self, token_hash: str) -> None:
        await self.session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))

    async def end_sessions_of(self, user_id: str) -> None:
        await self.session.execute(delete(WebSession).where(WebSession.user_id == user_id))

    async def forget_expired(self, now: datetime) -> None:
        await self.session.execute(delete(WebSession).where(WebSession.expires_at <= now))
        await self.session.execute(delete(PendingSignIn).where(PendingSignIn.expires_at <= now))

    async def take_pending(self, state: str, now: datetime) -> PendingSignIn | None:
        """The sign-in under way with this state, removed (a state is good once)."""
        pending = await self.session.get(PendingSignIn, state)
        if pending is None:
            return None
        await self.session.delete(pending)
        return pending if pending.expires_at > now else None
