"""Durable pull consumers that apply events in batches: one transaction per batch, exactly once.

A batch is applied in one unit of work (each event's inbox row with its effects), so the cost of a
commit is shared by up to `batch` events. If anything in it fails, the batch is rolled back and each
message is applied alone, so one bad or early message never holds back the others. While a batch is
being applied its messages are kept with in-progress acknowledgements; the ack wait itself stays
short, so the messages of a consumer that was killed come back within seconds.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from contextlib import asynccontextmanager

import nats
import structlog
from nats.js import api
from pydantic import ValidationError

from shared.events import DATA_TYPES, Envelope, EventData, subject_of
from shared.messaging import BatchPreparer, ConsumerSpec, NatsLink, PoisonMessage, quietly, raise_if_cancelling
from shared.observability import ServiceMetrics
from shared.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)
REST_OF_BATCH_SECONDS = 0.002  # the no-wait pull for what is already waiting behind the first message

# What applies one event: given its unit of work, its envelope and its typed payload.
TypedHandler = Callable[[UnitOfWork, Envelope, EventData], Awaitable[None]]


class Dispatch:
    """Events dispatched by (type, version): the one place that refuses a version nobody handles."""

    def __init__(self, handlers: Mapping[tuple[str, int], TypedHandler]):
        unknown = {event_type for event_type, _ in handlers} - set(DATA_TYPES)
        if unknown:
            raise ValueError(f"no such event types: {sorted(unknown)}")
        self._handlers = dict(handlers)

    @property
    def subjects(self) -> list[str]:
        return sorted({subject_of(event_type) for event_type, _ in self._handlers})

    async def __call__(self, uow: UnitOfWork, envelope: Envelope) -> None:
        handler = self._handlers.get((envelope.type, envelope.version))
        if handler is None:  # never applied, whatever the attempt: a poison message
            raise PoisonMessage(f"{envelope.type} version {envelope.version} is not supported")
        await handler(uow, envelope, envelope.parsed())


def consumer_spec(durable: str, handlers: Mapping[tuple[str, int], TypedHandler],
                  prepare: BatchPreparer | None = None) -> ConsumerSpec:
    """A durable consumer of the subjects of these event types, each applied by its handler."""
    dispatch = Dispatch(handlers)
    return ConsumerSpec(durable=durable, subjects=dispatch.subjects, handler=dispatch, prepare=prepare)


class EventConsumer:
    def __init__(self, spec: ConsumerSpec, link: NatsLink, uow_factory: Callable[[], UnitOfWork],
                 metrics: ServiceMetrics, batch: int = 200):
        self.spec = spec
        self._link = link
        self._uow_factory = uow_factory
        self._metrics = metrics
        self._batch = batch
        self._subscription = None
        self._stopping = asyncio.Event()

    def stop(self) -> None:
        """Finish the batch in hand and fetch no more (a cancel could cut a transaction in two)."""
        self._stopping.set()

    async def ensure(self):
        config = api.ConsumerConfig(
            name=self.spec.durable, durable_name=self.spec.durable,
            filter_subjects=self.spec.subjects if len(self.spec.subjects) > 1 else None,
            filter_subject=self.spec.subjects[0] if len(self.spec.subjects) == 1 else None,
            ack_policy=api.AckPolicy.EXPLICIT, deliver_policy=api.DeliverPolicy.ALL,
            max_deliver=self.spec.max_deliver, ack_wait=self.spec.ack_wait_seconds,
            max_ack_pending=max(1000, 4 * self._batch),
        )
        await self._link.js.add_consumer(self._link.stream_name, config)
        return await self._link.js.pull_subscribe_bind(durable=self.spec.durable, stream=self._link.stream_name)

    async def run(self) -> None:
        if not await self._until_connected():
            return
        self._subscription = None
        try:
            await self._fetch_forever()
        finally:
            # A pull subscription left open makes drain() wait for its whole timeout.
            if self._subscription is not None:
                await quietly(self._subscription.unsubscribe())

    async def _until_connected(self) -> bool:
        """Wait for NATS, or for stop(): a service stopped before NATS was ever reached stops at once."""
        waits = [asyncio.ensure_future(self._link.ready.wait()), asyncio.ensure_future(self._stopping.wait())]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        return not self._stopping.is_set()

    async def _fetch_forever(self) -> None:
        backoff = 0.2
        while not self._stopping.is_set():
            try:
                if self._subscription is None:
                    self._subscription = await self.ensure()
                messages = await self._next_batch()
                backoff = 0.2
            except (asyncio.TimeoutError, nats.errors.TimeoutError):
                raise_if_cancelling()
                self._metrics.consumer_pending.labels(consumer=self.spec.durable).set(0)  # nothing left to hand out
                continue
            except Exception as exc:  # noqa: BLE001 - NATS away: retry, re-binding if needed
                raise_if_cancelling()
                logger.warning("consumer %s: %s; retrying in %.1fs", self.spec.durable, exc, backoff)
                if not self._link.connected:
                    self._subscription = None
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
                continue
            await self.handle_batch(messages)

    async def _next_batch(self) -> list:
        """The next message (waiting up to a second), then whatever else is already there.

        One fetch of a whole batch waits, once its first message has come, until the batch is full or
        the wait is over: at a trickle every event sat up to a second in each consumer. Asking for one
        and then taking what is waiting (a no-wait pull, a few milliseconds at most) keeps both the
        batches under load and the latency when the load is light. When the first says nothing is
        waiting behind it, that pull is skipped: nats-py sends it with an expiry the server waits out.
        """
        messages = await self._subscription.fetch(1, timeout=1)
        if self._batch > 1 and _more_waiting(messages[-1]):
            try:
                messages += await self._subscription.fetch(self._batch - 1, timeout=REST_OF_BATCH_SECONDS)
            except (asyncio.TimeoutError, nats.errors.TimeoutError):
                pass  # nothing else waiting: a late one stays in the client's queue for the next fetch
        return messages

    async def handle_batch(self, messages: list) -> None:
        self._count_delivery(messages)
        parsed = [(message, envelope) for message in messages
                  if (envelope := await self._parse(message)) is not None]
        if not parsed:
            return
        async with self._kept_in_progress([message for message, _ in parsed]):
            try:
                outcomes = await self.apply_all([envelope for _, envelope in parsed])
            except Exception:  # noqa: BLE001 - find the message at fault: apply each alone
                raise_if_cancelling()
                for message, envelope in parsed:
                    await self._handle_one(message, envelope)
                return
        for (message, _), applied in zip(parsed, outcomes):
            await self._acknowledge(message, applied)

    def _count_delivery(self, messages: list) -> None:
        """Lag (what the stream still holds for this durable) and redeliveries, from the messages' metadata."""
        for message in messages:
            try:
                metadata = message.metadata
            except Exception:  # noqa: BLE001 - a message without JetStream metadata
                continue
            if metadata.num_delivered > 1:
                self._metrics.redeliveries.labels(consumer=self.spec.durable).inc()
            self._metrics.consumer_pending.labels(consumer=self.spec.durable).set(metadata.num_pending)

    async def handle(self, message) -> None:
        """Apply one message on its own (its batch failed, or a caller has a single message)."""
        envelope = await self._parse(message)
        if envelope is not None:
            await self._handle_one(message, envelope)

    async def _parse(self, message) -> Envelope | None:
        try:
            envelope = Envelope.model_validate_json(message.data)
            if envelope.type not in DATA_TYPES:
                raise PoisonMessage(f"unknown event type {envelope.type!r}")
            return envelope
        except (ValidationError, PoisonMessage) as exc:
            await self._poison(message, exc)
            return None

    async def _handle_one(self, message, envelope: Envelope) -> None:
        with structlog.contextvars.bound_contextvars(**_log_ids(envelope)):
            await self._handle_one_logged(message, envelope)

    async def _handle_one_logged(self, message, envelope: Envelope) -> None:
        try:
            applied = await self.apply(envelope)
        except (ValidationError, PoisonMessage) as exc:
            await self._poison(message, exc)
            return
        except Exception:  # noqa: BLE001 - transient (database busy, ...): redeliver later
            logger.exception("consumer %s failed on event %s; will retry", self.spec.durable, envelope.id)
            self._metrics.events_consumed.labels(consumer=self.spec.durable, outcome="retry").inc()
            await quietly(message.nak(delay=retry_delay(message)))
            return
        await self._acknowledge(message, applied)

    async def apply(self, envelope: Envelope) -> bool:
        """Apply one event exactly once; False if it had been applied before."""
        [applied] = await self.apply_all([envelope])
        return applied

    async def apply_all(self, envelopes: list[Envelope]) -> list[bool]:
        """Apply events in order in one transaction; for each, False if it had been applied before."""
        async with self._uow_factory() as uow:
            new = await uow.claim_all(self.spec.durable, [envelope.id for envelope in envelopes])
            if self.spec.prepare is not None:
                await self.spec.prepare(uow, [envelope for envelope in envelopes if envelope.id in new])
            outcomes = []
            for envelope in envelopes:
                first = envelope.id in new  # a copy later in the same batch is a duplicate
                if first:
                    new.discard(envelope.id)
                    with structlog.contextvars.bound_contextvars(**_log_ids(envelope)):
                        await self.spec.handler(uow, envelope)
                        logger.debug("event applied", extra={"consumer": self.spec.durable, "type": envelope.type})
                outcomes.append(first)
            await uow.commit()
        return outcomes

    async def _acknowledge(self, message, applied: bool) -> None:
        outcome = "applied" if applied else "duplicate"
        self._metrics.events_consumed.labels(consumer=self.spec.durable, outcome=outcome).inc()
        await quietly(message.ack())

    @asynccontextmanager
    async def _kept_in_progress(self, messages: list):
        """Tell JetStream every third of the ack wait that these messages are still being worked on."""
        async def keep() -> None:
            while True:
                await asyncio.sleep(self.spec.ack_wait_seconds / 3)
                for message in messages:
                    await quietly(message.in_progress())

        task = asyncio.create_task(keep())
        try:
            yield
        finally:
            task.cancel()
            await quietly(task)

    async def _poison(self, message, exc: Exception) -> None:
        # Log the reason, never the payload: it may be a petition's text.
        logger.error("consumer %s terminated a poison message on %s: %s",
                     self.spec.durable, message.subject, str(exc)[:300])
        self._metrics.events_consumed.labels(consumer=self.spec.durable, outcome="poison").inc()
        await quietly(message.term())


def _more_waiting(message) -> bool:
    """What the server said was still pending for the consumer when it delivered this message. Its
    count leaves out redeliveries: behind one of those (a replica died holding a batch) others may wait."""
    try:
        return message.metadata.num_pending > 0 or message.metadata.num_delivered > 1
    except (AttributeError, IndexError, ValueError):  # not a JetStream delivery: look
        return True


def _log_ids(envelope: Envelope) -> dict:
    return {"event_id": str(envelope.id), "petition_id": str(envelope.petition_id)}


def retry_delay(message) -> float:
    """Seconds before a failed message comes back: 2, 4, 8 ... capped at a minute."""
    try:
        delivered = message.metadata.num_delivered
    except Exception:  # noqa: BLE001 - a message without JetStream metadata
        delivered = 1
    return float(min(2 ** min(delivered, 6), 60))
