"""Keyset pages mean one thing in every service: a next cursor only when another item exists."""

from datetime import UTC, datetime, timedelta

from tests.support.monitoring import assigned_petition
from tests.support.apps import auth_headers


async def test_a_full_last_page_hands_out_no_cursor_to_an_empty_one(client, runtime, settings):
    start = datetime.now(UTC) - timedelta(days=3)
    ids = [await assigned_petition(runtime, "08.SGTVT", start + timedelta(minutes=i)) for i in range(4)]
    headers = auth_headers(settings, "secretariat")
    first = (await client.get("/petitions", params={"limit": 2}, headers=headers)).json()
    assert first["next_cursor"]
    last = (await client.get("/petitions", params={"limit": 2, "cursor": first["next_cursor"]},
                             headers=headers)).json()
    assert [item["petition_id"] for item in first["items"] + last["items"]] == [str(i) for i in reversed(ids)]
    assert last["next_cursor"] is None
