"""The development corpus (tests/corpus/) is well-formed, and `make eval` scores it per topic area.

The article texts are not ours: they sit in a git-ignored cache (tests/corpus/.cache/). Checks of the texts
and of the evaluation run only where the cache is present; the metadata and the gold are checked always.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parent / "corpus"
SHARED = Path(__file__).resolve().parents[2] / "shared"
TOPICS = {"diplomacy", "wars_attacks", "sahel_africa", "middle_east", "ukraine", "domestic_politics_protests",
          "justice_arrests", "economy", "sanctions_trade", "elections", "latin_america", "asia"}
OUTLET_KINDS = {"agency", "daily", "francophone_abroad", "broadcaster", "other"}
PLOVER = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "REJECT", "ACCUSE",
          "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
META_KEYS = {"id", "url", "source", "outlet_kind", "topic", "published_at", "title", "pair", "retrieved", "sha256",
             "chars"}
PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def articles() -> dict[str, dict[str, Any]]:
    return {p.stem: load(p) for p in sorted((CORPUS / "articles").glob("*.json"))}


def golds() -> dict[str, dict[str, Any]]:
    return {p.stem: load(p) for p in sorted((CORPUS / "gold").glob("*.json"))}


def eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("corpus_eval", CORPUS / "eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_article_has_metadata_and_gold() -> None:
    assert articles(), "no article in tests/corpus/articles"
    assert set(articles()) == set(golds())


def test_metadata_has_the_required_fields_with_a_valid_topic_and_outlet_kind() -> None:
    for aid, meta in articles().items():
        assert set(meta) >= META_KEYS, (aid, META_KEYS - set(meta))
        assert meta["id"] == aid
        assert meta["topic"] in TOPICS, aid
        assert meta["outlet_kind"] in OUTLET_KINDS, aid
        assert meta["url"].startswith(("http://", "https://")), aid
        assert PARTIAL_DATE.match(meta["published_at"]), aid
        assert re.fullmatch(r"[0-9a-f]{64}", meta["sha256"]), aid


def test_urls_are_distinct() -> None:
    urls = [meta["url"] for meta in articles().values()]
    assert len(urls) == len(set(urls))


def test_corpus_covers_at_least_ten_topic_areas() -> None:
    assert len({meta["topic"] for meta in articles().values()}) >= 10


def test_each_same_event_pair_joins_articles_of_different_outlets() -> None:
    pairs: dict[str, list[str]] = defaultdict(list)
    for meta in articles().values():
        if meta["pair"]:
            pairs[meta["pair"]].append(meta["source"])
    assert len(pairs) >= 6
    for slug, sources in pairs.items():
        assert len(sources) >= 2 and len(set(sources)) >= 2, slug


def test_gold_dates_agree_with_the_metadata() -> None:
    meta = articles()
    for aid, gold in golds().items():
        assert gold["published_at"] == meta[aid]["published_at"], aid
        for event in gold["events"]:
            assert event["date"] is None or PARTIAL_DATE.match(event["date"]), (aid, event)


def test_gold_entities_have_a_label_and_aliases() -> None:
    for aid, gold in golds().items():
        assert gold["lang"] == "fr"
        for entity in gold["entities"]:
            assert entity["label"] in {"PER", "ORG", "LOC"}, (aid, entity)
            assert isinstance(entity["aliases"], list), (aid, entity)


def test_gold_events_are_plover_types_between_gold_entities() -> None:
    for aid, gold in golds().items():
        names = {e["name"] for e in gold["entities"]} | {a for e in gold["entities"] for a in e["aliases"]}
        for event in gold["events"]:
            assert event["type"] in PLOVER, (aid, event)
            for actor in (event["source"] or []) + (event["target"] or []):
                assert actor in names, (aid, actor)


def test_no_article_is_reserved_for_the_independent_evaluation() -> None:
    reserved = SHARED / "eval" / "reserved.py"
    if not reserved.is_file():
        pytest.skip(f"{reserved} is absent: the list of reserved articles lives there")
    urls = [meta["url"] for meta in articles().values()]
    out = subprocess.run([sys.executable, str(reserved), *urls], capture_output=True, text=True)
    assert out.returncode == 0, [line for line in out.stdout.splitlines() if line.startswith("reserved")]


def cached() -> dict[str, str]:
    return {aid: path.read_text(encoding="utf-8") for aid in articles()
            if (path := CORPUS / ".cache" / f"{aid}.txt").is_file()}


def test_cached_texts_are_the_ones_annotated() -> None:
    texts = cached()
    if not texts:
        pytest.skip("no cached text: tests/corpus/.cache is git-ignored; see tests/corpus/README.md")
    meta = articles()
    for aid, text in texts.items():
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == meta[aid]["sha256"], aid
        assert len(text) == meta[aid]["chars"], aid


def test_eval_gives_scores_for_every_topic_area() -> None:
    if not (SHARED / "eval" / "score.py").is_file():
        pytest.skip(f"{SHARED / 'eval' / 'score.py'} is absent: the scorer lives there")
    texts = cached()
    if not texts:
        pytest.skip("no cached text: tests/corpus/.cache is git-ignored; see tests/corpus/README.md")
    module = eval_module()
    # one article per topic keeps the run short; the full corpus is `make eval`
    first: dict[str, dict[str, Any]] = {}
    for item in module.load_corpus():
        if item["id"] in texts:
            first.setdefault(item["topic"], item)
    result = module.evaluate(list(first.values()))
    assert set(result["rows"]) == set(first) | {"overall"}
    for row in result["rows"].values():
        for metric in ("entities", "events", "events_with_date"):
            assert 0.0 <= row[metric]["f1"] <= 1.0
    assert "| **overall** |" in module.table(result)
