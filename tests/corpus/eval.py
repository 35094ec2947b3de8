#!/usr/bin/env python3
"""Score the offline pipeline on the development corpus, overall and per topic area.

    uv run python tests/corpus/eval.py [--show-misses] [--topic TOPIC] [--json]

Each article is its cached text (tests/corpus/.cache/<id>.txt, git-ignored: see README.md beside this file
to gather it again) with the metadata's url, source and published_at, run through `pipeline_batch` as the
worker would. The gold files are assembled into one gold file and scored with ../shared/eval/score.py,
once for the whole corpus and once per topic area. Articles whose cached text is missing are skipped.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
METRICS = ("entities", "events", "events_with_date")


def load_corpus(corpus: Path = HERE) -> list[dict[str, Any]]:
    """Every article's metadata (articles/<id>.json) with its gold (gold/<id>.json), in id order."""
    items = []
    for meta_path in sorted((corpus / "articles").glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        gold_path = corpus / "gold" / meta_path.name
        meta["gold"] = json.loads(gold_path.read_text(encoding="utf-8")) if gold_path.exists() else None
        items.append(meta)
    return items


def cached_text(item: dict[str, Any], corpus: Path = HERE) -> str | None:
    path = corpus / ".cache" / f"{item['id']}.txt"
    return path.read_text(encoding="utf-8") if path.exists() else None


def article_in(item: dict[str, Any], text: str) -> dict[str, Any]:
    """The article as a scraper would push it: the page's date at the precision the page gives ("2022-12" for a
    page dated to the month: the service resolves relative dates at that precision), its address and outlet,
    the plain text."""
    return {"id": item["id"], "url": item["url"], "source": item["source"], "text": text,
            "published_at": item["published_at"], "lang": "fr"}


def run_pipeline(articles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sys.path.insert(0, str(ROOT))
    from contracts.models import ArticleIn
    from service.pipeline import pipeline_batch

    docs = pipeline_batch([ArticleIn.model_validate(a) for a in articles])
    return [d.model_dump(mode="json") for d in docs]


def score(gold: dict[str, Any], preds: list[dict[str, Any]], show_misses: bool = False) -> dict[str, Any]:
    """Run the shared scorer on one gold subset; its JSON result (with misses printed when asked)."""
    with tempfile.TemporaryDirectory() as tmp:
        gold_path, pred_path = Path(tmp) / "gold.json", Path(tmp) / "pred.jsonl"
        gold_path.write_text(json.dumps({"format": "gold/1", "articles": gold}, ensure_ascii=False), encoding="utf-8")
        pred_path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), encoding="utf-8")
        args = [sys.executable, str(SCORER), "--gold", str(gold_path), "--pred", str(pred_path)]
        if show_misses:
            print(subprocess.run([*args, "--show-misses"], check=True, capture_output=True, text=True).stdout)
        out = subprocess.run([*args, "--json"], check=True, capture_output=True, text=True).stdout
    result: dict[str, Any] = json.loads(out)
    return result


def evaluate(items: list[dict[str, Any]], show_misses: bool = False) -> dict[str, Any]:
    """Scores per topic and overall, the corpus composition, and what was skipped."""
    ready = [(i, t) for i in items if i["gold"] is not None and (t := cached_text(i)) is not None]
    skipped = [i["id"] for i in items if i["gold"] is None or cached_text(i) is None]
    preds = run_pipeline([article_in(i, t) for i, t in ready]) if ready else []
    by_topic: dict[str, list[str]] = {}
    for i, _ in ready:
        by_topic.setdefault(i["topic"], []).append(i["id"])
    gold = {i["id"]: i["gold"] for i, _ in ready}
    rows = {}
    for topic, ids in sorted(by_topic.items()):
        rows[topic] = score({k: gold[k] for k in ids}, [p for p in preds if p["article_id"] in ids])
        rows[topic]["n"] = len(ids)
    if ready:
        rows["overall"] = score(gold, preds, show_misses)
        rows["overall"]["n"] = len(ready)
    pairs = Counter(i["pair"] for i in items if i.get("pair"))
    return {"rows": rows, "skipped": skipped,
            "composition": {"topic": Counter(i["topic"] for i in items),
                            "outlet_kind": Counter(i["outlet_kind"] for i in items),
                            "pairs": sorted(p for p, n in pairs.items() if n >= 2)}}


def table(result: dict[str, Any]) -> str:
    """A Markdown table: P/R/F1 of entities, events and events with date per topic area, then overall."""
    head = "| topic | n | " + " | ".join(f"{m} P / R / F1" for m in METRICS) + " |"
    lines = [head, "|---|---:|" + "---|" * len(METRICS)]
    for topic, row in result["rows"].items():
        cells = [f"{row[m]['precision']:.2f} / {row[m]['recall']:.2f} / {row[m]['f1']:.2f}" for m in METRICS]
        name = f"**{topic}**" if topic == "overall" else topic
        lines.append(f"| {name} | {row['n']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def composition(result: dict[str, Any]) -> str:
    comp = result["composition"]
    topics = ", ".join(f"{k} {v}" for k, v in sorted(comp["topic"].items()))
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(comp["outlet_kind"].items()))
    return (f"articles: {sum(comp['topic'].values())} ({len(comp['topic'])} topic areas)\n"
            f"per topic: {topics}\nper outlet kind: {kinds}\n"
            f"same-event pairs: {len(comp['pairs'])} ({', '.join(comp['pairs'])})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show-misses", action="store_true", help="the scorer's misses for the whole corpus")
    ap.add_argument("--topic", help="only this topic area")
    ap.add_argument("--json", action="store_true", help="print the result as one JSON object")
    ap.add_argument("--half", choices=("dev", "check"),
                    help="dev: even-numbered articles, for error analysis; check: odd-numbered ones, only to "
                         "measure whether rules found on the dev half generalize")
    args = ap.parse_args()
    if not SCORER.exists():
        sys.exit(f"scorer not found: {SCORER} (the shared evaluation directory sits beside the project)")
    items = load_corpus()
    if args.topic:
        items = [i for i in items if i["topic"] == args.topic]
    if args.half:
        items = [i for i in items if (int(i["id"].rsplit("-", 1)[1]) % 2 == 0) == (args.half == "dev")]
    result = evaluate(items, args.show_misses)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(table(result))
    print()
    print(composition(result))
    if result["skipped"]:
        print(f"skipped (no cached text or no gold): {len(result['skipped'])}: {', '.join(result['skipped'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
