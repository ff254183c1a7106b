"""Sign-in, sign-out and the administrators' accounts API (/auth/users)."""

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from services.web.accounts.models import User
from services.web.accounts.schemas import (
    Me,
    NewUser,
    PasswordReset,
    UserChange,
    UserOut,
)
from services.web.accounts.service import NewSession
from services.web.accounts.sessions import (
    COOKIE,
    accounts,
    check_origin,
    clear_session_cookie,
    require_user,
    set_session_cookie,
    signed_in,
)
from services.web.dependencies import now, web_settings
from services.web.render import render
from shared.errors import ProblemError

router = APIRouter(include_in_schema=False)

LANDING = {"secretariat": "/kien-nghi", "admin": "/kien-nghi", "agency": "/co-quan", "committee": "/bao-cao"}


def same_origin_path(next_path: str | None) -> str | None:
    """`next` when it is a path of this site ("//host", "/\\host" and absolute URLs are not)."""
    if not next_path or not next_path.startswith("/") or next_path.startswith("//") or "\\" in next_path:
        return None
    if any(ord(character) < 32 or ord(character) == 127 for character in next_path):
        return None  # browsers drop tabs and newlines: "/\t/host" would become "//host"
    parts = urlsplit(next_path)
    return next_path if not parts.scheme and not parts.netloc else None


def signed_in_redirect(request: Request, opened: NewSession, next_path: str | None) -> RedirectResponse:
    target = same_origin_path(next_path) or LANDING.get(opened.user.role, "/")
    response = RedirectResponse(target, status_code=303)
    max_age = int((opened.user.expires_at - now(request)).total_seconds())
    set_session_cookie(request, response, opened.cookie_value, max(max_age, 1))
    return response


@router.get("/dang-nhap")
async def sign_in_page(request: Request, next: str | None = None):
    return render(request, "login.html", "Đăng nhập", next_path=same_origin_path(next) or "",
                  oidc=web_settings(request).oidc_enabled, user=await signed_in(request))


@router.post("/dang-nhap")
async def sign_in(request: Request, username: Annotated[str, Form(max_length=100)] = "",
                  password: Annotated[str, Form(max_length=200)] = "", next: Annotated[str, Form()] = ""):
    try:
        check_origin(request)
        opened = await accounts(request).sign_in(username, password)
    except ProblemError as refused:
        response = render(request, "login.html", "Đăng nhập", next_path=same_origin_path(next) or "",
                          oidc=web_settings(request).oidc_enabled, user=None, error=refused.detail,
                          username=username)
        response.status_code = refused.status
        if "retry_after" in refused.extensions:
            response.headers["Retry-After"] = str(refused.extensions["retry_after"])
        return response
    return signed_in_redirect(request, opened, next)


@router.post("/dang-xuat")
async def sign_out(request: Request):
    check_origin(request)
    cookie_value = request.cookies.get(COOKIE)
    if cookie_value:
        await accounts(request).sign_out(cookie_value)
    response = RedirectResponse("/dang-nhap?da-dang-xuat=1", status_code=303)
    clear_session_cookie(request, response)
    return response


@router.get("/auth/me", response_model=Me)
async def me(request: Request) -> Me:
    user = await require_user(request)
    return Me(username=user.username, full_name=user.full_name, role=user.role, agency=user.agency,
              expires_at=user.expires_at)


def _out(user: User) -> UserOut:
    return UserOut(id=user.id, username=user.username, full_name=user.full_name, role=user.role, agency=user.agency,
                   disabled=user.disabled, created_at=user.created_at, password_changed_at=user.password_changed_at,
                   signs_in_with_password=user.password_hash is not None)


@router.get("/auth/users", response_model=list[UserOut])
async def list_users(request: Request) -> list[UserOut]:
    await require_user(request, "admin")
    return [_out(user) for user in await accounts(request).users()]


@router.post("/auth/users", response_model=UserOut, status_code=201)
async def create_user(request: Request, body: NewUser) -> UserOut:
    check_origin(request)
    await require_user(request, "admin")
    return _out(await accounts(request).create_user(body.username, body.full_name, body.role, body.agency,
                                                    body.password))


@router.patch("/auth/users/{user_id}", response_model=UserOut)
async def change_user(request: Request, user_id: str, body: UserChange) -> UserOut:
    check_origin(request)
    admin = await require_user(request, "admin")
    return _out(await accounts(request).change_user(user_id, body.model_dump(exclude_unset=True), admin.user_id))


@router.post("/auth/users/{user_id}/password", response_model=UserOut)
async def reset_password(request: Request, user_id: str, body: PasswordReset) -> UserOut:
    check_origin(request)
    await require_user(request, "admin")
    return _out(await accounts(request).reset_password(user_id, body.password))
