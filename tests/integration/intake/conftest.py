import pytest

from tests.support.intake import intake_client


@pytest.fixture
async def intake(database_url, nats_server, tmp_path):
    async with intake_client(database_url, nats_server.url, tmp_path) as client:
        yield client


@pytest.fixture
def secretariat(intake):
    return intake.headers_for("secretariat")
