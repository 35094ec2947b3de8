"""The five seed articles through the real worker, scored with ../shared/eval/score.py."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service import names
from tests.conftest import RedisHandle, WorkerFactory, read_stream, requires_shared, wait_until, xadd_article

pytestmark = pytest.mark.xdist_group("seeds_through_worker")


@pytest.fixture(scope="module")
def seed_outputs(redis_handle: RedisHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    shared = requires_shared()
    gold = json.loads((shared / "eval" / "gold-seeds.json").read_text(encoding="utf-8"))["articles"]
    r = redis_handle.client()
    r.flushall()
    tmp_path = tmp_path_factory.mktemp("seeds")
    factory = WorkerFactory(redis_handle.url, tmp_path)
    worker = factory()
    for path in sorted((shared / "seeds").glob("*.txt")):
        xadd_article(r, {"id": path.stem, "text": path.read_text(encoding="utf-8"),
                         "published_at": gold[path.stem]["published_at"], "source": f"seed-{path.stem[:3]}"})
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) == len(gold), timeout=180)
    out = tmp_path / "seeds.jsonl"
    out.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in read_stream(r, names.OUTPUT_STREAM)))
    yield out
    worker.stop()
    r.close()


def _score(shared: Path, pred: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(shared / "eval" / "score.py"), "--gold", str(shared / "eval" / "gold-seeds.json"),
         "--pred", str(pred), "--json"], capture_output=True, text=True, check=True)
    return dict(json.loads(result.stdout))


def test_seeds_through_worker_score_entities_at_target(seed_outputs: Path) -> None:
    scores = _score(requires_shared(), seed_outputs)
    assert scores["missing_articles"] == []
    assert scores["entities"]["f1"] >= 0.95, scores


def test_seeds_through_worker_cluster_events_across_articles(seed_outputs: Path) -> None:
    scores = _score(requires_shared(), seed_outputs)
    assert scores["event_clusters"] is not None, "events carry an event_key"
    assert scores["event_clusters"]["f1"] >= 0.9, scores
