"""Through a real worker and a real Redis: the cleaning report is published, measured and logged."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import redis

from tests.conftest import WorkerProcess, article, output_for, wait_until, xadd_article

pytestmark = pytest.mark.xdist_group("clean_worker")

PARAGRAPH = ("La ministre de la Culture a qualifié le projet de « chance pour la ville » et promis « un "
             "financement rapide » lors de sa visite à Marseille.")
# Mostly boilerplate: more than the default DEPECHE_CLEANING_WARN_SHARE (0.2) of the characters goes.
PAGE = "\n".join(["Accueil › Culture › Patrimoine", "Partager sur Facebook", "Publicité",
                  "Inscrivez-vous à notre newsletter", "Par Jeanne Martin", PARAGRAPH,
                  "Lire aussi : Le musée rouvre ses portes"])


def _ratio_count(port: int) -> float:
    for line in httpx.get(f"http://127.0.0.1:{port}/metrics").text.splitlines():
        if line.startswith("depeche_cleaning_removed_ratio_count"):
            return float(line.split()[-1])
    return 0.0


def test_output_keeps_the_paragraph_and_lists_what_cleaning_removed(lr: redis.Redis) -> None:
    out = output_for(lr, xadd_article(lr, article("clean-1", text=PAGE)))
    assert out["text"] == PARAGRAPH
    cleaning = out["cleaning"]
    assert cleaning["removed_count"] == 6 and len(cleaning["removed"]) == 6
    assert {"text": "Par Jeanne Martin", "rule": "byline", "kind": "line"} in cleaning["removed"]
    assert cleaning["removed_share"] > 0.2


def test_worker_observes_the_share_and_logs_a_large_one(lr: redis.Redis, live_worker: WorkerProcess) -> None:
    before = _ratio_count(live_worker.port)
    output_for(lr, xadd_article(lr, article("clean-2", text=PAGE.replace("Marseille", "Lyon"))))
    wait_until(lambda: _ratio_count(live_worker.port) > before)
    wait_until(lambda: bool(_warnings(live_worker, "art-clean-2")))
    warning = _warnings(live_worker, "art-clean-2")[0]
    assert warning["share"] > 0.2 and {"byline", "share_bar"} <= set(warning["rules"])


def _warnings(worker: WorkerProcess, article_id: str) -> list[dict[str, Any]]:
    lines = [json.loads(x) for x in worker.log().splitlines() if x.startswith("{")]
    return [x for x in lines if x.get("event") == "cleaning_removed_large_share" and x["article_id"] == article_id]
