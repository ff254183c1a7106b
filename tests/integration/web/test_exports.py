"""List pages exported to XLSX by the web service, from the services' JSON with the officer's token."""

import io
from datetime import date

import openpyxl

from services.web.exports import collation_key
from tests.integration.web.conftest import sign_in
from tests.integration.web.test_proxy import _meeting

TEXTS = ["Đề nghị sửa chữa đường liên thôn bị sạt lở", "=HYPERLINK(\"http://x\") nội dung lạ",
         "Ánh sáng đèn đường thôn Tân Lập chưa có"]


async def test_the_petition_list_is_exported_sorted_with_vietnamese_headers_and_dates(web):
    headers = web.headers_for("secretariat")
    meeting = await _meeting(web, headers)
    for text in TEXTS:
        created = await web.post("/api/intake/petitions", headers=headers, json={"meeting_id": meeting["id"], "content": text})
        assert created.status_code == 201, created.text
    assert (await web.get("/xuat/kien-nghi.xlsx")).status_code == 401
    await sign_in(web, "secretariat")
    answer = await web.get("/xuat/kien-nghi.xlsx", params={"sort": "content", "order": "desc"})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-disposition"].startswith('attachment; filename="kien-nghi-')
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    assert sheet["A1"].value == "Danh sách kiến nghị cử tri" and "3 dòng" in sheet["A2"].value
    assert [c.value for c in sheet[4]] == ["STT", "Mã kiến nghị", "Ngày nhập", "Đơn vị hành chính", "Nội dung",
                                           "Trạng thái", "Cơ quan giải quyết"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=5)]
    # Vietnamese order without regard to diacritics: "Đề…" (d) after "Ánh…" (a), a formula never live
    assert [row[4] for row in rows] == [TEXTS[0], TEXTS[2], "'" + TEXTS[1]]
    assert [row[0] for row in rows] == [1, 2, 3]
    assert all(isinstance(row[2], date) for row in rows) and sheet["C5"].number_format == "DD/MM/YYYY"
    filtered = await web.get("/xuat/kien-nghi.xlsx", params={"q": "den duong"})
    assert [row[4].value for row in openpyxl.load_workbook(io.BytesIO(filtered.content)).active.iter_rows(min_row=5)] \
        == [TEXTS[2]]


async def test_an_export_checks_the_role_and_its_sort_key(web):
    await sign_in(web, "agency", "08.SGTVT")
    assert (await web.get("/xuat/kien-nghi.xlsx")).status_code == 403
    await sign_in(web, "committee")
    refused = await web.get("/xuat/kien-nghi.xlsx", params={"sort": "petitioners"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "sort"
    assert (await web.get("/xuat/khong-co.xlsx")).status_code == 404


def test_the_export_sorts_as_the_pages_do():
    words = ["Đường", "Dự án", "Ánh sáng", "an toàn", "KN-2026-10", "KN-2026-9", "Em"]
    assert sorted(words, key=collation_key) == ["an toàn", "Ánh sáng", "Dự án", "Đường", "Em", "KN-2026-9", "KN-2026-10"]
