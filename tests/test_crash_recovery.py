"""A worker killed with SIGKILL mid-stream loses nothing and publishes nothing twice."""

from __future__ import annotations

import signal
from collections import Counter

import redis

from service import names
from tests.conftest import WorkerFactory, article, group_state, read_stream, wait_until, xadd_article


def _assert_exactly_once(r: redis.Redis, input_ids: list[str]) -> None:
    outputs = [o["input_entry_id"] for o in read_stream(r, names.OUTPUT_STREAM)]
    letters = [d["input_entry_id"] for d in read_stream(r, names.DLQ_STREAM)]
    counts = Counter(outputs + letters)
    assert sorted(counts) == sorted(input_ids), "every input has an output or a dead letter"
    assert max(counts.values()) == 1, f"published twice: {[k for k, v in counts.items() if v > 1]}"
    assert group_state(r)["pending"] == 0


def test_sigkill_mid_stream_then_restart_gives_exactly_one_output_each(
    r: redis.Redis, start_worker: WorkerFactory
) -> None:
    worker = start_worker(DEPECHE_BATCH_SIZE="8")
    input_ids = [xadd_article(r, article(i)) for i in range(120)]
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) >= 20)
    worker.stop(signal.SIGKILL)
    assert group_state(r)["pending"] > 0 or r.xlen(names.OUTPUT_STREAM) < 120
    start_worker(DEPECHE_BATCH_SIZE="8")
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) + r.xlen(names.DLQ_STREAM) >= 120
               and group_state(r)["pending"] == 0, timeout=180)
    _assert_exactly_once(r, input_ids)


def test_lost_consumer_group_makes_the_worker_exit_for_a_restart(
    r: redis.Redis, start_worker: WorkerFactory
) -> None:
    worker = start_worker()
    r.flushall()  # what a Redis restart without persistence looks like to the worker
    assert worker.process.wait(60) == 3
    assert "subscriber_stopped" in worker.log()
    start_worker()  # the supervisor's restart recreates the group
    entry_id = xadd_article(r, article("after-flush"))
    wait_until(lambda: any(o["input_entry_id"] == entry_id for o in read_stream(r, names.OUTPUT_STREAM)))
