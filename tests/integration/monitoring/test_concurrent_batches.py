"""Two replicas changing one petition at once (PostgreSQL row locks): the second, once it holds the
lock, must build on the first one's version, not on the one it saw before it waited.

The chaos run caught it: a batch locked its petitions and read their open versions in one statement;
PostgreSQL hands the locked row back as the other transaction committed it, but the joined version as
the statement first saw it. Closed twice, the old version's state was taken off the ledgers twice
(the monthly report said -1 awaiting routing) and the petition kept two open versions.
"""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from services.monitoring.base import FOREVER
from services.monitoring.tracking import projections
from services.monitoring.tracking.models import PetitionVersion, StateCount
from tests.support.monitoring import assigned_petition, routed

pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(pg_cluster):
    return pg_cluster.create_database()


async def _waiting_for_a_lock(runtime) -> None:
    for _ in range(200):
        async with runtime.engine.connect() as connection:
            if await connection.scalar(text("SELECT count(*) FROM pg_locks WHERE NOT granted")):
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the second batch never waited for the petition's lock")


async def test_a_batch_that_waited_for_a_petition_builds_on_the_version_committed_meanwhile(runtime):
    at = datetime.now(UTC) - timedelta(days=2)
    petition_id = await assigned_petition(runtime, "08.SGTVT", at)
    first = routed(petition_id, at + timedelta(hours=2), "076.UBND", "district", sequence=2)
    second = routed(petition_id, at + timedelta(hours=3), "11.SXD", "province", sequence=3)
    async with runtime.uow() as uow:  # the first replica: holds the petition, not yet committed
        await projections.apply_routed(uow, petition_id, first.parsed(), first.occurred_at, first.sequence,
                                       runtime.settings)
        waiting = asyncio.create_task(runtime.consumers[0].apply_all([second]))
        await _waiting_for_a_lock(runtime)
        await uow.commit()
    assert await waiting == [True]

    async with runtime.uow() as uow:
        open_versions = (await uow.session.scalars(select(PetitionVersion.agency_code).where(
            PetitionVersion.petition_id == petition_id, PetitionVersion.valid_to == FOREVER))).all()
        by_agency = dict((await uow.session.execute(
            select(StateCount.agency_code, func.sum(StateCount.delta)).group_by(StateCount.agency_code)
            .having(func.sum(StateCount.delta) != 0))).all())
    assert open_versions == ["11.SXD"]
    assert by_agency == {"11.SXD": 1}
