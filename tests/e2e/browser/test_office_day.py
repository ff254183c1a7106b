"""An office's day in Chromium, against the running system: sign-in and out, entering a petition and
seeing its routing, an import with a refused row, the review queue, an agency's four kinds of update
(one refused), a spot-check whose failed verdict reopens a petition, the monthly report's downloads, a
word search with its matches marked, likely repeats shown while a petition is typed and one linked."""

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from tests.e2e.browser.system import eventually

CONTENT = {
    "road": "Cử tri thôn Tân Lập, xã Tân Trào đề nghị sửa chữa đường giao thông liên thôn Tân Lập - Mỏ Ché bị sạt lở sau mưa lũ.",
    "school": "Cử tri thôn Nặm Chá đề nghị xây dựng lớp học cho điểm trường tiểu học thôn, hiện các cháu học trong phòng tạm.",
    "clinic": "Cử tri xã Trung Hà đề nghị sớm sửa chữa trạm y tế xã đã xuống cấp, mái dột, thiếu trang thiết bị khám chữa bệnh.",
}


@pytest.fixture(scope="module")
def meeting(system):
    with system.client("intake", "secretariat") as intake:
        session = intake.post("/sessions", json={"name": "Kỳ họp thứ 22", "term": "2021-2026", "starts_on": "2026-12-10"})
        assert session.status_code == 201, session.text
        created = intake.post("/meetings", json={"session_id": session.json()["id"], "held_on": "2026-11-20",
                                                 "kind": "voter_meeting", "unit_code": "02545",
                                                 "delegates": ["Nguyễn Văn Đại biểu"]})
        assert created.status_code == 201, created.text
        return created.json()


def council_today() -> date:
    """Today where the council works (the services' local_timezone, the browser's timezone_id): from
    17:00 UTC it is already the next day in Viet Nam, and a period of the machine's today misses it."""
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def enter(system, meeting, content: str) -> dict:
    with system.client("intake", "secretariat") as intake:
        created = intake.post("/petitions", json={"meeting_id": meeting["id"], "content": content})
        assert created.status_code == 201, created.text
        return created.json()


def routing_of(system, petition_id: str) -> dict:
    with system.client("routing", "secretariat") as routing:
        return eventually(lambda: (answer := routing.get(f"/routings/{petition_id}")).status_code == 200 and answer.json(),
                          what="routing's proposal")


def status_of(system, petition_id: str) -> dict:
    with system.client("monitoring", "committee") as monitoring:
        answer = monitoring.get(f"/petitions/{petition_id}/status")
        return answer.json() if answer.status_code == 200 else {}


def assigned(system, meeting, content: str, agency: str = "08.SGTVT") -> dict:
    """A petition entered, routed and assigned to `agency` by the secretariat, as monitoring sees it."""
    petition = enter(system, meeting, content)
    routing_of(system, petition["id"])
    with system.client("routing", "secretariat") as routing:
        answer = routing.post(f"/routings/{petition['id']}/assignment",
                              json={"level": "province", "agency_code": agency, "reason": "Thuộc thẩm quyền của sở"})
        assert answer.status_code == 200, answer.text
    eventually(lambda: status_of(system, petition["id"]).get("agency_code") == agency, what="the assignment")
    return petition


def test_sign_in_and_sign_out(officer):
    page = officer.go("/kien-nghi")
    assert "/dang-nhap" in page.url
    officer.look("trang-dang-nhap")
    officer.expect_refusal(401)
    officer.sign_in("vp.lan", "mat-khau-sai-roi", next_path="/kien-nghi")
    assert "không đúng" in page.inner_text("#sign-in-error")
    officer.look("dang-nhap-sai")
    officer.sign_in("vp.lan", next_path="/kien-nghi")
    assert page.url.endswith("/kien-nghi")
    assert "Nguyễn Thị Lan · Văn phòng" in page.inner_text("#who-text")
    page.wait_for_selector("#results table, #results .empty")
    officer.look("danh-sach")
    second_tab = page.context.new_page()  # the session survives a new tab
    second_tab.goto(officer.system.web + "/ky-hop")
    assert second_tab.url.endswith("/ky-hop")
    second_tab.close()
    page.click("#sign-out")
    page.wait_for_selector("#signed-out")
    officer.look("da-dang-xuat")
    officer.go("/kien-nghi")
    assert "/dang-nhap" in page.url


def test_secretariat_enters_a_petition_and_sees_its_routing(officer, meeting):
    officer.sign_in("vp.lan")
    page = officer.go("/kien-nghi/moi")
    page.wait_for_selector(f"#meeting_id option[value='{meeting['id']}']", state="attached")
    page.select_option("#meeting_id", meeting["id"])
    page.fill("#content", CONTENT["road"])
    page.click("#add-petitioner")
    page.fill("[data-field='petitioners.0.name']", "Hoàng Văn Cử")
    page.fill("[data-field='petitioners.0.phone']", "0912 345 678")
    page.click("#petition-form button[type=submit]")
    page.wait_for_selector("#form-msg.ok")
    officer.look("da-luu-kien-nghi")
    code = page.inner_text("#form-msg strong").split()[-1].rstrip(".")
    page.click("#form-msg a")
    page.wait_for_url("**/kien-nghi/*")
    petition_id = page.url.rsplit("/", 1)[1]
    routing_of(officer.system, petition_id)
    page.reload()
    page.wait_for_selector("#routing dl")
    assert code in page.inner_text("h1")
    assert "Chờ Văn phòng xác nhận" in page.inner_text("#routing")
    officer.look("chi-tiet-phan-loai")


def test_a_correction_and_a_withdrawal_keep_history(officer, meeting):
    petition = enter(officer.system, meeting, "Cử tri thôn Khuổi Phầy đề nghị sửa chữa cầu treo qua suối bị hư hỏng, "
                                              "đi lại nguy hiểm cho học sinh.")
    routing_of(officer.system, petition["id"])
    officer.sign_in("vp.lan")
    page = officer.go(f"/kien-nghi/{petition['id']}")
    page.wait_for_selector("#correct-form", state="visible")
    page.wait_for_selector("#changes .empty >> text=Chưa đính chính lần nào")
    page.fill("#c-voters", "25")
    page.fill("#c-reason", "Ghi nhầm số cử tri dự buổi tiếp xúc")
    page.click("#correct-form button[type=submit]")
    page.wait_for_selector("#correct-msg >> text=Đã lưu đính chính")
    page.wait_for_selector("#changes ol.timeline")
    history = page.inner_text("#changes")
    assert "Đính chính" in history and "Ghi nhầm số cử tri dự buổi tiếp xúc" in history and "vp.lan" in history
    officer.look("dinh-chinh")
    with officer.system.client("intake", "secretariat") as intake:
        assert intake.get(f"/petitions/{petition['id']}").json()["voters_count"] == 25
    page.fill("#w-reason", "Cử tri đã rút kiến nghị tại buổi tiếp xúc sau")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#withdraw-form button[type=submit]")
    page.wait_for_selector("#withdrawn-note >> text=Kiến nghị đã rút ngày")
    assert page.locator("#correct-form").is_hidden()  # a withdrawn petition is kept, no longer corrected
    eventually(lambda: status_of(officer.system, petition["id"]).get("status") == "withdrawn",
               what="monitoring following the withdrawal")
    officer.look("da-rut")


def test_import_with_a_refused_row(officer, meeting, tmp_path):
    officer.sign_in("vp.lan")
    page = officer.go("/kien-nghi/nhap-tep")
    page.wait_for_selector(f"#meeting_id option[value='{meeting['id']}']", state="attached")
    upload = tmp_path / "kien-nghi.csv"
    upload.write_text("content,voters_count\n"
                      f"\"{CONTENT['school']}\",12\n"
                      "Ngắn quá,3\n"
                      f"\"{CONTENT['clinic']}\",40\n", encoding="utf-8")
    page.select_option("#meeting_id", meeting["id"])
    page.set_input_files("#file", str(upload))
    officer.expect_refusal(422)
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#report h2")
    assert "Không dòng nào được lưu" in page.inner_text("#report")
    assert "Dòng được nhận" in page.inner_text("#report") and "Dòng bị từ chối (1)" in page.inner_text("#report")
    officer.look("nhap-tep-co-dong-loi")
    page.check("#partial")
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#report h3 >> text=Dòng được nhận (2)")
    assert "Các dòng được nhận đã được lưu" in page.inner_text("#report")
    officer.look("nhap-tep-nhan-dong-hop-le")


def test_an_import_of_rows_already_imported_warns_before_writing(officer, meeting, tmp_path):
    officer.sign_in("vp.lan")
    upload = tmp_path / "da-nhap.csv"
    upload.write_text("content,voters_count\n\"Cử tri thôn Bản Mạ đề nghị kéo điện lưới quốc gia về các hộ "
                      "dân cuối thôn còn chưa có điện.\",30\n", encoding="utf-8")

    def send(file):
        page = officer.go("/kien-nghi/nhap-tep")
        page.wait_for_selector(f"#meeting_id option[value='{meeting['id']}']", state="attached")
        page.select_option("#meeting_id", meeting["id"])
        page.set_input_files("#file", str(file))
        page.click("#import-form button[type=submit]")
        return page

    page = send(upload)
    page.wait_for_selector("#form-msg >> text=Đã nhập 1 kiến nghị")
    page = send(upload)
    page.wait_for_selector("#duplicates >> text=Có dòng đã được nhập trước đó")
    assert "Tệp này đã được nhập" in page.inner_text("#duplicates")
    officer.look("canh-bao-trung")
    page.click("#duplicates button >> text=Bỏ qua các dòng trùng")
    page.wait_for_selector("#form-msg >> text=Đã nhập 0 kiến nghị")
    with officer.system.client("intake", "secretariat") as intake:
        found = intake.get("/petitions", params={"q": "Bản Mạ điện lưới", "meeting_id": meeting["id"]}).json()
    assert len(found["items"]) == 1  # skipped, not written twice


def test_review_queue(officer, meeting):
    petition = enter(officer.system, meeting, CONTENT["school"] + " Đề nghị sớm đầu tư.")
    routing_of(officer.system, petition["id"])
    officer.sign_in("vp.lan")
    page = officer.go("/phan-loai")
    card = page.locator(".card", has=page.locator(f"h3 a:text-is('{petition['code']}')"))
    card.wait_for()
    officer.look("hang-cho-phan-loai")
    card.locator("select[name=level]").select_option("province")
    card.locator("select[name=agency_code]").select_option("08.SGDDT")
    card.locator("input[name=reason]").fill("Trường tiểu học do Sở Giáo dục và Đào tạo đầu tư")
    card.locator("button[type=submit]").click()
    card.locator(".notice.ok").wait_for()
    assert "Sở Giáo dục" in card.inner_text()
    eventually(lambda: status_of(officer.system, petition["id"]).get("agency_code") == "08.SGDDT", what="assignment")


def _report(page, kind: str, fill: dict, confirm: bool | None = None):
    page.select_option("#kind", kind)
    for selector, value in fill.items():
        page.fill(selector, value)
    if confirm is not None:
        page.once("dialog", lambda dialog: dialog.accept() if confirm else dialog.dismiss())
    page.click("#update-form button[type=submit]")


def test_an_agency_reports_the_four_kinds_of_update_and_one_is_refused(officer, meeting):
    road, school, clinic = (assigned(officer.system, meeting, CONTENT[k] + f" (lần {i})")
                            for i, k in enumerate(("road", "school", "clinic")))
    officer.sign_in("sgtvt.hung")
    officer.requests.clear()
    page = officer.go("/co-quan")
    page.wait_for_selector(f"#results a:text-is('{road['code']}')")
    page.wait_for_selector(f"[data-content-of='{road['id']}']:has-text('Tân Lập')")
    per_row = [url for url in officer.requests if "/api/routing/routings/" in url]
    assert not per_row and sum("/api/routing/routings?" in url for url in officer.requests) == 1  # one request
    officer.look("kien-nghi-duoc-giao")

    page = officer.go(f"/kien-nghi/{road['id']}")
    page.wait_for_selector("#status dl")
    officer.expect_refusal(422)
    _report(page, "in_progress", {"#note": "Đã khảo sát hiện trạng"})  # no roadmap date: refused
    page.wait_for_selector("#update-form .field-error")
    assert "ngày dự kiến hoàn thành" in page.inner_text("#update-form").lower()
    officer.look("bao-cao-bi-tu-choi")
    planned = (council_today() + timedelta(days=60)).strftime("%d/%m/%Y")
    _report(page, "in_progress", {"#planned_completion": planned, "#note": "Đã khảo sát hiện trạng"})
    page.wait_for_selector("#update-msg.ok")
    eventually(lambda: status_of(officer.system, road["id"]).get("status") == "in_progress", what="in progress")
    _report(page, "resolved", {"#resolution": "Đã rải nhựa 2 km đường liên thôn", "#note": "Hoàn thành"}, confirm=True)
    page.wait_for_selector("#update-msg.ok >> text=Đã giải quyết")
    officer.look("da-giai-quyet")

    page = officer.go(f"/kien-nghi/{school['id']}")
    page.wait_for_selector("#status dl")
    _report(page, "unresolved_lack_of_resources", {"#reason": "Chưa bố trí được vốn năm 2027", "#note": "Đề xuất năm sau"})
    page.wait_for_selector("#update-msg.ok")

    page = officer.go(f"/kien-nghi/{clinic['id']}")
    page.wait_for_selector("#status dl")
    _report(page, "returned", {"#note": "Trạm y tế xã thuộc Sở Y tế"}, confirm=True)
    page.wait_for_selector(".notice.ok >> text=Đã trả lại")
    officer.look("da-tra-lai")
    statuses = {p["id"]: status_of(officer.system, p["id"]).get("status") for p in (road, school, clinic)}
    eventually(lambda: [status_of(officer.system, p["id"]).get("status") for p in (road, school, clinic)]
               == ["resolved", "unresolved_lack_of_resources", "awaiting_routing"] or statuses,
               what="the three answers")


def test_a_spot_check_with_a_failed_verdict_reopens_the_petition(officer, meeting):
    petition = assigned(officer.system, meeting, CONTENT["clinic"] + " Giám sát.", agency="08.SYT")
    with officer.system.client("monitoring", "agency", "08.SYT") as agency:
        answer = agency.post(f"/petitions/{petition['id']}/status-updates",
                             json={"status": "resolved", "resolution": "Đã sửa mái trạm y tế", "note": "Xong"})
        assert answer.status_code in (200, 201), answer.text
    officer.sign_in("tt.binh")
    page = officer.go("/giam-sat")
    today = council_today().strftime("%d/%m/%Y")
    page.fill("#period_from", today)
    page.fill("#period_to", today)
    page.fill("#assigned_to", "Ban Văn hóa - Xã hội")
    page.select_option("#agency_codes", "08.SYT")
    officer.look("tao-dot-giam-sat")
    page.click("#create-form button[type=submit]")
    page.wait_for_url("**/giam-sat/*")
    row = page.locator("#sample tr", has=page.locator(f"a:text-is('{petition['code']}')"))
    row.wait_for()
    officer.look("dot-giam-sat")
    row.locator("select[name=verdict]").select_option("not_resolved")
    row.locator("input[name=note]").fill("Mái trạm vẫn dột")
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator("button[type=submit]").click()
    page.wait_for_selector("#msg.ok")
    reopened = eventually(lambda: (s := status_of(officer.system, petition["id"])).get("disputed") and s,
                          what="the petition reopened")
    assert reopened["status"] == "in_progress"
    page = officer.go(f"/kien-nghi/{petition['id']}")
    page.wait_for_selector("#status .badge.disputed")
    officer.look("kien-nghi-mo-lai")


def test_the_monthly_report_and_its_downloads(officer, meeting):
    assigned(officer.system, meeting, CONTENT["road"] + " Báo cáo.")
    officer.sign_in("tt.binh")
    page = officer.go("/bao-cao")
    page.wait_for_selector("#report h2")
    assert "Tổng số kiến nghị" in page.inner_text("#report")
    officer.look("bao-cao-thang")
    with page.expect_download() as download:
        page.click("[data-format=xlsx]")
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert workbook.sheetnames
    with page.expect_download() as download:
        page.click("[data-format=csv]")
    assert "Tổng" in Path(download.value.path()).read_text(encoding="utf-8-sig")


def _downloaded_rows(page, selector: str) -> list[list]:
    with page.expect_download() as download:
        page.click(selector)
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    return [[cell.value for cell in row] for row in sheet.iter_rows(min_row=5)]


def test_lists_sort_and_export_to_xlsx(officer, meeting):
    for text in ("Ánh sáng công cộng thôn Tân Lập chưa có đèn đường", "Đề nghị nạo vét kênh mương nội đồng thôn Tân Lập"):
        enter(officer.system, meeting, text)
    officer.sign_in("vp.lan")
    page = officer.go("/kien-nghi")
    page.wait_for_selector("#results table")
    page.click("#results th button.sort:has-text('Nội dung')")
    page.wait_for_selector("#results th[aria-sort=ascending]")
    shown = page.locator("#results tbody tr td:nth-child(4)").all_inner_texts()
    assert len(shown) >= 2
    officer.look("danh-sach-sap-xep")
    rows = _downloaded_rows(page, "#export")
    assert [row[4][:20] for row in rows] == [text[:20] for text in shown]  # the file follows the page's order
    page.click("#results th button.sort:has-text('Nội dung')")
    page.wait_for_selector("#results th[aria-sort=descending]")
    assert page.locator("#results tbody tr td:nth-child(4)").first.inner_text() == shown[-1]

    page = officer.go("/theo-doi?overdue=true")
    page.wait_for_selector("#results .empty, #results table")
    officer.look("qua-han")
    assert _downloaded_rows(page, "#export") == []  # nothing is overdue yet: an empty list, still a file
    page = officer.go("/phan-loai")
    page.wait_for_selector("#queue .card")
    page.select_option("#sort", "petition_code:asc")
    codes = page.locator("#queue .card h3 a").all_inner_texts()
    assert codes == sorted(codes)
    assert [row[1] for row in _downloaded_rows(page, "#export")][:len(codes)] == codes


def test_an_administrator_adds_an_officer_who_then_signs_in(officer):
    officer.sign_in("qt.an")
    page = officer.go("/quan-tri/nguoi-dung")
    page.wait_for_selector("#users table")
    page.fill("#nu-username", "sgddt.thao")
    page.fill("#nu-full-name", "Vũ Thị Thảo")
    page.select_option("#nu-role", "agency")
    page.select_option("#nu-agency", "08.SGDDT")
    page.fill("#nu-password", "mat-khau-ban-dau-1")
    page.click("#new-user button[type=submit]")
    page.wait_for_selector("#users td:text-is('sgddt.thao')")
    officer.look("quan-tri-nguoi-dung")
    page.click("#sign-out")
    page.wait_for_selector("#signed-out")
    officer.sign_in("sgddt.thao", "mat-khau-ban-dau-1")
    assert page.url.endswith("/co-quan") and "Vũ Thị Thảo" in page.inner_text("#who-text")
    officer.expect_refusal(403)
    page = officer.go("/bao-cao")  # not for an agency: the page says so instead of loading
    assert "không được xem trang «Báo cáo tháng»" in page.inner_text("main")
    officer.look("khong-co-quyen")


def test_a_word_search_finds_every_word_in_any_order_and_marks_them(officer, meeting):
    wanted = enter(officer.system, meeting, "Cử tri thôn Khuổi Xoan đề nghị nâng cấp đường ĐT.186 đoạn qua thôn, "
                                            "mặt đường hư hỏng nặng.")
    enter(officer.system, meeting, "Cử tri thôn Khuổi Xoan đề nghị xây dựng nhà văn hóa thôn.")  # one word missing
    officer.sign_in("vp.lan")
    page = officer.go("/kien-nghi")
    page.fill("#q", "xoan dt186 khuoi")  # without diacritics, out of order, the road's number written another way
    page.click("#filters button[type=submit]")
    page.wait_for_selector("#results mark")
    codes = page.locator("#results tbody tr td:first-child").all_inner_texts()
    assert [code for code in codes if wanted["code"] in code] and len(codes) == 1, codes
    marked = page.locator("#results mark").all_inner_texts()
    assert {"Khuổi", "Xoan", "ĐT.186"} <= set(marked), marked
    officer.look("tim-theo-tu")


def test_likely_repeats_show_while_the_secretariat_types_and_one_is_linked(officer, meeting):
    earlier = enter(officer.system, meeting, "Cử tri thôn Bản Piát đề nghị làm lại cầu tràn qua suối Ngòi Phát "
                                             "bị lũ cuốn trôi, học sinh đi học phải lội suối rất nguy hiểm.")
    officer.sign_in("vp.lan")
    page = officer.go("/kien-nghi/moi")
    page.wait_for_selector(f"#meeting_id option[value='{meeting['id']}']", state="attached")
    page.select_option("#meeting_id", meeting["id"])
    page.locator("#content").press_sequentially("Cử tri thôn Bản Piát tiếp tục đề nghị sớm làm lại cầu tràn "
                                                "suối Ngòi Phát bị lũ cuốn trôi.", delay=5)
    row = page.locator("#draft-similar-list tr", has_text=earlier["code"])
    row.wait_for()
    officer.look("kien-nghi-tuong-tu")
    row.locator("button:has-text('Là lặp lại')").click()
    page.wait_for_selector("#draft-similar-list button:has-text('Sẽ liên kết')")
    page.click("#petition-form button[type=submit]")
    page.wait_for_selector(f"#form-msg.ok >> text=Đã liên kết là lặp lại của {earlier['code']}")
    created_id = page.locator("#form-msg a").get_attribute("href").rsplit("/", 1)[1]
    with officer.system.client("intake", "secretariat") as intake:
        assert intake.get(f"/petitions/{created_id}").json()["repeat_of"] == earlier["id"]

    page = officer.go(f"/kien-nghi/{created_id}")  # a link made by mistake is undone; the history keeps both
    linked = page.locator("#similar tr", has_text=earlier["code"])
    linked.locator("button:has-text('Bỏ liên kết')").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    linked.locator("button:has-text('Bỏ liên kết')").click()
    page.wait_for_selector(f"#similar-msg >> text=Đã bỏ liên kết với {earlier['code']}")
    with officer.system.client("intake", "secretariat") as intake:
        assert intake.get(f"/petitions/{created_id}").json()["repeat_of"] is None
        [link] = intake.get(f"/petitions/{created_id}/links").json()
        assert link["earlier_id"] == earlier["id"] and link["undone_at"] and link["undone_by"] == "vp.lan"
    eventually(lambda: {"linked", "unlinked"} <= {entry["type"] for entry in status_of(officer.system, created_id)
                                                  .get("timeline", [])}, what="monitoring's timeline of the link")
    page.reload()
    page.wait_for_selector("#timeline >> text=Bỏ liên kết kiến nghị lặp lại")
    officer.look("bo-lien-ket")
