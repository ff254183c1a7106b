"""The pages: each is a template whose script loads its data through the proxy with the officer's token.

The server never sees the token (it stays in the browser's sessionStorage), so every page renders the
same for everyone; the menu shows what the officer's role may use.
"""

import uuid
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, FastAPI, Request
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.web import labels
from shared.errors import http_problem, problem_response

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class MenuItem:
    href: str
    label: str
    roles: tuple[str, ...]


SECRETARIAT = ("secretariat", "admin")
COMMITTEE = ("committee", "admin")
READERS = ("secretariat", "committee", "admin")

MENU = [
    MenuItem("/kien-nghi", "Danh sách kiến nghị", READERS),
    MenuItem("/kien-nghi/moi", "Nhập kiến nghị", SECRETARIAT),
    MenuItem("/kien-nghi/nhap-tep", "Nhập từ tệp", SECRETARIAT),
    MenuItem("/phan-loai", "Chờ xác nhận phân loại", ("secretariat",)),  # routing lets only the secretariat decide
    MenuItem("/ky-hop", "Kỳ họp", SECRETARIAT),
    MenuItem("/buoi-tiep-xuc", "Buổi tiếp xúc", SECRETARIAT),
    MenuItem("/co-quan", "Kiến nghị được giao", ("agency",)),
    MenuItem("/theo-doi", "Theo dõi giải quyết", READERS),
    MenuItem("/bao-cao", "Báo cáo tháng", READERS),
    MenuItem("/giam-sat", "Giám sát xác suất", ("committee", "admin", "secretariat")),
]


def _uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise StarletteHTTPException(404, f"Mã {text} không hợp lệ") from None


def _render(request: Request, template: str, title: str, **context):
    context = {"title": title, "menu": MENU, "labels": labels, "script_labels": labels.for_scripts(),
               "path": request.url.path, "csp_nonce": request.state.csp_nonce, **context}
    return templates.TemplateResponse(request, template, context)


# Pages without a path parameter: (path, template, title, extra context).
PAGES = [
    ("/", "home.html", "Trang chủ", {}),
    ("/dang-nhap", "login.html", "Đăng nhập", {}),
    ("/ky-hop", "sessions.html", "Kỳ họp Hội đồng nhân dân", {}),
    ("/buoi-tiep-xuc", "meetings.html", "Buổi tiếp xúc cử tri, đường dây nóng", {}),
    ("/kien-nghi", "petitions.html", "Danh sách kiến nghị cử tri", {}),
    ("/kien-nghi/moi", "petition_new.html", "Nhập kiến nghị cử tri", {}),
    ("/kien-nghi/nhap-tep", "petition_import.html", "Nhập kiến nghị từ tệp CSV/XLSX", {}),
    ("/phan-loai", "review.html", "Kiến nghị chờ xác nhận phân loại", {}),
    ("/co-quan", "agency.html", "Kiến nghị được giao cho cơ quan", {"agency_view": True}),
    ("/theo-doi", "agency.html", "Theo dõi giải quyết kiến nghị", {"agency_view": False}),
    ("/bao-cao", "report.html", "Báo cáo tháng", {}),
    ("/giam-sat", "spot_checks.html", "Giám sát xác suất", {}),
]


def _page(template: str, title: str, context: dict):
    async def endpoint(request: Request):
        return _render(request, template, title, **context)

    return endpoint


for _path, _template, _title, _context in PAGES:
    router.add_api_route(_path, _page(_template, _title, _context), methods=["GET"])


@router.get("/kien-nghi/{petition_id}")
async def petition_detail(request: Request, petition_id: str):
    return _render(request, "petition_detail.html", "Chi tiết kiến nghị", petition_id=_uuid(petition_id))


@router.get("/giam-sat/{spot_check_id}")
async def spot_check(request: Request, spot_check_id: str):
    return _render(request, "spot_check.html", "Đợt giám sát xác suất", spot_check_id=_uuid(spot_check_id))


def _wants_page(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/static/")) or path in ("/healthz", "/readyz", "/metrics"):
        return False
    return "text/html" in request.headers.get("accept", "")


def install_not_found_page(app: FastAPI) -> None:
    """A browser asking for a page that does not exist gets a page, an API caller problem+json."""

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 404 and _wants_page(request):
            response = _render(request, "not_found.html", "Không tìm thấy trang")
            response.status_code = 404
            return response
        return problem_response(http_problem(exc), headers=getattr(exc, "headers", None))
