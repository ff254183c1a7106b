"""X-Request-ID: taken from the caller when sane, made when absent, answered, kept on the link history."""

import uuid

from tests.integration.intake.test_repeats import AGAIN, FIRST, _post
from tests.support.intake import make_meeting


async def test_a_request_id_is_made_when_absent_and_a_bad_one_is_replaced(intake, secretariat):
    made = await intake.get("/sessions", headers=secretariat)
    assert uuid.UUID(made.headers["x-request-id"])
    kept = await intake.get("/sessions", headers={**secretariat, "X-Request-ID": "trace-42"})
    assert kept.headers["x-request-id"] == "trace-42"
    for bad in (b"a b", b"x" * 101, "ngắn".encode()):  # spaces, too long, not ASCII: nothing a log parser trips on
        answer = await intake.get("/sessions", headers={**secretariat, "X-Request-ID": bad})
        assert uuid.UUID(answer.headers["x-request-id"])
    refused = await intake.get("/sessions", headers={"X-Request-ID": "trace-43"})  # a 401 carries it too
    assert refused.status_code == 401 and refused.headers["x-request-id"] == "trace-43"


async def test_the_link_history_keeps_the_requests_that_made_and_undid_it(intake, secretariat):
    meeting = await make_meeting(intake, secretariat)
    first, again = await _post(intake, secretariat, meeting, FIRST), await _post(intake, secretariat, meeting, AGAIN)
    linked = await intake.post(f"/petitions/{again['id']}/link", json={"earlier_id": first["id"]},
                               headers={**secretariat, "X-Request-ID": "link-7"})
    assert linked.status_code == 200, linked.text
    undone = await intake.delete(f"/petitions/{again['id']}/link", headers={**secretariat, "X-Request-ID": "undo-8"})
    assert undone.status_code == 200, undone.text
    [link] = (await intake.get(f"/petitions/{again['id']}/links", headers=secretariat)).json()
    assert (link["request_id"], link["undone_request_id"]) == ("link-7", "undo-8")
