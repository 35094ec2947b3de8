"""Redis Cluster: one pipeline in one slot; the commit script, the in-process worker and worker processes
(SIGKILL included) on a real local cluster of three masters (tests/conftest.py `redis_cluster_handle`)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
import redis
from pydantic import SecretStr, ValidationError
from redis.crc import key_slot

from service import names
from service.config import Settings
from tests.conftest import ClusterHandle, WorkerFactory, article, run_burst, wait_until
from tests.helpers_faults import fast_article, kill_tree
from tests.helpers_worker import stub_pipeline

# One local cluster (three redis-server nodes) per test process: keep its tests on one.
pytestmark = pytest.mark.xdist_group("cluster")

RAW, OUT, DLQ, EVENTS = (names.CLUSTER_STREAMS[s] for s in (names.INPUT_STREAM, names.OUTPUT_STREAM,
                                                             names.DLQ_STREAM, names.EVENTS_STREAM))
MEETING = ("Le ministre russe des Affaires étrangères Sergueï Lavrov a rencontré mardi 11 mars à Pékin son "
           "homologue chinois Wang Yi. Les deux ministres ont parlé de la situation en Ukraine.")


def _docs(c: redis.RedisCluster, stream: str) -> list[dict[str, Any]]:
    return [json.loads(f[b"data"]) for _, f in c.xrange(stream)]


def _push(c: redis.RedisCluster, docs: list[Any]) -> list[str]:
    return [c.xadd(RAW, {"data": d if isinstance(d, str) else json.dumps(d, ensure_ascii=False)}).decode()
            for d in docs]


def test_cluster_settings_put_every_stream_under_the_pipeline_hash_tag() -> None:
    s = Settings(redis_url=SecretStr("redis://127.0.0.1:1/0"), redis_cluster=True)
    streams = (s.input_stream, s.output_stream, s.events_stream, s.dlq_stream)
    assert streams == (RAW, OUT, EVENTS, DLQ)
    assert len({key_slot(n.encode()) for n in (*streams, names.dedup_key("0"), names.EVENT_PREFIX,
                                                 names.NEAR_PREFIX)}) == 1
    with pytest.raises(ValidationError, match="hash tag"):
        Settings(redis_url=SecretStr("redis://127.0.0.1:1/0"), redis_cluster=True, dlq_stream="dead.letters")


def test_commit_script_and_worker_run_on_a_cluster_with_every_key_in_one_slot(
    redis_cluster_handle: ClusterHandle, cluster: redis.RedisCluster
) -> None:
    ids = _push(cluster, [article(i, f"{MEETING} Dépêche numéro {i}.") for i in range(6)])
    ids += _push(cluster, [json.dumps(article(0, f"{MEETING} Dépêche numéro 0.")), "pas du JSON"])
    run_burst(redis_cluster_handle.url, stub_pipeline()[0], redis_cluster=True)
    outputs, letters = _docs(cluster, OUT), _docs(cluster, DLQ)
    assert [o["input_entry_id"] for o in outputs] == ids[:6]
    assert [d["reason"] for d in letters] == ["invalid_json"]  # the repeated article was dropped as a duplicate
    assert {e["event_key"] for o in outputs for e in o["events"]} == {r["event_key"] for r in _docs(cluster, EVENTS)}
    slots = {cluster.keyslot(k) for k in cluster.scan_iter(target_nodes=redis.RedisCluster.ALL_NODES)}
    assert slots == {cluster.keyslot(names.KEY_PREFIX)}
    assert any(k.startswith(names.DEDUP_PREFIX.encode()) for k in
               cluster.scan_iter(target_nodes=redis.RedisCluster.ALL_NODES))


@pytest.mark.slow
def test_worker_processes_sigkilled_on_a_cluster_then_restarted_are_exactly_once(
    redis_cluster_handle: ClusterHandle, cluster: redis.RedisCluster, tmp_path: Any
) -> None:
    factory = WorkerFactory(redis_cluster_handle.url, tmp_path)
    env = {"DEPECHE_REDIS_CLUSTER": "true", "DEPECHE_BATCH_SIZE": "8"}
    try:
        worker = factory("cl-0", **env)
        ids = _push(cluster, [fast_article(i, "cl") for i in range(200)])
        wait_until(lambda: cluster.xlen(OUT) >= 40 and cluster.xpending(RAW, names.GROUP)["pending"] > 0,
                   timeout=180, interval=0.01)
        kill_tree(worker)
        assert cluster.xlen(OUT) < 200
        factory("cl-0", **env)
        factory("cl-1", **env)
        wait_until(lambda: cluster.xlen(OUT) + cluster.xlen(DLQ) >= 200
                   and cluster.xpending(RAW, names.GROUP)["pending"] == 0, timeout=240)
    finally:
        for w in factory.started:
            if w.process.poll() is None:
                kill_tree(w)
    counts = Counter(d["input_entry_id"] for d in _docs(cluster, OUT) + _docs(cluster, DLQ))
    assert sorted(counts) == sorted(ids) and max(counts.values()) == 1
    assert not _docs(cluster, DLQ)


def test_two_pipelines_share_a_cluster_under_their_own_hash_tags(
    redis_cluster_handle: ClusterHandle, cluster: redis.RedisCluster
) -> None:
    """DEPECHE_KEY_TAG: each pipeline in its own slot, with its own streams, dedup and event state."""
    slots = {}
    for tag in ("depeche", "depeche-b"):
        keys = names.KeySpace(tag)
        cluster.xadd(keys.cluster_stream(names.INPUT_STREAM), {"data": json.dumps(article(1, MEETING))})
        run_burst(redis_cluster_handle.url, stub_pipeline()[0], redis_cluster=True, key_tag=tag)
        [out] = _docs(cluster, keys.cluster_stream(names.OUTPUT_STREAM))
        assert out["article_id"] == "art-1", "the other pipeline's dedup key does not make it a duplicate"
        slots[tag] = {cluster.keyslot(k) for k in cluster.scan_iter(match=f"{keys.prefix}*",
                                                                    target_nodes=redis.RedisCluster.ALL_NODES)}
    assert len(slots["depeche"]) == len(slots["depeche-b"]) == 1 and slots["depeche"] != slots["depeche-b"]
