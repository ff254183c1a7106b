"""One catalog: a unit and an agency an admin adds in routing reach intake and monitoring through events."""

import pytest

from tests.support.apps import auth_headers
from tests.support.chain import eventually, three_services
from tests.support.intake import make_meeting

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

COMMUNE, AGENCY = "99901", "99901.UBND"


async def test_a_unit_and_agency_added_in_routing_are_accepted_by_intake_and_named_in_reports(
        database_url, isolated_nats, tmp_path):
    async with three_services(database_url, isolated_nats.url, tmp_path) as (intake, routing, monitoring, settings):
        admin = routing.headers_for("admin")
        unit = await routing.post("/units", headers=admin, json={
            "code": COMMUNE, "name": "Xã Tân Lập Mới", "level": "commune", "parent_code": "076"})
        assert unit.status_code == 201, unit.text
        agency = await routing.post("/agencies", headers=admin, json={
            "code": AGENCY, "name": "UBND xã Tân Lập Mới", "level": "commune", "unit_code": COMMUNE})
        assert agency.status_code == 201, agency.text

        secretariat = intake.headers_for("secretariat")

        async def meeting_accepted():
            session = await intake.post("/sessions", headers=secretariat, json={
                "name": "Kỳ họp thứ 21", "term": "2021-2026", "starts_on": "2024-12-05"})
            response = await intake.post("/meetings", headers=secretariat, json={
                "session_id": session.json()["id"], "held_on": "2024-11-20", "kind": "voter_meeting",
                "unit_code": COMMUNE, "delegates": ["Nguyễn Văn A"]})
            return response.status_code == 201 and response.json()

        meeting = await eventually(meeting_accepted)
        created = await intake.post("/petitions", headers=secretariat, json={
            "meeting_id": meeting["id"], "content": "Đề nghị sửa chữa nhà văn hóa thôn Đồng Mới của xã"})
        assert created.status_code == 201, created.text
        petition_id = created.json()["id"]

        async def routed():
            response = await routing.get(f"/routings/{petition_id}", headers=routing.headers_for("secretariat"))
            return response.status_code == 200

        await eventually(routed)
        decider = routing.headers_for("secretariat")
        assigned = await routing.post(f"/routings/{petition_id}/assignment", headers=decider, json={
            "level": "commune", "agency_code": AGENCY, "reason": "Nhà văn hóa thôn do xã quản lý"})
        assert assigned.status_code == 200, assigned.text

        committee = auth_headers(settings, "committee")

        async def named_in_report():
            report = (await monitoring.get("/reports/monthly", headers=committee)).json()
            rows = {row["agency_code"]: row["name"] for row in report["agencies"]}
            return AGENCY in rows and report["labels"]["agency"].get(AGENCY) == rows[AGENCY] and rows

        rows = await eventually(named_in_report)
        assert rows[AGENCY] == "UBND xã Tân Lập Mới"
        # An intake that never saw the unit's event (another catalog file) would have refused it: the copy did it.
        assert (await make_meeting(intake, secretariat, unit_code="02545"))["unit_code"] == "02545"
