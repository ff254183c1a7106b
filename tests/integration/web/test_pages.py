"""Every page renders in Vietnamese for an officer who may use it, with nothing fetched from the internet."""

import re
import uuid
from pathlib import Path

import pytest

from services.web.render import MENU
from tests.integration.web.conftest import sign_in

SOME_ID = str(uuid.uuid4())
PAGES = {
    "/": "Trang chủ",
    "/dang-nhap": "Đăng nhập",
    "/ky-hop": "Kỳ họp Hội đồng nhân dân",
    "/buoi-tiep-xuc": "Buổi tiếp xúc cử tri, đường dây nóng",
    "/kien-nghi": "Danh sách kiến nghị cử tri",
    "/kien-nghi/moi": "Nhập kiến nghị cử tri",
    "/kien-nghi/nhap-tep": "Nhập kiến nghị từ tệp CSV/XLSX",
    f"/kien-nghi/{SOME_ID}": "Chi tiết kiến nghị",
    "/phan-loai": "Kiến nghị chờ xác nhận phân loại",
    "/co-quan": "Kiến nghị được giao cho cơ quan",
    "/theo-doi": "Theo dõi giải quyết kiến nghị",
    "/bao-cao": "Báo cáo tháng",
    "/giam-sat": "Giám sát xác suất",
    f"/giam-sat/{SOME_ID}": "Đợt giám sát xác suất",
    "/quan-tri/nguoi-dung": "Quản lý người dùng",
}
# Who may open each page (the others are told they may not); the rest are the administrators'.
VIEWER = {"/phan-loai": ("secretariat", None), "/co-quan": ("agency", "08.SGTVT")}


async def signed_in_for(client, path: str):
    role, agency = VIEWER.get(path, ("admin", None))
    await sign_in(client, role, agency)
    return client


WEB_DIR = Path(__file__).resolve().parents[3] / "services" / "web"


@pytest.mark.parametrize("path,title", PAGES.items())
async def test_page_renders_in_vietnamese(web_alone, path, title):
    page = await (await signed_in_for(web_alone, path)).get(path)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="vi">' in page.text
    assert f"<title>{title} — Kiến nghị cử tri</title>" in page.text
    assert "/static/app.js" in page.text and "/static/app.css" in page.text
    assert not re.search(r'(src|href)="(https?:)?//', page.text), "a page must not load anything from elsewhere"


def test_every_menu_item_is_a_page():
    assert {item.href for item in MENU} <= set(PAGES)


async def test_static_assets_are_served(web_alone):
    script = await web_alone.get("/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    style = await web_alone.get("/static/app.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")


def test_no_asset_comes_from_the_internet():
    for file in [*WEB_DIR.glob("templates/*.html"), *WEB_DIR.glob("static/*")]:
        text = file.read_text(encoding="utf-8")
        assert not re.search(r"(src|href)=\"(https?:)?//|@import|url\(\s*['\"]?https?:", text), file.name
        assert not re.search(r"fetch\(\s*['\"`]https?:", text), file.name


async def test_a_page_needs_a_signed_in_officer_and_says_when_their_role_may_not_see_it(web_alone):
    away = await web_alone.get("/kien-nghi?q=duong")
    assert away.status_code == 303 and away.headers["location"] == "/dang-nhap?next=%2Fkien-nghi%3Fq%3Dduong"
    await sign_in(web_alone, "agency", "08.SGTVT")
    refused = await web_alone.get("/bao-cao")
    assert refused.status_code == 403 and "không được xem trang «Báo cáo tháng»" in refused.text
    assert "Văn phòng, Thường trực HĐND, Quản trị" in refused.text
    menu = (await web_alone.get("/co-quan")).text
    assert 'href="/co-quan"' in menu and 'href="/bao-cao"' not in menu and 'href="/quan-tri/nguoi-dung"' not in menu


async def test_unknown_page_is_a_vietnamese_404_page(web_alone):
    page = await web_alone.get("/khong-co-trang-nay", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "Không tìm thấy trang" in page.text
    bad_id = await web_alone.get("/kien-nghi/khong-phai-ma", headers={"accept": "text/html"})
    assert bad_id.status_code == 404
    api_caller = await web_alone.get("/khong-co-trang-nay", headers={"accept": "application/json"})
    assert api_caller.headers["content-type"] == "application/problem+json"


async def test_entry_page_shows_likely_repeats_while_typing_and_detail_page_can_undo_a_link(web_alone):
    await sign_in(web_alone, "admin")
    entry = (await web_alone.get("/kien-nghi/moi")).text
    assert 'id="draft-similar"' in entry and "intake/petitions:similar" in entry and "Kiến nghị tương tự đã có" in entry
    detail = (await web_alone.get(f"/kien-nghi/{SOME_ID}")).text
    assert "Bỏ liên kết" in detail and 'method: "DELETE"' in detail
    listing = (await web_alone.get("/kien-nghi")).text
    assert "KN.highlight" in listing and "p.matched" in listing
