"""A database that cannot be reached answers 503 problem+json with Retry-After, never an opaque 500."""

import uuid

import pytest

from services.intake.app import create_app
from services.intake.settings import IntakeSettings
from tests.support.apps import auth_headers, running_app
from tests.support.servers import free_port

UNREACHABLE = {
    "sqlite": lambda tmp_path: f"sqlite+aiosqlite:///{tmp_path}/no-such-folder/intake.db",
    "postgres": lambda _tmp_path: f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/intake",
}


@pytest.mark.parametrize("kind", sorted(UNREACHABLE))
async def test_an_unreachable_database_is_a_503_with_retry_after(kind, tmp_path):
    settings = IntakeSettings(database_url=UNREACHABLE[kind](tmp_path), nats_url=f"nats://127.0.0.1:{free_port()}",
                              run_dir=tmp_path, environment="test")
    async with running_app(create_app(settings)) as intake:
        headers = auth_headers(settings, "secretariat")
        responses = [
            await intake.get("/petitions", headers=headers),
            await intake.post("/petitions", headers=headers,
                              json={"meeting_id": str(uuid.uuid4()), "content": "Cử tri đề nghị sửa đường liên thôn."}),
        ]
        for response in responses:
            assert response.status_code == 503, response.text
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.headers["retry-after"] == "5"
            assert response.json()["status"] == 503 and response.json()["type"] == "/problems/unavailable"
        # Bad input is still the client's to fix, database or not.
        assert (await intake.post("/petitions", headers=headers, json={"content": ""})).status_code == 422
