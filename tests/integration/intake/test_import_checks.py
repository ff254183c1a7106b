"""Imports an office can trust: duplicates warned before writing, the sheet's own row numbers, phones kept,
title blocks and STT columns accepted, a template to start from, and big files followed while they run."""

import asyncio
import io
import time

from openpyxl import Workbook, load_workbook

from tests.integration.intake.test_import import GOOD, _csv, _xlsx
from tests.support.intake import make_meeting

OTHER = "Cử tri đề nghị sửa chữa trạm bơm thôn Làng Ải đã hỏng hai năm nay."


async def _post(intake, headers, data, filename="ds.csv", **params):
    return await intake.post("/petitions:import", headers=headers, params=params, files={"file": (filename, data)})


async def _count(intake, headers) -> int:
    return len((await intake.get("/petitions", params={"limit": 200}, headers=headers)).json()["items"])


async def test_the_same_file_again_is_warned_before_anything_is_written(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    data = _csv([["content"], [GOOD], [OTHER]])
    first = await _post(intake, secretariat, data, meeting_id=meeting["id"])
    assert first.status_code == 201, first.text
    codes = [row["code"] for row in first.json()["taken"]]

    again = await _post(intake, secretariat, data, filename="ds (1).csv", meeting_id=meeting["id"])
    assert again.status_code == 409, again.text
    problem = again.json()
    assert again.headers["content-type"].startswith("application/problem+json")
    assert problem["same_file"]["rows"] == 2 and problem["same_file"]["by"] == "test-secretariat"
    assert [(d["row"], d["code"]) for d in problem["duplicates"]] == [(2, codes[0]), (3, codes[1])]
    assert await _count(intake, secretariat) == 2

    skipped = await _post(intake, secretariat, data, meeting_id=meeting["id"], on_duplicates="skip")
    assert skipped.status_code == 201, skipped.text
    assert skipped.json()["rows_taken"] == 0 and [r["row"] for r in skipped.json()["skipped"]] == [2, 3]
    assert await _count(intake, secretariat) == 2
    taken = await _post(intake, secretariat, data, meeting_id=meeting["id"], on_duplicates="import")
    assert taken.status_code == 201 and taken.json()["rows_taken"] == 2
    assert await _count(intake, secretariat) == 4
    # Each row is now recorded twice: the warning names it once, by its first record.
    third = await _post(intake, secretariat, data, meeting_id=meeting["id"])
    assert [(d["row"], d["code"]) for d in third.json()["duplicates"]] == [(2, codes[0]), (3, codes[1])]


async def test_the_same_content_at_the_same_meeting_is_warned_row_by_row(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    elsewhere = await make_meeting(intake, secretariat, unit_code="02548")
    entered = (await intake.post("/petitions", headers=secretariat,
                                 json={"meeting_id": meeting["id"], "content": GOOD})).json()
    data = _csv([["Mã buổi tiếp xúc", "Nội dung"], [elsewhere["id"], GOOD], [meeting["id"], OTHER],
                 [meeting["id"], "  " + GOOD + "  "]])
    response = await _post(intake, secretariat, data)
    assert response.status_code == 409, response.text
    assert "same_file" not in response.json()
    assert [(d["row"], d["code"]) for d in response.json()["duplicates"]] == [(4, entered["code"])]
    assert await _count(intake, secretariat) == 1
    skipped = await _post(intake, secretariat, data, on_duplicates="skip")
    assert skipped.status_code == 201 and [r["row"] for r in skipped.json()["taken"]] == [2, 3]


async def test_a_title_block_an_stt_column_blank_rows_and_numeric_phones(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    data = _xlsx([["DANH SÁCH KIẾN NGHỊ CỬ TRI"], ["Kỳ họp thứ 20, HĐND tỉnh"], [],
                  ["STT", "Nội dung", "Họ tên", "Số điện thoại", "Số cử tri"],
                  [1, GOOD, "Lê Văn C", 987654321, 12.0],
                  [], [],
                  [2, OTHER, "Hà Thị D", "0912000111", 3],
                  [3, "ngắn", "", None, None]])
    response = await _post(intake, secretariat, data, filename="ds.xlsx", meeting_id=meeting["id"], mode="partial")
    assert response.status_code == 201, response.text
    report = response.json()
    assert [r["row"] for r in report["taken"]] == [5, 8] and [r["row"] for r in report["refused"]] == [9]
    people = [(await intake.get(f"/petitions/{r['petition_id']}", headers=secretariat)).json() for r in report["taken"]]
    assert [p["petitioners"][0]["phone"] for p in people] == ["0987654321", "0912000111"]
    assert people[0]["voters_count"] == 12


async def test_csv_phones_keep_their_leading_zeros(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    data = f"STT;Nội dung;Họ tên;Số điện thoại\n1;{GOOD};Lê Văn C;0912000111\n2;{OTHER};Hà Thị D;=\"0987654321\"\n".encode("utf-8-sig")
    response = await _post(intake, secretariat, data, meeting_id=meeting["id"])
    assert response.status_code == 201, response.text
    phones = [(await intake.get(f"/petitions/{r['petition_id']}", headers=secretariat)).json()["petitioners"][0]["phone"]
              for r in response.json()["taken"]]
    assert phones == ["0912000111", "0987654321"]


async def test_the_template_has_vietnamese_headers_and_an_example_that_imports(intake, secretariat):
    response = await intake.get("/petitions:import-template", headers=secretariat)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in rows if row and row[0] == "STT")
    assert "Nội dung kiến nghị" in header and "Số điện thoại" in header
    assert sheet.cell(row=rows.index(header) + 2, column=header.index("Số điện thoại") + 1).number_format == "@"
    meeting = await make_meeting(intake, secretariat)
    imported = await _post(intake, secretariat, response.content, filename="mau.xlsx", meeting_id=meeting["id"])
    assert imported.status_code == 201, imported.text
    assert imported.json()["rows_taken"] == 1


async def test_a_large_import_runs_as_a_job_whose_progress_the_page_polls(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    workbook = Workbook()
    workbook.active.append(["Nội dung", "Số điện thoại"])
    for n in range(3000):
        workbook.active.append([f"{GOOD} Đoạn số {n}.", 912000000 + n])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = await intake.post("/petitions:import", headers={**secretariat, "Prefer": "respond-async"},
                                 params={"meeting_id": meeting["id"]}, files={"file": ("lon.xlsx", buffer.getvalue())})
    assert response.status_code == 202, response.text
    job_url = response.headers["location"]
    assert job_url == f"/import-jobs/{response.json()['id']}"
    seen = []
    for _ in range(600):
        job = (await intake.get(job_url, headers=secretariat)).json()
        seen.append(job["phase"])
        if job["state"] != "running":
            break
        await asyncio.sleep(0.05)
    assert job["state"] == "done" and job["status_code"] == 201, job
    assert job["result"]["rows_taken"] == 3000 and job["rows_total"] == 3000
    assert "reading" in seen or "writing" in seen or len(seen) == 1
    other = await intake.get(job_url, headers=intake.headers_for("secretariat", None) | {
        "Authorization": intake.headers_for("admin")["Authorization"]})
    assert other.status_code == 404  # a job is its owner's


async def test_the_service_answers_while_a_5000_row_file_is_imported(intake, secretariat):
    """Parsing and checking run in worker threads, writing in bulk: /healthz is answered all along."""
    meeting = await make_meeting(intake, secretariat)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["STT", "Nội dung", "Họ tên", "Số điện thoại"])
    for n in range(5000):
        sheet.append([n + 1, f"{GOOD} Đoạn số {n}.", "Lê Văn C", 912000000 + n])
    buffer = io.BytesIO()
    workbook.save(buffer)

    started = time.perf_counter()
    importing = asyncio.create_task(_post(intake, secretariat, buffer.getvalue(), filename="lon.xlsx",
                                          meeting_id=meeting["id"]))
    waits, previous = [], time.perf_counter()
    while not importing.done():
        await asyncio.sleep(0.02)
        assert (await intake.get("/healthz")).status_code == 200
        waits.append(time.perf_counter() - previous)
        previous = time.perf_counter()
    response = await importing
    seconds = time.perf_counter() - started
    assert response.status_code == 201, response.text[:500]
    report = response.json()
    assert report["rows_taken"] == 5000 and report["taken"][-1]["row"] == 5001
    codes = [int(t["code"][-6:]) for t in report["taken"]]
    assert codes == list(range(1, 5001))  # one block of the year's counter: consecutive, no gaps
    assert max(waits) < max(1.0, seconds / 2), (max(waits), seconds)
