"""The pages: each is a template whose script loads its data through the proxy (/api/...).

A page needs a signed-in officer (else the sign-in page, then back) whose role may use it (else a page
that says so, 403); the menu shows only what the officer's role may use.
"""

import uuid
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.web import labels
from services.web.accounts.sessions import signed_in
from services.web.render import EVERYONE, MENU, READERS, SECRETARIAT, render
from shared.errors import http_problem, problem_response

router = APIRouter(include_in_schema=False)
ROLES_OF = {item.href: item.roles for item in MENU}


def _uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise StarletteHTTPException(404, "Đường dẫn không trỏ tới kiến nghị hay đợt giám sát nào") from None


async def _page(request: Request, roles: tuple[str, ...], template: str, title: str, **context):
    user = await signed_in(request)
    if user is None:
        wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/dang-nhap?next={quote(wanted, safe='')}", status_code=303)
    if user.role not in roles:
        allowed = ", ".join(labels.ROLE[role] for role in roles)
        response = render(request, "forbidden.html", "Không có quyền xem trang này", allowed=allowed, wanted=title)
        response.status_code = 403
        return response
    return render(request, template, title, **context)


# Pages without a path parameter: (path, roles, template, title, extra context).
PAGES = [
    ("/", EVERYONE, "home.html", "Trang chủ", {}),
    ("/ky-hop", SECRETARIAT, "sessions.html", "Kỳ họp Hội đồng nhân dân", {}),
    ("/buoi-tiep-xuc", SECRETARIAT, "meetings.html", "Buổi tiếp xúc cử tri, đường dây nóng", {}),
    ("/kien-nghi", READERS, "petitions.html", "Danh sách kiến nghị cử tri", {}),
    ("/kien-nghi/moi", SECRETARIAT, "petition_new.html", "Nhập kiến nghị cử tri", {}),
    ("/kien-nghi/nhap-tep", SECRETARIAT, "petition_import.html", "Nhập kiến nghị từ tệp CSV/XLSX", {}),
    ("/phan-loai", ROLES_OF["/phan-loai"], "review.html", "Kiến nghị chờ xác nhận phân loại", {}),
    ("/co-quan", ("agency",), "agency.html", "Kiến nghị được giao cho cơ quan", {"agency_view": True}),
    ("/theo-doi", READERS, "agency.html", "Theo dõi giải quyết kiến nghị", {"agency_view": False}),
    ("/bao-cao", READERS, "report.html", "Báo cáo tháng", {}),
    ("/giam-sat", ROLES_OF["/giam-sat"], "spot_checks.html", "Giám sát xác suất", {}),
    ("/quan-tri/nguoi-dung", ("admin",), "users.html", "Quản lý người dùng", {}),
]


def _endpoint(roles: tuple[str, ...], template: str, title: str, context: dict):
    async def endpoint(request: Request):
        return await _page(request, roles, template, title, **context)

    return endpoint


for _path, _roles, _template, _title, _context in PAGES:
    router.add_api_route(_path, _endpoint(_roles, _template, _title, _context), methods=["GET"])


@router.get("/kien-nghi/{petition_id}")
async def petition_detail(request: Request, petition_id: str):
    return await _page(request, EVERYONE, "petition_detail.html", "Chi tiết kiến nghị", petition_id=_uuid(petition_id))


@router.get("/giam-sat/{spot_check_id}")
async def spot_check(request: Request, spot_check_id: str):
    return await _page(request, READERS, "spot_check.html", "Đợt giám sát xác suất",
                       spot_check_id=_uuid(spot_check_id))


def _wants_page(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/static/", "/auth/")) or path in ("/healthz", "/readyz", "/metrics"):
        return False
    return "text/html" in request.headers.get("accept", "")


def install_not_found_page(app: FastAPI) -> None:
    """A browser asking for a page that does not exist gets a page, an API caller problem+json."""

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404 and _wants_page(request):
            await signed_in(request)
            response = render(request, "not_found.html", "Không tìm thấy trang")
            response.status_code = 404
            return response
        return problem_response(http_problem(exc), headers=getattr(exc, "headers", None))
