"""Sign-in through the province's OpenID Connect provider: authorization code flow with PKCE (S256).

/dang-nhap/oidc sends the browser to the provider with a one-time state, a nonce and the PKCE
challenge (kept in `pending_sign_ins`, so any replica can finish the sign-in); the callback exchanges
the code with the verifier, checks the ID token (signature by the provider's JWKS, issuer, audience,
nonce, expiry), takes the role from the configured claim (e.g. Keycloak's `realm_access.roles`) and
opens a session that forwards the provider's access token to the services.
"""

import base64
import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

import httpx
import jwt
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from services.web.accounts.router import same_origin_path, signed_in_redirect
from services.web.accounts.sessions import accounts
from services.web.dependencies import now, oidc_provider, web_settings
from services.web.render import render
from services.web.settings import WebSettings
from shared.auth import ROLES, claim_at
from shared.errors import ProblemError

router = APIRouter(include_in_schema=False)
CALLBACK = "/dang-nhap/oidc/callback"


class SignInFailed(Exception):
    """The provider's answer cannot open a session; the message is for the officer."""


def role_from(claims: dict, path: str) -> str | None:
    value = claim_at(claims, path)
    held = {value} if isinstance(value, str) else set(value or [])
    return next((role for role in ROLES if role in held), None)


def _pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


class Provider:
    """The provider's endpoints (from its discovery document, read once) and the calls of the flow."""

    def __init__(self, settings: WebSettings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        self.client = httpx.AsyncClient(transport=transport, timeout=10.0)
        self._metadata: dict | None = None

    async def aclose(self) -> None:
        await self.client.aclose()

    async def metadata(self) -> dict:
        if self._metadata is None:
            url = self.settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration"
            answer = await self.client.get(url)
            answer.raise_for_status()
            self._metadata = answer.json()
        return self._metadata

    async def authorization_url(self, redirect_uri: str, state: str, nonce: str, challenge: str) -> str:
        query = {"response_type": "code", "client_id": self.settings.oidc_client_id, "redirect_uri": redirect_uri,
                 "scope": self.settings.oidc_scopes, "state": state, "nonce": nonce,
                 "code_challenge": challenge, "code_challenge_method": "S256"}
        return (await self.metadata())["authorization_endpoint"] + "?" + urlencode(query)

    async def exchange(self, code: str, verifier: str, redirect_uri: str) -> dict:
        form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                "client_id": self.settings.oidc_client_id, "code_verifier": verifier}
        auth = (self.settings.oidc_client_id, self.settings.oidc_client_secret) if self.settings.oidc_client_secret else None
        answer = await self.client.post((await self.metadata())["token_endpoint"], data=form, auth=auth)
        if answer.status_code != 200:
            raise SignInFailed("Máy chủ đăng nhập của tỉnh không chấp nhận mã đăng nhập; hãy thử lại")
        return answer.json()

    async def verified_claims(self, token: str, nonce: str | None) -> dict:
        metadata = await self.metadata()
        keys = jwt.PyJWKSet.from_dict((await self.client.get(metadata["jwks_uri"])).json())
        header = jwt.get_unverified_header(token)
        key = next((k for k in keys.keys if k.key_id == header.get("kid")), None) or keys.keys[0]
        try:
            claims = jwt.decode(token, key.key, algorithms=["RS256", "ES256"], issuer=metadata["issuer"],
                                audience=self.settings.oidc_client_id if nonce else None,
                                options={"verify_aud": nonce is not None, "require": ["exp", "iss", "sub"]})
        except jwt.PyJWTError as exc:
            raise SignInFailed("Mã xác thực của máy chủ đăng nhập không hợp lệ") from exc
        if nonce is not None and claims.get("nonce") != nonce:
            raise SignInFailed("Mã xác thực không khớp lượt đăng nhập này")
        return claims


def _redirect_uri(request: Request) -> str:
    configured = web_settings(request).oidc_redirect_url
    return configured or str(request.base_url).rstrip("/") + CALLBACK


def _provider(request: Request) -> Provider:
    provider = oidc_provider(request)
    if provider is None:
        raise ProblemError(404, "Hệ thống không dùng máy chủ đăng nhập của tỉnh", type="/problems/not-found")
    return provider


@router.get("/dang-nhap/oidc")
async def begin(request: Request, next: str | None = None):
    provider = _provider(request)
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier, challenge = _pkce_pair()
    await accounts(request).begin_provider_sign_in(state, verifier, nonce, same_origin_path(next) or "")
    return RedirectResponse(await provider.authorization_url(_redirect_uri(request), state, nonce, challenge), 303)


@router.get(CALLBACK)
async def finish(request: Request, state: str = "", code: str = "", error: str = ""):
    provider = _provider(request)
    pending = await accounts(request).take_provider_sign_in(state) if state else None
    try:
        if error or not code:
            raise SignInFailed("Máy chủ đăng nhập của tỉnh đã từ chối hoặc hủy lượt đăng nhập")
        if pending is None:
            raise SignInFailed("Lượt đăng nhập đã hết hạn hoặc đã dùng; hãy đăng nhập lại")
        opened = await _open_session(request, provider, code, pending)
    except (SignInFailed, ProblemError) as failed:
        response = render(request, "login.html", "Đăng nhập", next_path="", oidc=True, user=None,
                          error=str(failed) if isinstance(failed, SignInFailed) else failed.detail)
        response.status_code = 400
        return response
    return signed_in_redirect(request, opened, pending.next_path)


async def _open_session(request: Request, provider: Provider, code: str, pending):
    settings = web_settings(request)
    tokens = await provider.exchange(code, pending.code_verifier, _redirect_uri(request))
    identity = await provider.verified_claims(tokens.get("id_token", ""), pending.nonce)
    access_token = tokens.get("access_token") or ""
    access = await provider.verified_claims(access_token, None) if access_token.count(".") == 2 else {}
    merged = {**access, **identity}
    role = role_from(identity, settings.oidc_roles_claim) or role_from(access, settings.oidc_roles_claim)
    if role is None:
        raise SignInFailed("Tài khoản của tỉnh chưa được cấp vai trò nào trong hệ thống theo dõi kiến nghị")
    agency = claim_at(merged, settings.oidc_agency_claim) if role == "agency" else None
    username = merged.get("preferred_username") or merged["sub"]
    expires_at = now(request) + timedelta(seconds=int(tokens.get("expires_in", 300)))
    return await accounts(request).sign_in_from_provider(username, merged.get("name") or username, role,
                                                         agency, access_token, expires_at)
