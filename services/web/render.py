"""Rendering a page: the template, the menu the signed-in officer may use, labels and the CSP nonce."""

from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.templating import Jinja2Templates

from services.web import labels

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@dataclass(frozen=True)
class MenuItem:
    href: str
    label: str
    roles: tuple[str, ...]


SECRETARIAT = ("secretariat", "admin")
COMMITTEE = ("committee", "admin")
READERS = ("secretariat", "committee", "admin")
EVERYONE = ("secretariat", "agency", "committee", "admin")

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
    MenuItem("/quan-tri/nguoi-dung", "Người dùng", ("admin",)),
]


def render(request: Request, template: str, title: str, **context):
    user = getattr(request.state, "signed_in", None)
    user = user if hasattr(user, "role") else None
    menu = [item for item in MENU if user and user.role in item.roles]
    who = {"sub": user.username, "name": user.full_name, "role": user.role, "agency": user.agency} if user else None
    context = {"title": title, "menu": menu, "labels": labels, "script_labels": labels.for_scripts(),
               "path": request.url.path, "csp_nonce": request.state.csp_nonce, "user": user, "who": who,
               **context}
    return templates.TemplateResponse(request, template, context)
