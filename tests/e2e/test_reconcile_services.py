"""`make reconcile` on three real services over a real nats-server: agreement, then a planted difference."""

import asyncio
import uuid

import pytest

from scripts.reconcile import settled_differences
from services.monitoring.app import create_app
from services.monitoring.settings import MonitoringSettings
from shared.events import PetitionRouted
from shared.migrations import upgrade
from tests.support.apps import auth_headers, running_app
from tests.support.chain import eventually
from tests.support.events import publish_event
from tests.support.intake import intake_client, make_meeting
from tests.support.monitoring import MIGRATIONS
from tests.support.routing import CONFIDENT, routing_client

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


async def test_reconcile_finds_nothing_after_a_correction_and_reports_a_planted_difference(
        database_url, isolated_nats, tmp_path):
    monitoring_url = database_url.replace("service.db", "monitoring.db")
    await asyncio.to_thread(upgrade, MIGRATIONS, monitoring_url)
    settings = MonitoringSettings(database_url=monitoring_url, nats_url=isolated_nats.url, run_dir=tmp_path,
                                  environment="test", outbox_poll_seconds=0.2)
    async with intake_client(database_url.replace("service.db", "intake.db"), isolated_nats.url, tmp_path) as intake, \
            routing_client(database_url, isolated_nats.url, tmp_path) as routing, \
            running_app(create_app(settings)) as monitoring:
        secretariat = intake.headers_for("secretariat")
        meeting = await make_meeting(intake, secretariat)
        ids = []
        for index in range(3):
            created = await intake.post("/petitions", headers=secretariat,
                                        json={"meeting_id": meeting["id"], "content": f"{CONFIDENT} Lần {index}."})
            ids.append(created.json()["id"])

        async def routed():  # the received event travels through NATS: routing learns of it a moment later
            return (await routing.get(f"/routings/{ids[0]}", headers=routing.headers_for("secretariat"))).status_code == 200

        await eventually(routed)
        correction = await routing.post(f"/routings/{ids[0]}/assignment", headers=routing.headers_for("secretariat"),
                                        json={"level": "district", "agency_code": "076.UBND", "reason": "Đường huyện"})
        assert correction.status_code == 200, correction.text
        clients = [intake, routing, monitoring]
        for client in clients:
            client.headers.update(auth_headers(settings, "committee"))
        assert await settled_differences(clients, settle=30) == []

        # A decision routing never made reaches monitoring only: reconcile must say so.
        await publish_event(isolated_nats.url, uuid.UUID(ids[1]), PetitionRouted(
            level="province", agency_code="08.SYT", decided_by="forged"), source="routing", sequence=99)

        async def planted():
            status = (await monitoring.get(f"/petitions/{ids[1]}/status")).json()
            return status["agency_code"] == "08.SYT"

        await eventually(planted)
        found = await settled_differences(clients, settle=3)  # what remains once in-flight events land
        code = (await monitoring.get(f"/petitions/{ids[1]}/status")).json()["code"]
        assert found and all(line.startswith(code) for line in found), found
        assert f"{code}: routing assigns 08.SGTVT, monitoring has assigned at 08.SYT" in found
        assert f"{code}: last routed entry in monitoring's timeline is 08.SYT, routing decided 08.SGTVT" in found
