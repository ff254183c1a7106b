"""Bearer JWT auth: HS256 with a secret in the run folder (embedded), RS256 via JWKS (production)."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Annotated, Literal

import jwt
from fastapi import Depends, Request
from fastapi.security import HTTPBearer
from starlette.concurrency import run_in_threadpool

from shared.errors import ProblemError, forbidden

Role = Literal["secretariat", "agency", "committee", "admin"]
ROLES: tuple[str, ...] = ("secretariat", "agency", "committee", "admin")


@dataclass(frozen=True)
class Principal:
    sub: str
    role: str
    agency: str | None = None


def ensure_secret(path: Path) -> bytes:
    """Read the HS256 secret, creating it on first run (0600, never logged)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        try:
            tmp.rename(path) if not path.exists() else tmp.unlink()
        except FileNotFoundError:
            pass
    return path.read_text().strip().encode()


def issue_token(secret: bytes, sub: str, role: str, agency: str | None = None, days: int = 30) -> str:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if role == "agency" and not agency:
        raise ValueError("role agency needs an agency code")
    now = datetime.now(timezone.utc)
    claims = {"sub": sub, "role": role, "iat": now, "exp": now + timedelta(days=days)}
    if agency:
        claims["agency"] = agency
    return jwt.encode(claims, secret, algorithm="HS256")


class TokenVerifier:
    def __init__(self, secret: bytes | None = None, jwks_url: str | None = None,
                 issuer: str | None = None, audience: str | None = None):
        self._secret = secret
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True) if jwks_url else None
        self._issuer = issuer
        self._audience = audience

    @property
    def uses_jwks(self) -> bool:
        return self._jwks is not None

    def verify(self, token: str) -> Principal:
        try:
            claims = self._decode(token)
        except jwt.PyJWTError as exc:
            raise _unauthorized(f"Token không hợp lệ: {exc}") from exc
        role = claims.get("role")
        if role not in ROLES:
            raise _unauthorized("Token thiếu vai trò (role) hợp lệ")
        if role == "agency" and not claims.get("agency"):
            raise _unauthorized("Token vai trò agency thiếu mã cơ quan (agency)")
        return Principal(sub=str(claims.get("sub", "")), role=role, agency=claims.get("agency"))

    def _decode(self, token: str) -> dict:
        options = {"require": ["sub", "exp"]}
        if self._jwks is not None:
            key = self._jwks.get_signing_key_from_jwt(token).key
            return jwt.decode(token, key, algorithms=["RS256"], issuer=self._issuer,
                              audience=self._audience, options=options)
        return jwt.decode(token, self._secret, algorithms=["HS256"], options=options)


def _unauthorized(detail: str) -> ProblemError:
    return ProblemError(401, detail, type="/problems/unauthorized")


# Declares the scheme in the OpenAPI documents; the header is parsed below, to answer in problem+json.
bearer_scheme = HTTPBearer(auto_error=False, bearerFormat="JWT",
                           description="JWT: sub, role (secretariat | agency | committee | admin), agency")


async def current_principal(request: Request,
                            _declared: Annotated[object, Depends(bearer_scheme)] = None) -> Principal:
    # async: FastAPI runs a plain `def` dependency in a worker thread, a thread hop per dependency per
    # request; only a JWKS lookup (it may fetch the keys over HTTP) is sent to a thread.
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise _unauthorized("Thiếu tiêu đề Authorization: Bearer <token>")
    verifier: TokenVerifier = request.app.state.token_verifier
    if verifier.uses_jwks:
        return await run_in_threadpool(verifier.verify, token.strip())
    return verifier.verify(token.strip())


CurrentUser = Annotated[Principal, Depends(current_principal)]


def require_roles(*roles: str):
    """Dependency factory: the caller must hold one of `roles`."""

    async def _check(user: CurrentUser) -> Principal:
        if user.role not in roles:
            raise forbidden(f"Vai trò {user.role} không được phép; cần: {', '.join(roles)}")
        return user

    return _check
