"""Events reach the handler registered for their (type, version); any other version is a poison message."""

import uuid
import pytest

from services.intake.petitions.handlers import OUTCOME_CONSUMER
from services.monitoring.settings import MonitoringSettings
from services.monitoring.tracking.handlers import consumers as monitoring_consumers
from shared.consumers import Dispatch, consumer_spec
from shared.events import PetitionReturned, make_envelope
from shared.messaging import PoisonMessage


def returned_event(version: int = 1):
    envelope = make_envelope("monitoring", uuid.uuid4(), PetitionReturned(agency_code="08.SGTVT", note="Sai", by="a"))
    return envelope.model_copy(update={"version": version})


async def test_each_event_reaches_its_handler_with_its_typed_payload():
    seen = []

    async def on_returned(uow, envelope, data):
        seen.append(("returned", data))

    async def on_status(uow, envelope, data):
        seen.append(("status", data))

    dispatch = Dispatch({("returned", 1): on_returned, ("status_changed", 1): on_status})
    event = returned_event()
    await dispatch(None, event)
    assert seen == [("returned", PetitionReturned(agency_code="08.SGTVT", note="Sai", by="a"))]
    assert dispatch.subjects == ["petitions.returned", "petitions.status_changed"]


@pytest.mark.parametrize("version", [0, 2])
async def test_a_version_nobody_handles_is_poison_before_any_handler_runs(version):
    called = []

    async def on_returned(uow, envelope, data):
        called.append(envelope)

    with pytest.raises(PoisonMessage, match=f"version {version}"):
        await Dispatch({("returned", 1): on_returned})(None, returned_event(version))
    assert called == []


def test_a_map_naming_an_event_type_that_does_not_exist_is_refused():
    async def nothing(uow, envelope, data):
        return None

    with pytest.raises(ValueError, match="reopened"):
        consumer_spec("x", {("reopened", 1): nothing})


def test_every_service_registers_its_consumers_through_the_map(tmp_path):
    specs = [OUTCOME_CONSUMER, *monitoring_consumers(MonitoringSettings(run_dir=tmp_path))]
    assert all(isinstance(spec.handler, Dispatch) for spec in specs)
    assert OUTCOME_CONSUMER.subjects == ["petitions.status_changed"]
