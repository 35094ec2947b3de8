"""End to end through a real worker process and a real Redis: publish -> enriched output."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import jsonschema
import redis

from service import names
from tests.conftest import WorkerFactory, article, group_state, read_stream, settled, wait_until, xadd_article

SCHEMAS = Path(__file__).resolve().parent.parent / "contracts" / "schemas"


def test_published_article_comes_out_enriched(r: redis.Redis, start_worker: WorkerFactory) -> None:
    start_worker()
    entry_id = xadd_article(r, article(1))
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) == 1)
    [out] = read_stream(r, names.OUTPUT_STREAM)
    assert out["article_id"] == "art-1"
    assert out["input_entry_id"] == entry_id
    assert out["lang"] == "fr" and out["status"] == "ok"
    names_found = {e["name"] for e in out["entities"]}
    assert {"Sergueï Lavrov", "Wang Yi"} <= names_found
    assert any(e["type"] == "CONSULT" for e in out["events"])


def test_output_is_plain_json_in_a_data_field(r: redis.Redis, start_worker: WorkerFactory) -> None:
    start_worker()
    xadd_article(r, article(2))
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) == 1)
    [(_, fields)] = r.xread({names.OUTPUT_STREAM: "0-0"})[0][1]
    assert list(fields) == [b"data"]
    json.loads(fields[b"data"])  # no FastStream envelope


def test_output_validates_against_checked_in_schema(r: redis.Redis, start_worker: WorkerFactory) -> None:
    start_worker()
    xadd_article(r, article(3))
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) == 1)
    schema = json.loads((SCHEMAS / "enriched_article.json").read_text())
    for doc in read_stream(r, names.OUTPUT_STREAM):
        jsonschema.validate(doc, schema)


def test_article_pushed_before_first_worker_is_processed(r: redis.Redis, start_worker: WorkerFactory) -> None:
    assert not r.exists(names.INPUT_STREAM)
    xadd_article(r, article(4))
    start_worker()
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) == 1)
    assert read_stream(r, names.OUTPUT_STREAM)[0]["article_id"] == "art-4"


def test_same_content_twice_gives_one_output(r: redis.Redis, start_worker: WorkerFactory) -> None:
    start_worker()
    xadd_article(r, article(5))
    xadd_article(r, article(5) | {"id": "copy-of-5", "text": article(5)["text"].replace(" ", "  ")})
    wait_until(lambda: settled(r, 2) and r.xlen(names.OUTPUT_STREAM) >= 1)
    outputs = read_stream(r, names.OUTPUT_STREAM)
    assert [o["article_id"] for o in outputs] == ["art-5"]


def test_duplicate_is_counted_in_metrics(r: redis.Redis, start_worker: WorkerFactory) -> None:
    worker = start_worker()
    xadd_article(r, article(6))
    xadd_article(r, article(6) | {"id": "copy-of-6"})
    wait_until(lambda: settled(r, 2) and r.xlen(names.OUTPUT_STREAM) == 1)
    body = httpx.get(f"http://127.0.0.1:{worker.port}/metrics").text
    assert 'depeche_duplicates_total{kind="exact"} 1.0' in body


def test_health_and_readiness_endpoints(start_worker: WorkerFactory) -> None:
    worker = start_worker()
    assert httpx.get(f"http://127.0.0.1:{worker.port}/healthz").status_code == 200
    ready = httpx.get(f"http://127.0.0.1:{worker.port}/readyz")
    assert ready.status_code == 200 and ready.json()["model"] is True


def test_metrics_expose_service_and_faststream_families(r: redis.Redis, start_worker: WorkerFactory) -> None:
    worker = start_worker()
    xadd_article(r, article(7))
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) == 1)
    wait_until(lambda: "depeche_consumer_group_pending_entries" in httpx.get(
        f"http://127.0.0.1:{worker.port}/metrics").text, timeout=15)
    body = httpx.get(f"http://127.0.0.1:{worker.port}/metrics").text
    for family in ("depeche_articles_processed_total", "depeche_stage_duration_seconds_bucket",
                   "depeche_end_to_end_latency_seconds_bucket", "depeche_build_info",
                   "depeche_consumer_group_lag_entries", "faststream_received_messages_total"):
        assert family in body, family


def test_sigterm_drains_and_exits_cleanly(r: redis.Redis, start_worker: WorkerFactory) -> None:
    worker = start_worker()
    for i in range(20):
        xadd_article(r, article(f"t{i}"))
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) >= 1)
    assert worker.stop() == 0
    assert group_state(r)["pending"] == 0
