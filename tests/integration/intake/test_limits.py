"""Limits act before any work: a body over its limit is a 413 before the token is even looked at, and
writes and imports beyond a client's rate are a 429 with Retry-After."""

import pytest

from tests.support.intake import intake_client, make_meeting

CONTENT = "Cử tri đề nghị sửa chữa đường liên thôn Tân Lập bị sạt lở."


@pytest.fixture
async def strict(tmp_path, nats_server):
    """Intake on SQLite with small limits, so the tests stay small."""
    async with intake_client(f"sqlite+aiosqlite:///{tmp_path / 'intake.db'}", nats_server.url, tmp_path,
                             body_max_bytes=4096, import_max_bytes=20_000, rate_limit_writes_per_minute=5,
                             rate_limit_imports_per_minute=2) as client:
        yield client


async def test_a_declared_body_over_the_limit_is_413_before_authentication(strict):
    answer = await strict.post("/petitions", content=b"{" + b" " * 5000 + b"}",
                               headers={"content-type": "application/json"})  # no token at all
    assert answer.status_code == 413 and answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["field"] == "body" and answer.json()["limit_bytes"] == 4096


async def test_a_streamed_body_is_counted_and_refused_at_the_limit(strict):
    async def chunks():
        for _ in range(100):
            yield b" " * 1024

    answer = await strict.post("/petitions", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413 and answer.json()["errors"][0]["field"] == "body"


async def test_an_upload_over_the_import_limit_is_413_on_file(strict):
    answer = await strict.post("/petitions:import", headers=strict.headers_for("secretariat"),
                               files={"file": ("ds.csv", b"content\n" + b"x" * 200_000)})
    assert answer.status_code == 413 and answer.json()["errors"][0]["field"] == "file"


async def test_writes_beyond_the_rate_are_429_with_retry_after(strict):
    secretariat = strict.headers_for("secretariat")
    meeting = await make_meeting(strict, secretariat)  # two writes
    statuses = []
    for _ in range(4):
        answer = await strict.post("/petitions", headers=secretariat, json={"meeting_id": meeting["id"], "content": CONTENT})
        statuses.append(answer.status_code)
    assert statuses == [201, 201, 201, 429]
    assert int(answer.headers["retry-after"]) >= 1 and answer.json()["status"] == 429
    other = await strict.post("/sessions", headers=strict.headers_for("admin"),
                              json={"name": "Kỳ họp", "term": "2021-2026", "starts_on": "2024-12-05"})
    assert other.status_code == 201  # another client keeps its own budget
    assert (await strict.get("/petitions", headers=secretariat)).status_code == 200  # reads are not writes


async def test_imports_beyond_the_rate_are_429(strict):
    admin = strict.headers_for("admin")
    statuses = [(await strict.post("/petitions:import", headers=admin,
                                   files={"file": ("ds.csv", b"content\n")})).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


async def test_limits_are_counted_in_prometheus(strict):
    await strict.post("/petitions", content=b"x" * 5000, headers={"content-type": "application/json"})
    metrics = (await strict.get("/metrics")).text
    assert 'status="413"' in metrics
