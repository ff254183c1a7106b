"""Two intake replicas on one database: yearly codes stay unique and gap-free under concurrent entry."""

import asyncio
import re

from tests.support.intake import intake_client, make_meeting

CONTENT = "Cử tri đề nghị nạo vét kênh mương nội đồng thôn Đồng Mới trước vụ xuân."
PER_REPLICA = 24


async def test_two_intakes_give_unique_gap_free_codes(database_url, nats_server, tmp_path):
    async with intake_client(database_url, nats_server.url, tmp_path) as first, \
            intake_client(database_url, nats_server.url, tmp_path) as second:
        headers = first.headers_for("secretariat")
        meeting = await make_meeting(first, headers)

        async def enter(client, index: int) -> str | None:
            body = {"meeting_id": meeting["id"], "content": f"{CONTENT} Lần {index}."}
            if index % 7 == 0:
                body["voters_count"] = -1  # refused: takes no number
            response = await client.post("/petitions", headers=headers, json=body)
            assert response.status_code in (201, 422), response.text
            return response.json()["code"] if response.status_code == 201 else None

        codes = await asyncio.gather(*(enter(client, index) for index in range(PER_REPLICA)
                                       for client in (first, second)))
    taken = [code for code in codes if code]
    numbers = sorted(int(re.fullmatch(r"KN-\d{4}-(\d{6})", code).group(1)) for code in taken)
    assert len(taken) == 2 * (PER_REPLICA - len(range(0, PER_REPLICA, 7)))
    assert numbers == list(range(1, len(taken) + 1))  # unique and without a gap
