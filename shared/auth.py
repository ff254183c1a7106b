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
    """HS256 with the run folder's secret, or RS256 with the provider's JWKS (keys rotate through it).

    Issuer and audience are checked when given (production requires both); the role and the agency
    are read at dotted claim paths, so a provider's own layout (Keycloak: realm_access.roles) works.
    """

    def __init__(self, secret: bytes | None = None, jwks_url: str | None = None,
                 issuer: str | None = None, audience: str | None = None, roles_claim: str = "role",
                 agency_claim: str = "agency", jwks_cache_seconds: float = 300, jwks_cooldown_seconds: float = 30):
        self._secret = secret
        # No per-key cache: it never expires, and a key the provider withdrew must stop working.
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=False, lifespan=jwks_cache_seconds,
                                     cooldown_duration=jwks_cooldown_seconds, timeout=5) if jwks_url else None
        self._issuer = issuer
        self._audience = audience
        self._roles_claim = roles_claim
        self._agency_claim = agency_claim

    @property
    def uses_jwks(self) -> bool:
        return self._jwks is not None

    def verify(self, token: str) -> Principal:
        try:
            claims = self._decode(token)
        except jwt.PyJWTError as exc:
            raise _unauthorized(f"Token không hợp lệ: {exc}") from exc
        role = self._role(claim_at(claims, self._roles_claim))
        agency = claim_at(claims, self._agency_claim)
        if role == "agency" and not (isinstance(agency, str) and agency):
            raise _unauthorized("Token vai trò agency thiếu mã cơ quan (agency)")
        return Principal(sub=str(claims.get("sub", "")), role=role,
                         agency=agency if isinstance(agency, str) and agency else None)

    def _role(self, found) -> str:
        # A provider lists every role of the user (offline_access, ...): exactly one must be one of ours.
        ours = [found] if found in ROLES else [role for role in ROLES if isinstance(found, list) and role in found]
        if len(ours) != 1:
            detail = "nhiều vai trò" if ours else "vai trò hợp lệ"
            raise _unauthorized(f"Token cần đúng một vai trò ({', '.join(ROLES)}) ở '{self._roles_claim}'; "
                                f"token này mang {detail}")
        return ours[0]

    def _decode(self, token: str) -> dict:
        required = ["sub", "exp"] + (["iss"] if self._issuer else []) + (["aud"] if self._audience else [])
        options = {"require": required}
        if self._jwks is not None:
            key = self._jwks.get_signing_key_from_jwt(token).key
            return jwt.decode(token, key, algorithms=["RS256"], issuer=self._issuer,
                              audience=self._audience, options=options)
        return jwt.decode(token, self._secret, algorithms=["HS256"], options=options)


def claim_at(claims: dict, path: str):
    """The claim at a dotted path (realm_access.roles), or None."""
    found = claims
    for part in path.split("."):
        if not isinstance(found, dict):
            return None
        found = found.get(part)
    return found


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
