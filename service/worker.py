"""The worker: consumer group on `articles.raw` -> pipeline -> atomic commit.

I/O lives here. FastStream's RedisBroker reads batches (XREADGROUP with COUNT);
our own reclaimer takes over entries a dead replica left pending and dead-letters
those delivered too often; every outcome is committed by one Lua script
(service.commit). HTTP (/metrics, /healthz, /readyz) is served on one port.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import signal
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit

import redis.exceptions
from faststream import AckPolicy
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.redis import RedisBroker, StreamSub
from faststream.redis.annotations import RedisBatchStreamMessage
from faststream.redis.prometheus import RedisPrometheusMiddleware
from prometheus_client import make_asgi_app
from redis.asyncio import Redis

from contracts.models import ArticleIn, CleaningReport, DeadLetter, EnrichedArticle
from service import STARTED_MONOTONIC, __version__, metrics, names
from service.cleaning_watch import observe_cleaning
from service.clustering import cluster_spec
from service.commit import CommitItem, Committer
from service.config import Settings
from service.connection import make_client, redis_kwargs, redis_url
from service.logs import get_logger
from service.near_duplicates import NearDuplicateIndex, signature
from service.nlp import MODEL_NAME, load_nlp, model_version
from service.pipeline import content_hash, pipeline_batch
from service.validate import Rejected, parse_entry

log = get_logger("depeche.worker")
Entry = tuple[str, dict[bytes, bytes]]
_T = TypeVar("_T")
# When Redis cannot report lag, it is counted by scanning, up to this many entries.
_LAG_SCAN_LIMIT = 10_000
# A consumer silent this long with nothing pending is a replica that is gone.
_DEPARTED_AFTER_MS = 3_600_000


def _entry_time(entry_id: str) -> float:
    return int(entry_id.split("-", 1)[0]) / 1000.0


def _observe(stage: str, seconds: float) -> None:
    metrics.STAGE_SECONDS.labels(stage=stage).observe(seconds)


class Worker:
    """One replica: everything it needs to read, process and commit."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.redis: Redis = make_client(settings)
        self.committer = Committer(
            self.redis,
            input_stream=settings.input_stream,
            output_stream=settings.output_stream,
            dlq_stream=settings.dlq_stream,
            events_stream=settings.events_stream,
            group=settings.group,
            dedup_ttl=settings.dedup_ttl_seconds,
            maxlen=settings.output_maxlen,
        )
        self.near = NearDuplicateIndex(self.redis, settings.near_duplicate_threshold, settings.dedup_ttl_seconds)
        self.model_loaded = False
        self.subscriber_running = False
        self.redis_ok = False
        self.stopping = asyncio.Event()
        self.exit_code = 0
        self._unread_trimmed = 0
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

    # ---- processing -----------------------------------------------------------------------

    def _dead_letter(self, entry_id: str, rejected: Rejected, deliveries: int) -> CommitItem:
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
        lease = asyncio.create_task(self._hold([e for e, _ in entries]))  # noqa: RUF006 - cancelled below
        try:
            return await self._process(entries, deliveries)
        finally:
            lease.cancel()

    async def _hold(self, entry_ids: list[Any]) -> None:
        """Keep entries we are still working on from looking idle, so no reclaimer takes them from us.

        XCLAIM ... JUSTID to ourselves resets the idle time without counting a delivery."""
        s = self.settings
        while True:
            await asyncio.sleep(s.reclaim_idle_ms / 3000)
            with contextlib.suppress(redis.exceptions.RedisError):
                await self.redis.xclaim(s.input_stream, s.group, s.consumer, 0, entry_ids, justid=True)

    async def _process(self, entries: Sequence[Entry], deliveries: dict[str, int] | None) -> list[str]:
        started = time.perf_counter()
        metrics.BATCH_SIZE.observe(len(entries))
        items: dict[str, CommitItem] = {}
        valid: list[tuple[str, ArticleIn, str]] = []
        for entry_id, fields in entries:
            try:
                parsed = parse_entry(fields, self.settings.max_text_chars)
            except Exception as exc:  # a validator bug must cost one entry, not the batch
                parsed = Rejected("invalid_entry", f"{type(exc).__name__}: {exc}"[:500],
                                  (fields.get(names.DATA_FIELD.encode()) or b"")[:10_000].decode("utf-8", "replace"))
            if isinstance(parsed, Rejected):
                items[entry_id] = self._dead_letter(entry_id, parsed, (deliveries or {}).get(entry_id, 1))
            else:
                valid.append((entry_id, parsed, content_hash(parsed)))
        _observe("validate", time.perf_counter() - started)

        fresh = await self._drop_duplicates(valid, items)
        if fresh:
            enriched = await self._enrich(fresh, items, deliveries or {})
            t = time.perf_counter()
            done = [(f, e) for f, e in zip(fresh, enriched, strict=True) if e is not None]
            near = await asyncio.gather(*(self.near.check_and_add(entry_id, article.id, signature(result.text))
                                          for (entry_id, article, _), result in done))
            _observe("near_duplicates", time.perf_counter() - t)
            now = datetime.now(UTC).isoformat()
            for ((entry_id, article, digest), result), similar in zip(done, near, strict=True):
                result.input_entry_id = entry_id
                result.near_duplicate_of = similar
                items[entry_id] = self._output_item(entry_id, article, digest, result, now)
        ordered = [items[e] for e, _ in entries if e in items]
        t = time.perf_counter()
        outcomes = await self.committer.commit(ordered)
        _observe("commit", time.perf_counter() - t)
        self._record(ordered, outcomes, fresh_results={})
        return outcomes

    @staticmethod
    def _output_item(entry_id: str, article: ArticleIn, digest: str, result: EnrichedArticle,
                     now: str) -> CommitItem:
        """The output, with placeholders the commit script replaces by the events' cluster keys."""
        specs = []
        for i, event in enumerate(result.events):
            event.event_key = f"@@EK{i}@@"
            specs.append(cluster_spec(event, event.event_key))
        source = article.source or (urlsplit(article.url).hostname if article.url else None) or "unknown"
        return CommitItem(
            "out", entry_id, payload=result.model_dump_json(), dedup_key=names.dedup_key(digest),
            article_id=article.id, spec={"url": article.url, "source": source, "now": now, "events": specs},
        )

    async def _drop_duplicates(self, valid: list[tuple[str, ArticleIn, str]],
                               items: dict[str, CommitItem]) -> list[tuple[str, ArticleIn, str]]:
        """Exact duplicates skip NLP: one MGET for the batch, plus duplicates inside the batch."""
        if not valid:
            return []
        t = time.perf_counter()
        known: list[Any] = list(await self.redis.mget([names.dedup_key(d) for _, _, d in valid]))
        fresh: list[tuple[str, ArticleIn, str]] = []
        seen: dict[str, str] = {}
        for (entry_id, article, digest), first in zip(valid, known, strict=True):
            original = first.decode() if first else seen.get(digest)
            if original:
                log.info("duplicate", entry_id=entry_id, article_id=article.id, duplicate_of=original.split(" ")[0])
                items[entry_id] = CommitItem("dup", entry_id)
            else:
                seen[digest] = f"{article.id} {entry_id}"
                fresh.append((entry_id, article, digest))
        _observe("dedup", time.perf_counter() - t)
        return fresh

    async def _enrich(self, fresh: list[tuple[str, ArticleIn, str]], items: dict[str, CommitItem],
                      deliveries: dict[str, int]) -> list[EnrichedArticle | None]:
        """Run the pipeline off the event loop; isolate a failing article by retrying one by one."""
        articles = [a for _, a, _ in fresh]
        try:
            return list(await self.in_nlp_thread(pipeline_batch, articles, _observe))
        except Exception:
            log.exception("batch_failed_retrying_singly", size=len(articles))
        results: list[EnrichedArticle | None] = []
        for entry_id, article, _ in fresh:
            try:
                results.extend(await self.in_nlp_thread(pipeline_batch, [article], _observe))
            except Exception as exc:
                metrics.ERRORS.labels(where="pipeline").inc()
                count = deliveries.get(entry_id, 1)
                if count >= self.settings.max_deliveries:
                    items[entry_id] = self._dead_letter(
                        entry_id, Rejected("processing_error", f"{type(exc).__name__}: {exc}",
                                           article.model_dump_json(), article.id), count)
                else:
                    # Left pending: the reclaimer retries it after reclaim_idle_ms.
                    log.warning("article_failed_will_retry", entry_id=entry_id, article_id=article.id,
                                deliveries=count, error=str(exc)[:300])
                results.append(None)
        return results

    def _record(self, items: list[CommitItem], outcomes: list[str], fresh_results: dict[str, Any]) -> None:
        now = time.time()
        for item, outcome in zip(items, outcomes, strict=True):
            if outcome == "ok":
                doc = json.loads(item.payload)
                metrics.ARTICLES.labels(lang=doc["lang"], status=doc["status"]).inc()
                observe_cleaning(doc["article_id"], CleaningReport.model_validate(doc["cleaning"]),
                                 self.settings.cleaning_warn_share)
                for entity in doc["entities"]:
                    metrics.ENTITIES.labels(label=entity["label"]).inc()
                for event in doc["events"]:
                    metrics.EVENTS.labels(type=event["type"]).inc()
                if doc.get("near_duplicate_of"):
                    metrics.DUPLICATES.labels(kind="near").inc()
                if doc.get("published_at_ignored"):
                    metrics.PUBLISHED_AT_IGNORED.labels(reason=doc["published_at_ignored"]["reason"]).inc()
            elif outcome.startswith("dup"):
                metrics.DUPLICATES.labels(kind="exact").inc()
            elif outcome in ("dlq", "lost"):
                metrics.DEAD_LETTERS.labels(reason=json.loads(item.payload)["reason"]).inc()
            elif outcome == "stale":
                log.info("already_committed_elsewhere", entry_id=item.entry_id)
            if outcome != "stale":
                metrics.END_TO_END_SECONDS.observe(max(0.0, now - _entry_time(item.entry_id)))

    # ---- background loops -----------------------------------------------------------------

    async def reclaim_once(self) -> int:
        """Take over entries idle longer than reclaim_idle_ms; dead-letter the ones retried too often."""
        s = self.settings
        reply = await self.redis.xautoclaim(s.input_stream, s.group, s.consumer, s.reclaim_idle_ms,
                                            start_id="0-0", count=s.batch_size)
        claimed = reply[1]
        deleted = reply[2] if len(reply) > 2 else []
        entries: list[Entry] = []
        trimmed: list[str] = [d.decode() for d in deleted]
        for entry_id_raw, fields in claimed:
            entry_id = entry_id_raw.decode()
            if fields is None:  # Redis 6.2 returns trimmed entries with no fields
                trimmed.append(entry_id)
            else:
                entries.append((entry_id, fields))
        if trimmed:
            await self._trimmed(trimmed)
        if not entries:
            return len(trimmed)
        metrics.RECLAIMED.inc(len(entries))
        deliveries = await self._delivery_counts([e for e, _ in entries])
        over = [(e, f) for e, f in entries if deliveries.get(e, 1) > s.max_deliveries]
        retry = [(e, f) for e, f in entries if deliveries.get(e, 1) <= s.max_deliveries]
        if over:
            items = [self._dead_letter(e, Rejected("max_deliveries_exceeded",
                                                   f"delivered {deliveries[e]} times without a commit",
                                                   (f.get(names.DATA_FIELD.encode()) or b"").decode("utf-8", "replace"),
                                                   ), deliveries[e]) for e, f in over]
            self._record(items, await self.committer.commit(items), {})
        log.info("reclaimed", count=len(entries), dead_lettered=len(over))
        await self.process(retry, deliveries)
        return len(entries)

    async def finish_own_pending(self) -> int:
        """Process the entries Redis delivered to us that no handler ran, then return how many.

        Stopping cancels a read in flight: Redis has already put its entries in our pending list, and
        without this they would wait reclaim_idle_ms for another replica. Reading our own history
        (id 0, then after the last id seen) ends even when an entry fails and stays pending. Entries
        trimmed away are left to XAUTOCLAIM, the one path that dead-letters them, so none is reported twice."""
        s = self.settings
        after, finished = "0", 0
        while True:
            reply: Any = await self.redis.xreadgroup(s.group, s.consumer, {s.input_stream: after}, count=s.batch_size)
            rows = reply[0][1] if reply else []
            if not rows:
                return finished
            after = rows[-1][0].decode()
            entries = [(i.decode(), f) for i, f in rows if f]
            if entries:
                await self.process(entries, await self._delivery_counts([e for e, _ in entries]))
            finished += len(rows)

    async def _delivery_counts(self, entry_ids: list[str]) -> dict[str, int]:
        pipe = self.redis.pipeline(transaction=False)
        for entry_id in entry_ids:
            pipe.xpending_range(self.settings.input_stream, self.settings.group, min=entry_id, max=entry_id,
                                count=1)
        counts: dict[str, int] = {}
        for entry_id, rows in zip(entry_ids, await pipe.execute(), strict=True):
            counts[entry_id] = int(rows[0]["times_delivered"]) if rows else 1
        return counts

    async def _trimmed(self, entry_ids: list[str]) -> None:
        """Pending entries whose data was trimmed away: lost before processing. Say so, loudly."""
        metrics.TRIMMED.inc(len(entry_ids))
        log.error("input_trimmed_before_processing", count=len(entry_ids), entry_ids=entry_ids[:20])
        items = [dataclasses.replace(self._dead_letter(e, Rejected(
            "trimmed_before_processing", "entry deleted from the input stream (MAXLEN/XTRIM) while pending", ""),
            0), kind="lost") for e in entry_ids]
        self._record(items, await self.committer.commit(items), {})

    async def _loop(self, name: str, interval: float, step: Any) -> None:
        while not self.stopping.is_set():
            try:
                await step()
            except Exception as exc:
                metrics.ERRORS.labels(where=name).inc()
                self.redis_ok = False
                log.warning(f"{name}_failed", error=str(exc)[:300])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), timeout=interval)

    async def reclaim_until_idle(self) -> None:
        while await self.reclaim_once() >= self.settings.batch_size and not self.stopping.is_set():
            pass

    async def monitor_once(self) -> None:
        s = self.settings
        await self.redis.ping()
        self.redis_ok = True
        for group in await self.redis.xinfo_groups(s.input_stream):
            if group["name"].decode() == s.group:
                await self._observe_group(group)
        await self._forget_departed_consumers()
        pipe = self.redis.pipeline(transaction=False)
        streams = (s.input_stream, s.output_stream, s.events_stream, s.dlq_stream)
        for stream in streams:
            pipe.xlen(stream)
        for stream, length in zip(streams, await pipe.execute(), strict=True):
            metrics.STREAM_LENGTH.labels(stream=stream).set(length)
        metrics.READY.set(1 if self.ready else 0)

    async def _observe_group(self, group: dict[str, Any]) -> None:
        """Lag and pending gauges, and the count of entries trimmed before anyone read them.

        Redis < 7 has no lag, and Redis 7.0-7.2 keeps reporting trimmed entries as lag
        (redis#13957): count what is really left to read and trust the smaller number."""
        s = self.settings
        reported = group.get("lag")
        lag = 0
        if reported is None or reported > 0:
            after = "(" + group["last-delivered-id"].decode()
            left = len(await self.redis.xrange(s.input_stream, min=after, count=_LAG_SCAN_LIMIT) or [])
            lag = left if reported is None or (left < _LAG_SCAN_LIMIT and left < reported) else reported
            entries_read = group.get("entries-read")
            if entries_read is not None and left < _LAG_SCAN_LIMIT:
                added = (await self.redis.xinfo_stream(s.input_stream)).get("entries-added")
                if added is not None:
                    unread_trimmed = max(0, int(added) - int(entries_read) - left)
                    if unread_trimmed > self._unread_trimmed:
                        metrics.TRIMMED.inc(unread_trimmed - self._unread_trimmed)
                        log.error("input_trimmed_before_read", entries=unread_trimmed - self._unread_trimmed)
                    self._unread_trimmed = max(self._unread_trimmed, unread_trimmed)
        metrics.GROUP_LAG.labels(stream=s.input_stream, group=s.group).set(lag)
        metrics.GROUP_PENDING.labels(stream=s.input_stream, group=s.group).set(group["pending"])

    async def _forget_departed_consumers(self) -> None:
        """Consumer names include the pid, so restarts leave names behind; drop them once they own nothing."""
        s = self.settings
        for consumer in await self.redis.xinfo_consumers(s.input_stream, s.group):
            name = consumer["name"].decode()
            if name != s.consumer and consumer["pending"] == 0 and consumer["idle"] > _DEPARTED_AFTER_MS:
                await self.redis.xgroup_delconsumer(s.input_stream, s.group, name)
                log.info("consumer_forgotten", consumer=name)

    @property
    def ready(self) -> bool:
        return self.redis_ok and self.model_loaded and self.subscriber_running and not self.stopping.is_set()

    def start_background(self) -> None:
        self._tasks = [
            asyncio.create_task(self._loop("reclaim", self.settings.reclaim_interval_s, self.reclaim_until_idle)),
            asyncio.create_task(self._loop("monitor", 5.0, self.monitor_once)),
        ]

    async def stop_background(self) -> None:
        self.stopping.set()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def close(self) -> None:
        self._nlp_thread.shutdown(wait=False)


def build_broker(settings: Settings, worker: Worker) -> RedisBroker:
    broker = RedisBroker(
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
        finished = await asyncio.wait_for(worker.finish_own_pending(), timeout=max(budget_s, 0.1))
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
