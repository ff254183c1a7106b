"""Intake as other tests need it: a migrated, running service and a meeting to enter petitions under."""

from contextlib import asynccontextmanager
from pathlib import Path

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from tests.support.apps import ServiceClient, migrated_app

MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "intake" / "migrations"


@asynccontextmanager
async def intake_client(database_url: str, nats_url: str, run_dir: Path, **overrides):
    settings = IntakeSettings(database_url=database_url, nats_url=nats_url, run_dir=run_dir,
                              environment="test", outbox_poll_seconds=0.2, **overrides)
    async with migrated_app(MIGRATIONS, create_app, settings) as client:
        yield client


async def make_meeting(client: ServiceClient, headers, unit_code="02545", kind="voter_meeting") -> dict:
    session = await client.post("/sessions", headers=headers,
                                json={"name": "Kỳ họp thứ 20", "term": "2021-2026", "starts_on": "2024-12-05"})
    assert session.status_code == 201, session.text
    meeting = await client.post("/meetings", headers=headers, json={
        "session_id": session.json()["id"], "held_on": "2024-11-20", "kind": kind,
        "unit_code": unit_code, "delegates": ["Nguyễn Văn A"],
    })
    assert meeting.status_code == 201, meeting.text
    return meeting.json()
