"""The session cookie at the edge: who is signed in, the Origin check on writes, the upstream bearer token.

The cookie is HttpOnly (no script reads it) and SameSite=Lax (another site's form or fetch does not
carry it on a write); every state-changing request that relies on it must also come from this origin.
"""

from urllib.parse import urlsplit

from fastapi import Request, Response

from services.web.accounts.service import SignedIn
from services.web.dependencies import accounts, jwt_secret, web_settings
from shared.auth import issue_token
from shared.errors import ProblemError, forbidden

COOKIE = "kn_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_ANONYMOUS = object()


async def signed_in(request: Request) -> SignedIn | None:
    """The officer of this request's cookie (looked up once per request), or None."""
    cached = getattr(request.state, "signed_in", None)
    if cached is not None:
        return None if cached is _ANONYMOUS else cached
    cookie_value = request.cookies.get(COOKIE)
    user = await accounts(request).current(cookie_value) if cookie_value else None
    request.state.signed_in = user or _ANONYMOUS
    return user


def set_session_cookie(request: Request, response: Response, cookie_value: str, max_age: int) -> None:
    response.set_cookie(COOKIE, cookie_value, max_age=max_age, path="/", httponly=True, samesite="lax",
                        secure=web_settings(request).cookie_secure())


def clear_session_cookie(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax",
                           secure=web_settings(request).cookie_secure())


def _origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def from_this_origin(request: Request) -> bool:
    """The browser's Origin (or, lacking it, Referer) names this site: a write no other site can forge."""
    sent = request.headers.get("origin")
    origin = _origin_of(sent) if sent and sent != "null" else _origin_of(request.headers.get("referer", ""))
    if origin is None:
        return False
    public = web_settings(request).public_origin
    if public:
        return origin == public.rstrip("/").lower()
    # Behind a TLS-terminating proxy the scheme seen here may differ from the browser's: compare the host.
    return urlsplit(origin).netloc == request.headers.get("host", "").lower()


def check_origin(request: Request) -> None:
    if request.method not in SAFE_METHODS and not from_this_origin(request):
        raise forbidden("Yêu cầu thay đổi dữ liệu phải gửi từ chính trang của hệ thống (kiểm tra Origin)")


def upstream_bearer(request: Request, user: SignedIn) -> str:
    """The token the services verify: the provider's for its sessions, else minted now for this account."""
    if user.upstream_token:
        return user.upstream_token
    settings = web_settings(request)
    secret = jwt_secret(request)
    if secret is None:
        raise ProblemError(503, "Hệ thống chưa có khóa ký token cho các dịch vụ (JWT_SECRET_FILE)",
                           type="/problems/unavailable")
    return issue_token(secret, user.username, user.role, user.agency, days=settings.upstream_token_seconds / 86400)


async def require_user(request: Request, *roles: str) -> SignedIn:
    """The signed-in officer, holding one of `roles` when given (401 / 403 problem+json otherwise)."""
    user = await signed_in(request)
    if user is None:
        raise ProblemError(401, "Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn", type="/problems/unauthorized")
    if roles and user.role not in roles:
        raise forbidden("Tài khoản không có quyền dùng chức năng này")
    return user
