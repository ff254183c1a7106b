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
from shared.errors import ProblemError, problem_response

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
               "path": request.url.path, **context}
    return templates.TemplateResponse(request, template, context)


@router.get("/")
async def home(request: Request):
    return _render(request, "home.html", "Trang chủ")


@router.get("/dang-nhap")
async def login(request: Request):
    return _render(request, "login.html", "Đăng nhập")


@router.get("/ky-hop")
async def sessions(request: Request):
    return _render(request, "sessions.html", "Kỳ họp Hội đồng nhân dân")


@router.get("/buoi-tiep-xuc")
async def meetings(request: Request):
    return _render(request, "meetings.html", "Buổi tiếp xúc cử tri, đường dây nóng")


@router.get("/kien-nghi")
async def petitions(request: Request):
    return _render(request, "petitions.html", "Danh sách kiến nghị cử tri")


@router.get("/kien-nghi/moi")
async def petition_new(request: Request):
    return _render(request, "petition_new.html", "Nhập kiến nghị cử tri")


@router.get("/kien-nghi/nhap-tep")
async def petition_import(request: Request):
    return _render(request, "petition_import.html", "Nhập kiến nghị từ tệp CSV/XLSX")


@router.get("/kien-nghi/{petition_id}")
async def petition_detail(request: Request, petition_id: str):
    return _render(request, "petition_detail.html", "Chi tiết kiến nghị", petition_id=_uuid(petition_id))


@router.get("/phan-loai")
async def review_queue(request: Request):
    return _render(request, "review.html", "Kiến nghị chờ xác nhận phân loại")


@router.get("/co-quan")
async def agency_petitions(request: Request):
    return _render(request, "agency.html", "Kiến nghị được giao cho cơ quan", agency_view=True)


@router.get("/theo-doi")
async def follow_up(request: Request):
    return _render(request, "agency.html", "Theo dõi giải quyết kiến nghị", agency_view=False)


@router.get("/bao-cao")
async def monthly_report(request: Request):
    return _render(request, "report.html", "Báo cáo tháng")


@router.get("/giam-sat")
async def spot_checks(request: Request):
    return _render(request, "spot_checks.html", "Giám sát xác suất")


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
        return problem_response(ProblemError(exc.status_code, str(exc.detail)), headers=getattr(exc, "headers", None))
