"""NATS JetStream plumbing: a connection that survives outages, the outbox relay, durable consumers."""

import asyncio
import dataclasses
import json
import logging
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import nats
from nats.js import api
from nats.js.errors import NotFoundError
from sqlalchemy import false, func, select, true, union_all, update

from shared.events import Envelope
from shared.observability import ServiceMetrics
from shared.settings import ServiceSettings
from shared.unit_of_work import UnitOfWork

logger = logging.getLogger(__name__)

DUPLICATE_WINDOW_SECONDS = 3600.0
PUBLISH_ACK_SECONDS = 5.0  # a batch's acknowledgements; as long as the JetStream context's own timeout


class NatsUnavailable(RuntimeError):
    pass


class PoisonMessage(Exception):
    """An event that can never be applied (bad shape, impossible reference): terminated, not retried."""


class NatsLink:
    """Connects in the background and keeps reconnecting, so a service starts (unready) without NATS."""

    def __init__(self, url: str | list[str], name: str, stream_name: str | None = None,
                 settings: ServiceSettings | None = None):
        self._servers = [server.strip() for server in url.split(",")] if isinstance(url, str) else url
        self._name = name
        self._settings = settings or ServiceSettings.model_construct(stream_name=stream_name or "PETITIONS")
        self.stream_name = self._settings.stream_name
        self.nc: nats.NATS | None = None
        self.js = None
        self.ready = asyncio.Event()
        self._task: asyncio.Task | None = None

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> "NatsLink":
        return cls(settings.nats_servers, settings.service_name, settings=settings)

    @property
    def connected(self) -> bool:
        return self.nc is not None and self.nc.is_connected

    def start(self) -> None:
        self._task = asyncio.create_task(self._connect_forever(), name=f"nats-connect-{self._name}")

    async def _connect_forever(self) -> None:
        delay = 0.2
        while True:
            try:
                self.nc = await nats.connect(
                    self._servers, name=self._name, connect_timeout=2, reconnect_time_wait=1,
                    max_reconnect_attempts=-1, allow_reconnect=True, error_cb=self._on_error, drain_timeout=5,
                    **connection_security(self._settings),
                )
                self.js = self.nc.jetstream(timeout=PUBLISH_ACK_SECONDS)
                await ensure_stream(self.js, self._settings)
                self.ready.set()
                logger.info("connected to NATS at %s", self.nc.connected_url.netloc if self.nc.connected_url else "?")
                return
            except Exception as exc:  # noqa: BLE001 - any failure means: try again later
                raise_if_cancelling()  # nats.connect's wait_for can turn our cancellation into a timeout
                logger.warning("NATS not reachable at %s (%s); retrying in %.1fs", ",".join(self._servers), exc, delay)
                if self.nc is not None:
                    await quietly(self.nc.close())
                    self.nc = None
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _on_error(self, exc: Exception) -> None:
        logger.warning("NATS connection error: %s", exc)

    async def close(self) -> None:
        if self._task and not self._task.done():
            self._task.cancel()
            await asyncio.wait({self._task}, timeout=5)  # bounded: a library may still swallow it
        if self.nc is not None and not self.nc.is_closed:
            await quietly(self.nc.drain())


def raise_if_cancelling() -> None:
    """Re-raise a cancellation that a library's wait_for turned into a TimeoutError (Python 3.11)."""
    task = asyncio.current_task()
    if task is not None and task.cancelling():
        raise asyncio.CancelledError


async def quietly(awaitable) -> None:
    try:
        await awaitable
    except (Exception, asyncio.CancelledError):  # noqa: BLE001 - shutting down
        pass


def connection_security(settings: ServiceSettings) -> dict:
    """TLS (a CA, and a client certificate when the cluster asks for one) and a credentials file."""
    options: dict = {}
    if settings.nats_tls_ca or settings.nats_tls_cert:
        context = ssl.create_default_context(cafile=str(settings.nats_tls_ca) if settings.nats_tls_ca else None)
        if settings.nats_tls_cert:
            context.load_cert_chain(str(settings.nats_tls_cert), str(settings.nats_tls_key))
        options["tls"] = context
    if settings.nats_creds_file:
        options["user_credentials"] = str(settings.nats_creds_file)
    return options


def stream_config(settings: ServiceSettings) -> api.StreamConfig:
    # LIMITS retention: every durable (routing's, monitoring's, intake's) reads every event it filters.
    return api.StreamConfig(
        name=settings.stream_name, subjects=["petitions.>"], storage=api.StorageType.FILE,
        retention=api.RetentionPolicy.LIMITS, duplicate_window=DUPLICATE_WINDOW_SECONDS,
        num_replicas=settings.stream_replicas, max_age=settings.stream_max_age_days * 86400.0,
        max_bytes=settings.stream_max_bytes,
    )


async def ensure_stream(js, settings: ServiceSettings | str) -> None:
    """Create the stream, or raise what the server has to the settings; never lower it.

    An operator may give the stream more replicas or looser limits by hand; a service start keeps them.
    """
    if isinstance(settings, str):
        settings = ServiceSettings.model_construct(stream_name=settings)
    wanted = stream_config(settings)
    try:
        current = (await js.stream_info(wanted.name)).config
    except NotFoundError:
        await js.add_stream(wanted)
        return
    merged = never_lower(current, wanted)
    if merged != current:
        await js.update_stream(merged)


def never_lower(current: api.StreamConfig, wanted: api.StreamConfig) -> api.StreamConfig:
    return dataclasses.replace(
        current,
        subjects=sorted(set(current.subjects or []) | set(wanted.subjects)),
        num_replicas=max(current.num_replicas or 1, wanted.num_replicas),
        duplicate_window=max(current.duplicate_window or 0, wanted.duplicate_window),
        max_age=_looser(current.max_age, wanted.max_age, unlimited=0),
        max_bytes=_looser(current.max_bytes, wanted.max_bytes, unlimited=-1),
    )


def _looser(current, wanted, unlimited):
    # Settings without a limit express no wish: the server's value (an operator's, perhaps) stays.
    if current is None:
        return wanted
    if current == unlimited or wanted == unlimited:
        return current
    return max(current, wanted)


class OutboxRelay:
    """Publishes committed outbox rows to JetStream, with the event id as Nats-Msg-Id.

    Rows are read, published, then marked in a second transaction: a crash in between republishes,
    and JetStream's duplicate window drops the copy.
    """

    def __init__(self, session_factory, outbox_model, link: NatsLink, metrics: ServiceMetrics,
                 poll_seconds: float = 1.0, batch_size: int = 200):
        self._session_factory = session_factory
        self._outbox = outbox_model
        self._link = link
        self._metrics = metrics
        self._poll_seconds = poll_seconds
        self._batch_size = batch_size
        self._wakeup = asyncio.Event()

    def wake(self) -> None:
        self._wakeup.set()

    async def run(self) -> None:
        backoff = 0.2
        while True:
            try:
                published = await self.publish_pending()
                backoff = 0.2
            except Exception as exc:  # noqa: BLE001 - NATS away or DB busy: back off and retry
                raise_if_cancelling()
                logger.warning("outbox relay: %s; retrying in %.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            if published < self._batch_size:
                await self._wait_for_work()

    async def _wait_for_work(self) -> None:
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can turn a cancellation that lands
        # as the timeout fires into a TimeoutError, and the relay would never stop.
        try:
            async with asyncio.timeout(self._poll_seconds):
                await self._wakeup.wait()
        except TimeoutError:
            pass
        self._wakeup.clear()

    async def publish_pending(self) -> int:
        async with self._session_factory() as session:
            if session.bind.dialect.name == "postgresql":
                return await self._publish_claimed(session)
            # SQLite has one writer and runs one replica: read, publish, then mark.
            rows = (await session.execute(self._unpublished())).all()
            await session.rollback()
        if not rows:
            return 0
        self._check_connected(rows)
        done: list[int] = []
        try:
            await self._publish(rows, done)
        finally:
            await self._mark_published(done)
        return len(done)

    async def _publish_claimed(self, session) -> int:
        """Several replicas: each claims rows no other relay holds (FOR UPDATE SKIP LOCKED) and marks
        them in the same transaction, so a row is sent by one relay at a time. A petition with an
        earlier event still held by another relay waits for the next round: its order is kept.
        Claim, mark and the look at rows held elsewhere are one statement: each round trip to PostgreSQL
        costs milliseconds on a busy core, and the relay sits on every event's path."""
        rows = (await session.execute(self._claim_and_mark())).all()
        mine = sorted((row for row in rows if not row.held), key=lambda row: row.seq)
        if not mine:
            await session.rollback()
            return 0
        self._check_connected(mine)
        held_elsewhere: dict[str | None, int] = {}
        for row in sorted((row for row in rows if row.held), key=lambda row: row.seq):  # the earliest is kept
            held_elsewhere.setdefault(_petition_of(row.payload), row.seq)
        free = [row[:4] for row in mine if row.seq < held_elsewhere.get(_petition_of(row.payload), row.seq + 1)]
        done: list[int] = []
        try:
            await self._publish(free, done)
        finally:
            sent = set(done)
            if unsent := [row.seq for row in mine if row.seq not in sent]:
                await session.execute(self._marked(unsent, published_at=None))
            await session.commit()
        return len(done)

    def _claim_and_mark(self):
        """Our claimed rows, already marked (held false), then every other unpublished row before our
        last: another relay holds those (held true). One snapshot: a row claimed by us reads as
        unpublished in it, hence the NOT IN."""
        outbox = self._outbox
        claimed = self._unpublished().with_only_columns(outbox.seq).with_for_update(skip_locked=True).cte("claimed")
        marked = (update(outbox).where(outbox.seq == claimed.c.seq)
                  .values(published_at=datetime.now(timezone.utc))
                  .returning(outbox.seq, outbox.event_id, outbox.subject, outbox.payload).cte("marked"))
        ours = select(marked.c.seq, marked.c.event_id, marked.c.subject, marked.c.payload,
                      false().label("held"))
        ahead = (select(outbox.seq, outbox.event_id, outbox.subject, outbox.payload, true().label("held"))
                 .where(outbox.published_at.is_(None),
                        outbox.seq < select(func.max(claimed.c.seq)).scalar_subquery(),
                        outbox.seq.not_in(select(claimed.c.seq))))
        return union_all(ours, ahead)

    def _unpublished(self):
        return (select(self._outbox.seq, self._outbox.event_id, self._outbox.subject, self._outbox.payload)
                .where(self._outbox.published_at.is_(None)).order_by(self._outbox.seq).limit(self._batch_size))

    def _check_connected(self, rows) -> None:
        if not self._link.connected or self._link.js is None:
            raise NatsUnavailable(f"{len(rows)} events waiting for NATS")

    async def _publish(self, rows, done: list[int]) -> None:
        """Sends the rows back to back and then waits for their acknowledgements together: one round trip
        for the batch, not one per event (each woke nats-server and waited for it on a shared core). The
        connection keeps the outbox's order. Only the acknowledged rows before the first failure count as
        published; the rest go again (JetStream's duplicate window drops what already arrived)."""
        js = self._link.js
        acks = [await js.publish_async(subject, payload.encode(), headers={"Nats-Msg-Id": event_id})
                for _seq, event_id, subject, payload in rows]
        try:
            async with asyncio.timeout(PUBLISH_ACK_SECONDS):
                outcomes = await asyncio.gather(*acks, return_exceptions=True)
        except TimeoutError:
            for ack in acks:
                ack.cancel()
            raise
        for (seq, _event_id, subject, _payload), outcome in zip(rows, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                raise outcome
            done.append(seq)
            self._metrics.events_published.labels(subject=subject).inc()

    def _marked(self, seqs: list[int], published_at: datetime | None):
        return update(self._outbox).where(self._outbox.seq.in_(seqs)).values(published_at=published_at)

    async def measure_backlog(self) -> tuple[int, float]:
        """Unpublished rows and the age of the oldest, in seconds; also set as the backlog gauges."""
        async with self._session_factory() as session:
            count, oldest = (await session.execute(
                select(func.count(), func.min(self._outbox.created_at)).where(self._outbox.published_at.is_(None))
            )).one()
            await session.rollback()
        if oldest is not None and oldest.tzinfo is None:  # SQLite hands back naive UTC from an aggregate
            oldest = oldest.replace(tzinfo=timezone.utc)
        age = max((datetime.now(timezone.utc) - oldest).total_seconds(), 0.0) if oldest else 0.0
        self._metrics.outbox_backlog.set(count)
        self._metrics.outbox_oldest_age.set(age)
        return count, round(age, 3)

    async def _mark_published(self, seqs: list[int]) -> None:
        if not seqs:
            return
        async with self._session_factory() as session:
            await session.execute(self._marked(seqs, datetime.now(timezone.utc)))
            await session.commit()


def _petition_of(payload: str) -> str | None:
    return json.loads(payload).get("petition_id")


EventHandler = Callable[[UnitOfWork, Envelope], Awaitable[None]]
BatchPreparer = Callable[[UnitOfWork, list[Envelope]], Awaitable[None]]


@dataclass
class ConsumerSpec:
    durable: str
    subjects: list[str]
    handler: EventHandler
    # Optional: called once per batch before its events are applied (e.g. to load their rows at once).
    prepare: BatchPreparer | None = None
    # Unlimited: a transient failure (database down for minutes) must not drop an event; messages
    # that can never apply are terminated explicitly instead.
    max_deliver: int = -1
    # Short, so a killed consumer's messages come back within seconds; a consumer still working on
    # a batch keeps it with in-progress acknowledgements (see shared.consumers).
    ack_wait_seconds: float = 5.0
