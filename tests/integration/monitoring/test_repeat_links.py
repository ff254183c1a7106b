"""An undone repeat link (petitions.unlinked) takes the petition out of its matter in monitoring too."""

import uuid
from datetime import datetime, timedelta, timezone

from services.monitoring.tracking import repository as petition_repository
from shared.events import PetitionUnlinked, make_envelope
from tests.support.monitoring import deliver, linked, received


async def test_unlinked_petition_leaves_the_matter_and_its_repeats_follow_it(runtime):
    at = datetime(2025, 3, 1, tzinfo=timezone.utc)
    first, second, third = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await deliver(runtime, received(first, at), received(second, at + timedelta(days=1)),
                  received(third, at + timedelta(days=2)),
                  linked(third, second, second, at + timedelta(days=3)),
                  linked(second, first, first, at + timedelta(days=4)),
                  linked(third, second, first, at + timedelta(days=4)))
    undone = make_envelope("intake", second, PetitionUnlinked(earlier_id=first, by="thu-ky"),
                           occurred_at=at + timedelta(days=5))
    await deliver(runtime, undone, linked(third, second, second, at + timedelta(days=5)))
    async with runtime.uow() as uow:
        again = await petition_repository.get(uow.session, second)
        follower = await petition_repository.get(uow.session, third)
        assert again.repeat_of is None and again.matter_id == second
        assert follower.repeat_of == second and follower.matter_id == second
        entries = await petition_repository.timeline(uow.session, second)
        assert [entry.type for entry in entries][-1] == "unlinked"
