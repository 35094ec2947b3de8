"""The seed articles, extracted offline, reach the quality targets on the hand-made gold file."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from contracts.models import ArticleIn
from service.pipeline import pipeline_batch

SHARED = Path(__file__).resolve().parents[2] / "shared"
TARGETS = {"entities": 0.95, "events": 0.85, "events_with_date": 0.75}

pytestmark = [pytest.mark.seeds, pytest.mark.xdist_group("seed_scores")]


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not (SHARED / "seeds").is_dir() or not (SHARED / "eval" / "score.py").is_file():
        pytest.skip(f"{SHARED} is absent: the seed articles, gold file and scorer live there")
    gold = json.loads((SHARED / "eval" / "gold-seeds.json").read_text(encoding="utf-8"))["articles"]
    articles = [
        ArticleIn(id=path.stem, text=path.read_text(encoding="utf-8"),
                  published_at=datetime.fromisoformat(gold[path.stem]["published_at"] + "T12:00:00+00:00"))
        for path in sorted((SHARED / "seeds").glob("*.txt")) if path.stem in gold
    ]
    pred = tmp_path_factory.mktemp("seeds") / "pred.jsonl"
    pred.write_text("".join(doc.model_dump_json() + "\n" for doc in pipeline_batch(articles)), encoding="utf-8")
    out = subprocess.run(
        [sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(SHARED / "eval" / "gold-seeds.json"),
         "--pred", str(pred), "--json"],
        capture_output=True, text=True, check=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


@pytest.mark.parametrize("metric", sorted(TARGETS))
def test_seed_f1_reaches_target(scores: dict[str, Any], metric: str) -> None:
    assert scores["missing_articles"] == []
    assert scores[metric]["f1"] >= TARGETS[metric], scores[metric]
