"""End to end through a real worker process and a real Redis: publish -> enriched output."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import jsonschema
import pytest
import redis

from service import names
from tests.conftest import (
    WorkerFactory,
    WorkerProcess,
    article,
    committed,
    group_state,
    output_for,
    read_stream,
    wait_until,
    xadd_article,
)

pytestmark = pytest.mark.xdist_group("worker_e2e")

SCHEMAS = Path(__file__).resolve().parent.parent / "contracts" / "schemas"


def test_published_article_comes_out_enriched(lr: redis.Redis) -> None:
    entry_id = xadd_article(lr, article(1))
    out = output_for(lr, entry_id)
    assert out["article_id"] == "art-1"
    assert out["lang"] == "fr" and out["status"] == "ok"
    assert {"Sergueï Lavrov", "Wang Yi"} <= {e["name"] for e in out["entities"]}
    assert any(e["type"] == "CONSULT" for e in out["events"])


def test_output_is_plain_json_in_a_single_data_field(lr: redis.Redis) -> None:
    entry_id = xadd_article(lr, article(2))
    output_for(lr, entry_id)
    for _, fields in lr.xrange(names.OUTPUT_STREAM):
        assert list(fields) == [b"data"]
        assert json.loads(fields[b"data"])["article_id"]  # no FastStream envelope


def test_output_validates_against_checked_in_schema(lr: redis.Redis) -> None:
    entry_id = xadd_article(lr, article(3))
    output_for(lr, entry_id)
    schema = json.loads((SCHEMAS / "enriched_article.json").read_text())
    for doc in read_stream(lr, names.OUTPUT_STREAM):
        jsonschema.validate(doc, schema)


def test_same_content_twice_gives_one_output(lr: redis.Redis) -> None:
    first = xadd_article(lr, article(5))
    copy = xadd_article(lr, article(5) | {"id": "copy-of-5", "text": article(5)["text"].replace(" ", "  ")})
    output_for(lr, first)
    wait_until(lambda: committed(lr, copy))
    ids = [o["article_id"] for o in read_stream(lr, names.OUTPUT_STREAM)]
    assert ids.count("art-5") == 1 and "copy-of-5" not in ids


def test_duplicate_is_counted_in_metrics(lr: redis.Redis, live_worker: WorkerProcess) -> None:
    def exact() -> float:
        for line in httpx.get(f"http://127.0.0.1:{live_worker.port}/metrics").text.splitlines():
            if line.startswith('depeche_duplicates_total{kind="exact"}'):
                return float(line.split()[-1])
        return 0.0

    before = exact()
    first = xadd_article(lr, article(6))
    copy = xadd_article(lr, article(6) | {"id": "copy-of-6"})
    output_for(lr, first)
    wait_until(lambda: committed(lr, copy))
    assert exact() == before + 1


def test_health_and_readiness_endpoints(live_worker: WorkerProcess) -> None:
    assert httpx.get(f"http://127.0.0.1:{live_worker.port}/healthz").status_code == 200
    ready = httpx.get(f"http://127.0.0.1:{live_worker.port}/readyz")
    assert ready.status_code == 200
    assert ready.json() | {"ready": True} == {"ready": True, "redis": True, "model": True, "subscriber": True,
                                              "stopping": False}


def test_metrics_expose_service_and_faststream_families(lr: redis.Redis, live_worker: WorkerProcess) -> None:
    output_for(lr, xadd_article(lr, article(7)))
    url = f"http://127.0.0.1:{live_worker.port}/metrics"
    wait_until(lambda: "depeche_consumer_group_pending_entries{" in httpx.get(url).text, timeout=15)
    body = httpx.get(url).text
    for family in ("depeche_articles_processed_total{", "depeche_stage_duration_seconds_bucket{",
                   "depeche_end_to_end_latency_seconds_bucket{", "depeche_build_info{",
                   "depeche_consumer_group_lag_entries{", "faststream_received_messages_total{"):
        assert family in body, family


def test_article_pushed_before_first_worker_is_processed(r: redis.Redis, start_worker: WorkerFactory) -> None:
    assert not r.exists(names.INPUT_STREAM)
    entry_id = xadd_article(r, article(4))
    start_worker()
    assert output_for(r, entry_id)["article_id"] == "art-4"


def test_sigterm_drains_and_exits_cleanly(r: redis.Redis, start_worker: WorkerFactory) -> None:
    worker = start_worker()
    for i in range(20):
        xadd_article(r, article(f"t{i}"))
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) >= 1)
    assert worker.stop() == 0
    assert group_state(r)["pending"] == 0
    assert "worker_stopped" in worker.log()
