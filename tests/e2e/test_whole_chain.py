"""Intake → routing → monitoring through a real nats-server: status update, spot-check, monthly report."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.support.apps import auth_headers
from tests.support.chain import eventually, whole_chain
from tests.support.events import wait_for_events
from tests.support.intake import make_meeting
from tests.support.routing import CONFIDENT

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_intake_routing_status_update_spot_check_and_report(database_url, isolated_nats, tmp_path):
    async with whole_chain(database_url, isolated_nats.url, tmp_path) as (intake, monitoring, settings):
        secretariat = intake.headers_for("secretariat")
        meeting = await make_meeting(intake, secretariat, unit_code="02545")
        created = await intake.post("/petitions", headers=secretariat, json={"meeting_id": meeting["id"],
                                                                            "content": CONFIDENT})
        assert created.status_code == 201, created.text
        petition_id, code = created.json()["id"], created.json()["code"]
        committee, agency = auth_headers(settings, "committee"), auth_headers(settings, "agency", "08.SGTVT")

        async def assigned():
            response = await monitoring.get(f"/petitions/{petition_id}/status", headers=committee)
            return response.status_code == 200 and response.json()["status"] == "assigned" and response.json()

        status = await eventually(assigned)
        assert (status["code"], status["agency_code"], status["level"]) == (code, "08.SGTVT", "province")
        assert [entry["type"] for entry in status["timeline"]] == ["received", "routed"]

        response = await monitoring.post(f"/petitions/{petition_id}/status-updates", headers=agency,
                                         json={"status": "resolved", "note": "Đã hoàn thành",
                                               "resolution": "Đã nâng cấp tuyến ĐT.186"})
        assert response.status_code == 201, response.text
        changes = await wait_for_events(isolated_nats.url, "petitions.status_changed", {petition_id}, at_least=2)
        assert [(c["source"], c["sequence"], c["data"]["to_status"]) for c in changes] == [
            ("monitoring", 1, "assigned"), ("monitoring", 2, "resolved")]

        async def intake_follows():
            body = (await intake.get(f"/petitions/{petition_id}", headers=secretariat)).json()
            return body["latest_status"] == "resolved" and body

        assert (await eventually(intake_follows))["agency_code"] == "08.SGTVT"

        today = datetime.now(UTC).astimezone(settings.tz).date()
        spot_check = await monitoring.post("/spot-checks", headers=committee, json={
            "period_from": (today - timedelta(days=1)).isoformat(), "period_to": today.isoformat(),
            "agency_codes": ["08.SGTVT"], "assigned_to": "Ban Kinh tế - Ngân sách"})
        assert spot_check.status_code == 201, spot_check.text
        body = spot_check.json()
        assert [item["petition_id"] for item in body["sample"]] == [petition_id]
        finding = await monitoring.post(f"/spot-checks/{body['id']}/findings", headers=committee, json={
            "petition_id": petition_id, "verdict": "not_resolved", "note": "Đoạn qua xã vẫn hư hỏng"})
        assert finding.status_code == 201
        assert finding.json()["lots"][0]["conclusion"] == "refer"
        [disputed] = await wait_for_events(isolated_nats.url, "petitions.resolution_disputed", {petition_id})
        assert disputed["data"]["spot_check_id"] == body["id"]

        status = (await monitoring.get(f"/petitions/{petition_id}/status", headers=agency)).json()
        assert status["status"] == "in_progress" and status["disputed"] is True
        report = (await monitoring.get("/reports/monthly", headers=committee)).json()
        assert report["by_status"]["in_progress"]["count"] == 1 and report["total"] == 1
        assert report["spot_checks"]["conclusions"]["refer"] == 1
        assert report["timeliness"]["on_time"]["count"] == 1
