"""The same-origin proxy against a real intake service over HTTP."""

import httpx
import pytest

PROBLEM = "application/problem+json"


async def _meeting(web, headers) -> dict:
    session = await web.post("/api/intake/sessions", headers=headers,
                             json={"name": "Kỳ họp thứ 20", "term": "2021-2026", "starts_on": "2024-12-05"})
    assert session.status_code == 201, session.text
    meeting = await web.post("/api/intake/meetings", headers=headers, json={
        "session_id": session.json()["id"], "held_on": "2024-11-20", "kind": "voter_meeting",
        "unit_code": "02545", "delegates": ["Nguyễn Văn A"]})
    assert meeting.status_code == 201, meeting.text
    return meeting.json()


async def test_petition_created_through_the_proxy_is_found_through_it(web, intake_upstream):
    headers = web.headers_for("secretariat")
    meeting = await _meeting(web, headers)
    created = await web.post("/api/intake/petitions", headers=headers, json={
        "meeting_id": meeting["id"], "content": "Đề nghị sửa chữa đường giao thông liên thôn bị sạt lở",
        "voters_count": 12, "petitioners": [{"name": "Trần Thị Bình", "phone": "0912 345 678"}]})
    assert created.status_code == 201, created.text
    petition = created.json()
    assert petition["code"].startswith("KN-")

    # q without diacritics, forwarded as the query string
    found = await web.get("/api/intake/petitions", headers=headers, params={"q": "duong giao thong"})
    assert found.status_code == 200
    assert [item["id"] for item in found.json()["items"]] == [petition["id"]]

    one = await web.get(f"/api/intake/petitions/{petition['id']}", headers=headers)
    assert one.json()["content"] == petition["content"]
    assert one.json()["petitioners"][0]["name"] == "Trần Thị Bình"

    # the same answer as asking intake directly
    async with httpx.AsyncClient(base_url=intake_upstream.url) as direct:
        straight = await direct.get(f"/petitions/{petition['id']}", headers=headers)
    assert straight.json() == one.json()


async def test_validation_problem_passes_through_unchanged(web, intake_upstream):
    headers = web.headers_for("secretariat")
    meeting = await _meeting(web, headers)
    payload = {"meeting_id": meeting["id"], "content": "ngắn"}
    proxied = await web.post("/api/intake/petitions", headers=headers, json=payload)
    async with httpx.AsyncClient(base_url=intake_upstream.url) as direct:
        straight = await direct.post("/petitions", headers=headers, json=payload)
    assert proxied.status_code == straight.status_code == 422
    assert proxied.headers["content-type"] == straight.headers["content-type"] == PROBLEM
    assert proxied.json() == straight.json()
    assert [e["field"] for e in proxied.json()["errors"]] == ["content"]


async def test_missing_token_and_wrong_role_pass_through(web):
    anonymous = await web.get("/api/intake/petitions")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"] == PROBLEM
    agency = await web.get("/api/intake/petitions", headers=web.headers_for("agency", "08.SGTVT"))
    assert agency.status_code == 403


async def test_import_upload_and_query_go_through(web):
    headers = web.headers_for("secretariat")
    meeting = await _meeting(web, headers)
    csv_text = ("content,voters_count\n"
                "Đề nghị lắp đèn chiếu sáng tuyến đường trục xã,5\n"
                "ngắn,3\n")
    files = {"file": ("kien-nghi.csv", csv_text.encode(), "text/csv")}
    refused = await web.post("/api/intake/petitions:import", headers=headers, files=files,
                             params={"meeting_id": meeting["id"]})
    assert refused.status_code == 422
    assert refused.json()["report"]["rows_refused"] == 1
    assert refused.json()["report"]["committed"] is False

    partial = await web.post("/api/intake/petitions:import", headers=headers, files=files,
                             params={"meeting_id": meeting["id"], "mode": "partial"})
    assert partial.status_code == 201, partial.text
    report = partial.json()
    assert (report["rows_taken"], report["rows_refused"]) == (1, 1)
    assert report["refused"][0]["row"] == 3


async def test_readiness_reports_each_upstream(web):
    ready = await web.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"intake": True, "routing": False, "monitoring": False}


@pytest.mark.parametrize("upstream", ["intake", "routing", "monitoring"])
async def test_upstream_down_is_a_vietnamese_502(web_alone, upstream):
    answer = await web_alone.post(f"/api/{upstream}/anything?x=1", json={"a": 1},
                                  headers={"Authorization": "Bearer x"})
    assert answer.status_code == 502
    assert answer.headers["content-type"] == PROBLEM
    body = answer.json()
    assert body["status"] == 502 and body["type"] == "/problems/upstream-unavailable"
    assert "không kết nối được" in body["detail"] and upstream in body["detail"]
    assert body["title"] == "Dịch vụ tạm thời không truy cập được"


async def test_unknown_upstream_is_a_404_problem(web_alone):
    answer = await web_alone.get("/api/billing/invoices")
    assert answer.status_code == 404
    assert answer.headers["content-type"] == PROBLEM


async def test_health_and_metrics(web_alone):
    assert (await web_alone.get("/healthz")).json() == {"status": "ok"}
    assert (await web_alone.get("/readyz")).status_code == 503
    await web_alone.get("/api/routing/units")
    metrics = (await web_alone.get("/metrics")).text
    assert 'web_upstream_requests_total{outcome="unreachable",upstream="routing"} 1.0' in metrics
    assert "http_requests_total" in metrics


async def test_request_and_answer_details_are_forwarded_exactly(tmp_path):
    """Path (colon, percent-encoding), repeated query keys, body and auth go up; binary answers and headers come back."""
    from services.web.app import create_app
    from services.web.settings import WebSettings
    from tests.support.apps import running_app

    seen = {}

    def upstream(request: httpx.Request) -> httpx.Response:
        seen.update(method=request.method, url=str(request.url), body=request.content,
                    auth=request.headers.get("authorization"), cookie=request.headers.get("cookie"),
                    request_id=request.headers.get("x-request-id"))
        return httpx.Response(200, content=b"PK\x03\x04binary", headers={
            "content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "content-disposition": 'attachment; filename="bao-cao.xlsx"', "set-cookie": "x=1"})

    settings = WebSettings(monitoring_url="http://monitoring.test:8003", environment="test", run_dir=tmp_path)
    async with running_app(create_app(settings, transport=httpx.MockTransport(upstream))) as web:
        answer = await web.post("/api/monitoring/a%20b/c:d?x=1&x=2&q=đường", content=b"\x00\x01",
                                headers={"Authorization": "Bearer t", "Cookie": "session=secret"})
    assert seen["method"] == "POST"
    assert seen["url"].startswith("http://monitoring.test:8003/a%20b/c:d?x=1&x=2&q=")
    assert seen["body"] == b"\x00\x01" and seen["auth"] == "Bearer t"
    assert seen["cookie"] is None and seen["request_id"]
    assert answer.content == b"PK\x03\x04binary"
    assert answer.headers["content-disposition"] == 'attachment; filename="bao-cao.xlsx"'
    assert "set-cookie" not in answer.headers
