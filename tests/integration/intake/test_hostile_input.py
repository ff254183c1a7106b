"""Hostile petitions and readers: a 422 naming the field, the same on SQLite and PostgreSQL, nothing
written, and never a petitioner's personal data in a log line."""

import base64
import json
import logging

import pytest

from tests.support.intake import make_meeting

CONTENT = "Cử tri đề nghị sửa chữa đường liên thôn Tân Lập bị sạt lở."
NAME, ADDRESS, PHONE = "Hoàng Thị Bí Mật", "Thôn Ẩn Danh, xã Kín Đáo", "0987654321"


async def _count(intake, headers) -> int:
    return len((await intake.get("/petitions", params={"limit": 200}, headers=headers)).json()["items"])


def _personal_data_in(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if any(secret in record.getMessage() or secret in (record.exc_text or "") for secret in (NAME, ADDRESS))]


@pytest.mark.parametrize(("petitioner", "field"), [
    ({"name": NAME + "\x00", "address": ADDRESS, "phone": PHONE}, "petitioners.0.name"),
    ({"name": NAME, "address": ADDRESS + "\x00", "phone": PHONE}, "petitioners.0.address"),
    ({"name": "   ", "address": ADDRESS}, "petitioners.0.name"),
    ({"name": "\u200b\u200d"}, "petitioners.0.name"),
    ({"name": "Trần\u202eVăn A"}, "petitioners.0.name"),
    ({"name": "Lê\ud800 Văn B"}, "petitioners.0.name"),  # a lone surrogate, sent as the JSON escape \ud800
])
async def test_invisible_or_blank_petitioner_text_is_refused(intake, secretariat, caplog, petitioner, field):
    caplog.set_level(logging.DEBUG)
    meeting = await make_meeting(intake, secretariat)
    body = json.dumps({"meeting_id": meeting["id"], "content": CONTENT, "petitioners": [petitioner]})
    response = await intake.post("/petitions", headers=secretariat | {"content-type": "application/json"},
                                 content=body.encode())
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
    assert await _count(intake, secretariat) == 0
    assert _personal_data_in(caplog) == []


@pytest.mark.parametrize("content", ["   \t   ", "Nội dung\x00 kiến nghị đủ dài", "\u200b" * 20])
async def test_blank_or_invisible_content_is_refused(intake, secretariat, content):
    meeting = await make_meeting(intake, secretariat)
    response = await intake.post("/petitions", headers=secretariat,
                                 json={"meeting_id": meeting["id"], "content": content})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "content"


async def test_a_csv_row_with_a_nul_is_refused_with_its_row(intake, secretariat, caplog):
    caplog.set_level(logging.DEBUG)
    meeting = await make_meeting(intake, secretariat)
    data = f"content,petitioner_name,petitioner_address\n{CONTENT},{NAME}\x00,{ADDRESS}\n".encode()
    response = await intake.post("/petitions:import", params={"meeting_id": meeting["id"]}, headers=secretariat,
                                 files={"file": ("ds.csv", data, "text/csv")})
    assert response.status_code == 422, response.text
    assert response.json()["report"]["refused"][0]["errors"][0]["field"] == "petitioners.0.name"
    assert _personal_data_in(caplog) == []


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize(("params", "field"), [
    ({"created_from": "2025-01-01"}, "created_from"),
    ({"created_to": "2025-01-01T08:00:00"}, "created_to"),
    ({"created_from": "0001-01-01T00:00:00+01:00"}, "created_from"),
    ({"cursor": _cursor("2025-01-01T00:00:00|7f3ab462-1111-4111-8111-111111111111")}, "cursor"),
    ({"cursor": _cursor("0001-01-01T00:00:00+01:00|7f3ab462-1111-4111-8111-111111111111")}, "cursor"),
    ({"cursor": _cursor("hôm qua|không phải uuid")}, "cursor"),
    ({"cursor": "%%%"}, "cursor"),
    ({"cursor": "YQ"}, "cursor"),
])
async def test_bad_reader_parameters_are_a_422_naming_them(intake, secretariat, params, field):
    response = await intake.get("/petitions", params=params, headers=secretariat)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == field


async def test_an_unexpected_error_logs_no_request_data(intake, secretariat, caplog):
    """Whatever fails, the log says where, not what the officer typed (the old log held the whole row)."""
    caplog.set_level(logging.DEBUG)
    meeting = await make_meeting(intake, secretariat)
    created = await intake.post("/petitions", headers=secretariat, json={
        "meeting_id": meeting["id"], "content": CONTENT,
        "petitioners": [{"name": NAME, "address": ADDRESS, "phone": PHONE}]})
    assert created.status_code == 201
    assert _personal_data_in(caplog) == [] and not any(PHONE in r.getMessage() for r in caplog.records)
