"""The worker: consumer group on `articles.raw` -> pipeline -> atomic commit.

The batch path lives here: validate, drop exact duplicates, enrich, flag near
duplicates, commit (service.commit). FastStream's RedisBroker reads batches
(XREADGROUP with COUNT); service.reclaimer takes back entries a dead replica (or
this consumer name before a restart) left pending; service.monitor keeps the
gauges. `Worker.burst` runs the same code without the broker: it processes what
the stream holds and returns, for tests and one-off runs. HTTP (/metrics,
/healthz, /readyz) is served on one port.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis.exceptions
from faststream import AckPolicy
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisBatchStreamMessage
from faststream.redis.broker.cluster_broker import RedisClusterBroker
from faststream.redis.prometheus import RedisPrometheusMiddleware
from prometheus_client import make_asgi_app

from contracts.models import ArticleIn, DeadLetter, EnrichedArticle
from service import STARTED_MONOTONIC, __version__, metrics, names
from service.cleaning_watch import observe_cleaning
from service.clustering import cluster_spec
from service.commit import CommitItem, Committer, slotted
from service.config import Settings
from service.connection import make_client, redis_kwargs, redis_url
from service.logs import get_logger
from service.monitor import GroupMonitor
from service.near_duplicates import NearDuplicateIndex, comparable_signature
from service.nlp import MODEL_NAME, load_nlp, model_version
from service.pipeline import PipelineFn, content_hash, pipeline_batch
from service.reclaimer import Reclaimer
from service.stream_ids import entry_seconds
from service.validate import Rejected, parse_entry

log = get_logger("depeche.worker")
Entry = tuple[str, dict[bytes, bytes]]
_T = TypeVar("_T")
_REPROCESS = names.REPROCESS_FIELD.encode()


def _observe(stage: str, seconds: float) -> None:
    metrics.STAGE_SECONDS.labels(stage=stage).observe(seconds)


@dataclass(frozen=True)
class _Valid:
    entry_id: str
    article: ArticleIn
    digest: str
    reprocess: bool  # the entry asks for re-enrichment even if its content was seen


class Worker:
    """One replica: everything it needs to read, process and commit.

    `pipeline` is what enriches a batch (the real one by default); tests inject one that raises or
    stalls, and get the real reading, retrying, dead-lettering and committing around it."""

    def __init__(self, settings: Settings, pipeline: PipelineFn = pipeline_batch, redis: Any = None) -> None:
        self.settings = settings
        self.pipeline = pipeline
        self.redis: Any = redis if redis is not None else make_client(settings)
        self.keys = settings.keys
        self.committer = Committer(
            self.redis,
            input_stream=settings.input_stream,
            output_stream=settings.output_stream,
            dlq_stream=settings.dlq_stream,
            events_stream=settings.events_stream,
            group=settings.group,
            dedup_ttl=settings.dedup_ttl_seconds,
            maxlen=settings.output_maxlen,
            event_prefix=self.keys.event_prefix,
        )
        self.near = NearDuplicateIndex(self.redis, settings.near_duplicate_threshold, settings.dedup_ttl_seconds,
                                       self.keys.near_prefix)
        self.reclaimer = Reclaimer(self)
        self.monitor = GroupMonitor(self.redis, settings)
        self.model_loaded = False
        self.subscriber_running = False
        self.redis_ok = False
        self.stopping = asyncio.Event()
        self.exit_code = 0
        self._tasks: list[asyncio.Task[None]] = []
        # One thread for spaCy: the subscriber and the reclaimer can each hold a batch, and a Language
        # object is not built for concurrent calls. Fixed thread also means one malloc arena for NLP.
        self._nlp_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nlp")

    async def in_nlp_thread(self, fn: Callable[..., _T], *args: Any) -> _T:
        return await asyncio.get_running_loop().run_in_executor(self._nlp_thread, fn, *args)

    # ---- start-up -------------------------------------------------------------------------

    async def wait_for_redis(self) -> None:
        """Retry with capped exponential backoff: a worker may start before Redis does."""
        delay = 0.2
        while not self.stopping.is_set():
            try:
                await self.redis.ping()
                self.redis_ok = True
                return
            except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
                log.warning("redis_unavailable", retry_in_s=delay, error=str(exc))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def ensure_group(self) -> None:
        """Create the group at id 0 so entries added before any worker ran are read (FastStream #2694)."""
        try:
            await self.redis.xgroup_create(self.settings.input_stream, self.settings.group, id="0", mkstream=True)
            log.info("group_created", stream=self.settings.input_stream, group=self.settings.group)
        except redis.exceptions.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    # ---- reading without the broker ---------------------------------------------------------

    async def read_once(self, block_ms: int | None = None) -> int:
        """One XREADGROUP of new entries, processed and committed; returns how many were read."""
        s = self.settings
        reply: Any = await self.redis.xreadgroup(s.group, s.consumer, {s.input_stream: ">"}, count=s.batch_size,
                                                 block=block_ms)
        rows = reply[0][1] if reply else []
        await self.process([(i.decode(), f) for i, f in rows])
        return len(rows)

    async def burst(self, timeout_s: float = 120.0) -> None:
        """Process what the input stream holds, retries and dead letters included, then return.

        In the spirit of arq's `burst=True`: the real read, retry, dead-letter and commit code, with no
        broker, no HTTP and no process of its own. Returns once nothing is left to read and nothing is
        pending in the group; retries wait reclaim_idle_ms, as in production."""
        s = self.settings
        deadline = time.monotonic() + timeout_s
        await self.ensure_group()
        await self.reclaimer.take_back_own_pending()
        while True:
            if await self.read_once() or await self.reclaimer.reclaim_once():
                continue
            if not (await self.redis.xpending(s.input_stream, s.group))["pending"]:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"entries still pending after {timeout_s} s")
            await asyncio.sleep(s.reclaim_idle_ms / 2000)

    # ---- processing -----------------------------------------------------------------------

    def dead_letter(self, entry_id: str, rejected: Rejected, deliveries: int) -> CommitItem:
        letter = DeadLetter(
            input_entry_id=entry_id,
            reason=rejected.reason,
            error=rejected.error[:2000],
            deliveries=deliveries,
            consumer=self.settings.consumer,
            failed_at=datetime.now(UTC),
            payload=rejected.payload,
            article_id=rejected.article_id,
        )
        log.warning("dead_letter", entry_id=entry_id, reason=rejected.reason, error=rejected.error[:300],
                    article_id=rejected.article_id)
        return CommitItem("dlq", entry_id, payload=letter.model_dump_json())

    async def process(self, entries: Sequence[Entry], deliveries: dict[str, int] | None = None) -> list[str]:
        """Validate, dedup, enrich and commit a batch. Returns the commit result per entry."""
        if not entries:
            return []
        done = asyncio.Event()
        lease = asyncio.create_task(self._hold([e for e, _ in entries], done))  # noqa: RUF006 - ended below
        try:
            return await self._process(entries, deliveries or {})
        finally:
            done.set()
            lease.cancel()

    async def _hold(self, entry_ids: list[Any], done: asyncio.Event) -> None:
        """Keep entries we are still working on from looking idle, so no reclaimer takes them from us.

        XCLAIM ... JUSTID to ourselves resets the idle time without counting a delivery. The loop ends on
        `done`, not only on cancellation: redis-py may turn a cancellation during a command into a
        connection error, and a lease that outlived its batch would keep a failed entry from ever being
        retried (found by tests/test_worker_burst.py's poison test)."""
        s = self.settings
        while not done.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), timeout=s.reclaim_idle_ms / 3000)
                return
            with contextlib.suppress(redis.exceptions.RedisError):
                await self.redis.xclaim(s.input_stream, s.group, s.consumer, 0, entry_ids, justid=True)

    async def _process(self, entries: Sequence[Entry], deliveries: dict[str, int]) -> list[str]:
        started = time.perf_counter()
        metrics.BATCH_SIZE.observe(len(entries))
        items: dict[str, CommitItem] = {}
        valid: list[_Valid] = []
        for entry_id, fields in entries:
            try:
                parsed = parse_entry(fields, self.settings.max_text_chars)
            except Exception as exc:  # a validator bug must cost one entry, not the batch
                parsed = Rejected("validator_error", f"{type(exc).__name__}: {exc}"[:500],
                                  (fields.get(names.DATA_FIELD.encode()) or b"")[:10_000].decode("utf-8", "replace"))
            if isinstance(parsed, Rejected):
                items[entry_id] = self.dead_letter(entry_id, parsed, deliveries.get(entry_id, 1))
            else:
                valid.append(_Valid(entry_id, parsed, content_hash(parsed), fields.get(_REPROCESS) == b"1"))
        _observe("validate", time.perf_counter() - started)

        fresh = await self._drop_duplicates(valid, items)
        results: dict[str, EnrichedArticle] = {}
        if fresh:
            enriched = await self._enrich(fresh, items, deliveries)
            t = time.perf_counter()
            done = [(v, e) for v, e in zip(fresh, enriched, strict=True) if e is not None]
            near = await asyncio.gather(*(self._near_duplicate(v, result) for v, result in done))
            _observe("near_duplicates", time.perf_counter() - t)
            now = datetime.now(UTC).isoformat()
            for (v, result), similar in zip(done, near, strict=True):
                result.input_entry_id = v.entry_id
                result.near_duplicate_of = similar
                items[v.entry_id] = self._output_item(v, result, now)
                results[v.entry_id] = result
        ordered = [items[e] for e, _ in entries if e in items]
        return await self.commit(ordered, results)

    async def _near_duplicate(self, v: _Valid, result: EnrichedArticle) -> Any:
        if v.reprocess:  # the article is already indexed, under the entry that first carried it
            return None
        return await self.near.check_and_add(v.entry_id, v.article.id, comparable_signature(result.text))

    def _output_item(self, v: _Valid, result: EnrichedArticle, now: str) -> CommitItem:
        """The output cut at the values only the commit script knows: event keys, the output it replaces."""
        slots: dict[tuple[str, ...], str] = {("events", str(i), "event_key"): f"e{i + 1}"
                                             for i in range(len(result.events))}
        if v.reprocess:
            slots[("reprocessed_from",)] = "rf"
        article = v.article
        source = article.source or (urlsplit(article.url).hostname if article.url else None) or "unknown"
        return CommitItem(
            "re" if v.reprocess else "out", v.entry_id, document=slotted(result.model_dump(mode="json"), slots),
            dedup_key=self.keys.dedup_key(v.digest), article_id=article.id,
            spec={"url": article.url, "source": source, "now": now,
                  "events": [cluster_spec(event, self.keys.event_prefix) for event in result.events]},
        )

    async def _drop_duplicates(self, valid: list[_Valid], items: dict[str, CommitItem]) -> list[_Valid]:
        """Exact duplicates skip NLP: one MGET for the batch, plus duplicates inside the batch.
        A reprocessing request is never a duplicate: that is its point."""
        if not valid:
            return []
        t = time.perf_counter()
        known: list[Any] = list(await self.redis.mget([self.keys.dedup_key(v.digest) for v in valid]))
        fresh: list[_Valid] = []
        seen: dict[str, str] = {}
        for v, first in zip(valid, known, strict=True):
            original = first.decode() if first else seen.get(v.digest)
            if original and not v.reprocess:
                log.info("duplicate", entry_id=v.entry_id, article_id=v.article.id,
                         duplicate_of=original.split(" ")[0])
                items[v.entry_id] = CommitItem("dup", v.entry_id)
            else:
                seen.setdefault(v.digest, f"{v.article.id} {v.entry_id}")
                fresh.append(v)
        _observe("dedup", time.perf_counter() - t)
        return fresh

    async def _enrich(self, fresh: list[_Valid], items: dict[str, CommitItem],
                      deliveries: dict[str, int]) -> list[EnrichedArticle | None]:
        """Run the pipeline off the event loop; isolate a failing article by retrying one by one."""
        articles = [v.article for v in fresh]
        try:
            return list(await self.in_nlp_thread(self.pipeline, articles, _observe))
        except Exception:
            log.exception("batch_failed_retrying_singly", size=len(articles))
        results: list[EnrichedArticle | None] = []
        for v in fresh:
            try:
                results.extend(await self.in_nlp_thread(self.pipeline, [v.article], _observe))
            except Exception as exc:
                metrics.ERRORS.labels(where="pipeline").inc()
                count = deliveries.get(v.entry_id, 1)
                if count >= self.settings.max_deliveries:
                    items[v.entry_id] = self.dead_letter(
                        v.entry_id, Rejected("processing_error", f"{type(exc).__name__}: {exc}",
                                             v.article.model_dump_json(), v.article.id), count)
                else:
                    # Left pending: the reclaimer retries it after reclaim_idle_ms.
                    log.warning("article_failed_will_retry", entry_id=v.entry_id, article_id=v.article.id,
                                deliveries=count, error=str(exc)[:300])
                results.append(None)
        return results

    async def commit(self, items: list[CommitItem], results: dict[str, EnrichedArticle] | None = None) -> list[str]:
        """Commit items (one script call) and count what happened; `results` are the outputs by entry id."""
        t = time.perf_counter()
        outcomes = await self.committer.commit(items)
        _observe("commit", time.perf_counter() - t)
        self._record(items, outcomes, results or {})
        for doc in (results or {}).values():
            observe_cleaning(doc.article_id, doc.cleaning, self.settings.cleaning_warn_share)
        return outcomes

    @staticmethod
    def _record(items: list[CommitItem], outcomes: list[str], results: dict[str, EnrichedArticle]) -> None:
        now = time.time()
        for item, outcome in zip(items, outcomes, strict=True):
            if outcome in ("ok", "re"):
                doc = results[item.entry_id]
                metrics.ARTICLES.labels(lang=doc.lang, status=doc.status).inc()
                for entity in doc.entities:
                    metrics.ENTITIES.labels(label=entity.label).inc()
                for event in doc.events:
                    metrics.EVENTS.labels(type=event.type).inc()
                if doc.near_duplicate_of:
                    metrics.DUPLICATES.labels(kind="near").inc()
                if doc.published_at_ignored:
                    metrics.PUBLISHED_AT_IGNORED.labels(reason=doc.published_at_ignored.reason).inc()
            elif outcome.startswith("dup"):
                metrics.DUPLICATES.labels(kind="exact").inc()
            elif outcome in ("dlq", "lost"):
                metrics.DEAD_LETTERS.labels(reason=json.loads(item.payload)["reason"]).inc()
            elif outcome == "stale":
                log.info("already_committed_elsewhere", entry_id=item.entry_id)
            if outcome != "stale":
                metrics.END_TO_END_SECONDS.observe(max(0.0, now - entry_seconds(item.entry_id)))

    # ---- background loops -----------------------------------------------------------------

    async def _loop(self, name: str, interval: float, step: Callable[[], Awaitable[None]]) -> None:
        while not self.stopping.is_set():
            try:
                await step()
            except Exception as exc:
                metrics.ERRORS.labels(where=name).inc()
                self.redis_ok = False
                log.warning(f"{name}_failed", error=str(exc)[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=interval)

    async def monitor_once(self) -> None:
        await self.monitor.observe()
        self.redis_ok = True
        metrics.READY.set(1 if self.ready else 0)

    @property
    def ready(self) -> bool:
        return self.redis_ok and self.model_loaded and self.subscriber_running and not self.stopping.is_set()

    def start_background(self) -> None:
        self._tasks = [
            asyncio.create_task(self._loop("reclaim", self.settings.reclaim_interval_s,
                                           self.reclaimer.reclaim_until_idle)),
            asyncio.create_task(self._loop("monitor", 5.0, self.monitor_once)),
        ]

    async def stop_background(self) -> None:
        self.stopping.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def close(self) -> None:
        self._nlp_thread.shutdown(wait=False)


def build_broker(settings: Settings, worker: Worker) -> RedisBroker:
    # FastStream 0.7.8 ships RedisClusterBroker (ag2ai/faststream#2854): same subscriber API, RedisCluster client.
    broker_class = RedisClusterBroker if settings.redis_cluster else RedisBroker
    broker = broker_class(
        redis_url(settings),
        graceful_timeout=settings.graceful_timeout_s,
        middlewares=[RedisPrometheusMiddleware(registry=metrics.REGISTRY, app_name="depeche")],
        logger=None,  # type: ignore[arg-type]  # our handler logs through structlog
        **redis_kwargs(settings),
    )

    async def no_decode(msg: Any, original: Any) -> None:
        return None  # entries are decoded and validated by service.validate, one by one

    @broker.subscriber(
        stream=StreamSub(settings.input_stream, group=settings.group, consumer=settings.consumer,
                         batch=True, max_records=settings.batch_size, polling_interval=settings.block_ms),
        ack_policy=AckPolicy.MANUAL,
        decoder=no_decode,
    )
    async def handle(msg: RedisBatchStreamMessage) -> None:
        raw = msg.raw_message
        ids = [i.decode() if isinstance(i, bytes) else str(i) for i in raw["message_ids"]]
        await worker.process(list(zip(ids, raw["data"], strict=True)))

    return broker


def build_app(settings: Settings, worker: Worker, broker: RedisBroker) -> AsgiFastStream:
    @get
    async def healthz(scope: Any) -> AsgiResponse:
        return AsgiResponse(b"ok", status_code=200)

    @get
    async def readyz(scope: Any) -> AsgiResponse:
        checks = {"redis": worker.redis_ok, "model": worker.model_loaded, "subscriber": worker.subscriber_running,
                  "stopping": worker.stopping.is_set()}
        body = json.dumps({"ready": worker.ready, **checks}).encode()
        return AsgiResponse(body, status_code=200 if worker.ready else 503,
                            headers={"content-type": "application/json"})

    return AsgiFastStream(
        broker,
        asgi_routes=[("/metrics", make_asgi_app(metrics.serving_registry())), ("/healthz", healthz), ("/readyz", readyz)],
    )


async def _watch_subscribers(worker: Worker, broker: RedisBroker) -> None:
    """FastStream stops a subscriber for good when its group vanishes (Redis restarted without persistence,
    stream deleted). Reading nothing while looking healthy is the worst failure, so the process exits
    non-zero and its supervisor restarts it: the restart recreates the group."""
    while not worker.stopping.is_set():
        await asyncio.sleep(1.0)
        if not all(getattr(sub, "running", True) for sub in broker.subscribers):
            log.critical("subscriber_stopped", hint="consumer group lost; exiting so the supervisor restarts us")
            worker.subscriber_running = False
            worker.exit_code = 3
            worker.stopping.set()


async def _finish_own_pending(worker: Worker, budget_s: float) -> None:
    """What is left of the graceful timeout goes to entries read but never handled; past it, or with
    Redis gone, they stay pending for another replica's reclaimer: delayed, never lost."""
    try:
        finished = await asyncio.wait_for(worker.reclaimer.take_back_own_pending(), timeout=max(budget_s, 0.1))
    except (TimeoutError, redis.exceptions.RedisError) as exc:
        log.warning("pending_left_for_reclaim", error=f"{type(exc).__name__}: {exc}"[:300])
        return
    if finished:
        log.info("finished_own_pending", count=finished)


async def run_worker(settings: Settings, *, ready_event: asyncio.Event | None = None,
                     stop_event: asyncio.Event | None = None) -> None:
    """Serve HTTP at once, then wait for Redis, load the model, start reading; drain on SIGTERM."""
    import uvicorn

    worker = Worker(settings)
    broker = build_broker(settings, worker)
    app = build_app(settings, worker, broker)
    server = uvicorn.Server(uvicorn.Config(app, host=settings.http_host, port=settings.http_port,
                                           lifespan="off", log_level="warning", access_log=False))
    # Signals are ours: SIGTERM must drain the batch before uvicorn stops.
    server.install_signal_handlers = lambda: None  # type: ignore[attr-defined]
    http = asyncio.create_task(server.serve())
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, worker.stopping.set)
    if stop_event is not None:
        relay = asyncio.create_task(stop_event.wait())
        relay.add_done_callback(lambda _: worker.stopping.set())
    metrics.BUILD.info({"version": __version__, "model": MODEL_NAME, "model_version": "loading"})
    log.info("worker_starting", consumer=settings.consumer, stream=settings.input_stream, group=settings.group,
             http=f"{settings.http_host}:{settings.http_port}")
    reading = False
    try:
        t0 = time.perf_counter()
        await worker.in_nlp_thread(load_nlp)
        worker.model_loaded = True
        metrics.BUILD.info({"version": __version__, "model": MODEL_NAME, "model_version": model_version()})
        await worker.wait_for_redis()
        if worker.stopping.is_set():
            return
        await worker.ensure_group()
        # A restart under the same consumer name (a pod, a supervisor) finds what it held at once.
        taken = await worker.reclaimer.take_back_own_pending()
        if taken:
            metrics.RECLAIMED.inc(taken)
            log.info("took_back_own_pending", count=taken)
        await broker.start()
        reading = True
        worker.subscriber_running = True
        worker.start_background()
        metrics.READY.set(1)
        # seconds: from the start of the command (a forked worker counts the model its parent loaded)
        log.info("worker_ready", seconds=round(time.monotonic() - STARTED_MONOTONIC, 2),
                 worker_seconds=round(time.perf_counter() - t0, 2))
        if ready_event is not None:
            ready_event.set()
        watchdog = asyncio.create_task(_watch_subscribers(worker, broker))
        await worker.stopping.wait()
        watchdog.cancel()
        log.info("worker_draining")
    finally:
        worker.stopping.set()
        worker.subscriber_running = False
        metrics.READY.set(0)
        stop_started = time.monotonic()
        await broker.stop()  # stops reading; the batch in hand finishes and commits (graceful_timeout)
        # The reclaimer stops first: a claim it made now would only be processed twice by what follows.
        await worker.stop_background()
        if reading and not worker.exit_code:  # with the group lost there is no pending list to read
            await _finish_own_pending(worker, settings.graceful_timeout_s - (time.monotonic() - stop_started))
        worker.close()
        server.should_exit = True
        await http
        await worker.redis.aclose()
        log.info("worker_stopped", exit_code=worker.exit_code)
    if worker.exit_code:
        raise SystemExit(worker.exit_code)
