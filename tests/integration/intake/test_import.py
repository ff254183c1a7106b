import io

from openpyxl import Workbook

from tests.support.intake import make_meeting

GOOD = "Cử tri đề nghị nâng cấp tuyến đường liên xã đang xuống cấp nghiêm trọng."


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(f'"{cell}"' for cell in row) for row in rows).encode("utf-8")


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def _petition_count(intake, headers) -> int:
    return len((await intake.get("/petitions", params={"limit": 200}, headers=headers)).json()["items"])


async def test_csv_with_one_bad_row_is_refused_whole_with_reasons(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    data = _csv([["meeting_id", "content", "voters_count"],
                 [meeting["id"], GOOD, "5"],
                 [meeting["id"], "ngắn", "3"],
                 [meeting["id"], GOOD + " Đoạn 2.", "nhiều"]])
    response = await intake.post("/petitions:import", headers=secretariat, files={"file": ("ds.csv", data, "text/csv")})
    assert response.status_code == 422, response.text
    report = response.json()["report"]
    assert report["committed"] is False and report["rows_taken"] == 0
    assert [(r["row"], r["errors"][0]["field"]) for r in report["refused"]] == [(3, "content"), (4, "voters_count")]
    assert await _petition_count(intake, secretariat) == 0


async def test_partial_mode_takes_the_good_rows(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    data = _csv([["Nội dung", "Số cử tri", "Họ tên", "Số điện thoại"],
                 [GOOD, "5", "Lê Văn C", "0912000111"],
                 ["ngắn", "3", "", ""]])
    response = await intake.post("/petitions:import", params={"mode": "partial", "meeting_id": meeting["id"]},
                                 headers=secretariat, files={"file": ("ds.csv", data, "text/csv")})
    assert response.status_code == 201, response.text
    report = response.json()
    assert (report["rows_taken"], report["rows_refused"]) == (1, 1)
    petition = (await intake.get(f"/petitions/{report['taken'][0]['petition_id']}", headers=secretariat)).json()
    assert petition["petitioners"] == [{"name": "Lê Văn C", "address": None, "phone": "0912000111"}]


async def test_xlsx_import_gives_consecutive_codes(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    data = _xlsx([["meeting_id", "content", "unit_code"],
                  [meeting["id"], GOOD, "02545"],
                  [meeting["id"], GOOD + " Cầu tràn.", None]])
    response = await intake.post("/petitions:import", headers=secretariat, files={"file": ("ds.xlsx", data)})
    assert response.status_code == 201, response.text
    codes = [row["code"] for row in response.json()["taken"]]
    assert [code[-6:] for code in codes] == ["000001", "000002"]


async def test_unreadable_files_are_4xx_on_the_file_field(intake, secretariat):
    cases = [
        ("broken.xlsx", b"PK\x03\x04 not really a workbook"),
        ("ds.csv", "content\n".encode()),
        ("ds.csv", _csv([["noi dung", "cot la"], [GOOD, "x"]])),
        ("ds.csv", "nội dung\nđường".encode("utf-16")),
        ("ds.pdf", b"%PDF-1.4"),
    ]
    for filename, data in cases:
        response = await intake.post("/petitions:import", headers=secretariat, files={"file": (filename, data)})
        assert response.status_code == 422, (filename, response.text)
        assert response.json()["errors"][0]["field"] == "file"
    assert await _petition_count(intake, secretariat) == 0


async def test_refused_rows_keep_their_spreadsheet_numbers_across_blank_rows(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    data = _csv([["meeting_id", "content"], ["", ""], [meeting["id"], GOOD], ["", ""], ["", ""],
                 [meeting["id"], "ngắn"]])
    response = await intake.post("/petitions:import", headers=secretariat, files={"file": ("ds.csv", data, "text/csv")})
    assert response.status_code == 422, response.text
    assert [r["row"] for r in response.json()["report"]["refused"]] == [6]


async def test_an_import_retried_with_its_key_is_not_imported_twice(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    data = _csv([["meeting_id", "content"], [meeting["id"], GOOD], [meeting["id"], GOOD + " Đoạn hai."]])
    headers = {**secretariat, "Idempotency-Key": "nhap-tep-0001"}
    first = await intake.post("/petitions:import", headers=headers, files={"file": ("ds.csv", data, "text/csv")})
    # A browser sending the same file again uses another multipart boundary (and here another file name).
    again = await intake.post("/petitions:import", headers=headers, files={"file": ("ds (1).csv", data, "text/csv")})
    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json()
    assert await _petition_count(intake, secretariat) == 2
    other = _csv([["meeting_id", "content"], [meeting["id"], GOOD + " Đoạn ba."]])
    refused = await intake.post("/petitions:import", headers=headers, files={"file": ("ds.csv", other, "text/csv")})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await _petition_count(intake, secretariat) == 2


async def test_a_file_written_in_chunks_keeps_one_block_of_codes_and_every_event(intake, secretariat, monkeypatch):
    """A large file is written a chunk at a time in one transaction: the codes still follow the rows
    without a gap, and each row has its petitioner and its received event."""
    from sqlalchemy import func, select

    from services.intake.models import OutboxMessage
    from services.intake.petitions import imports
    from services.intake.petitions.models import Petitioner

    monkeypatch.setattr(imports, "WRITE_CHUNK", 7)
    meeting = await make_meeting(intake, secretariat)
    rows = [[f"{GOOD} Đoạn {n}.", "Lê Văn C"] for n in range(30)]
    response = await intake.post("/petitions:import", params={"meeting_id": meeting["id"]}, headers=secretariat,
                                 files={"file": ("ds.csv", _csv([["content", "petitioner_name"], *rows]), "text/csv")})
    assert response.status_code == 201, response.text
    taken = response.json()["taken"]
    assert [row["row"] for row in taken] == list(range(2, 32))
    assert [int(row["code"][-6:]) for row in taken] == list(range(1, 31))
    async with intake._transport.app.state.runtime.engine.connect() as connection:
        petitioners = (await connection.execute(select(func.count()).select_from(Petitioner))).scalar_one()
        events = (await connection.execute(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.subject == "petitions.received"))).scalar_one()
    assert (petitioners, events) == (30, 30)
