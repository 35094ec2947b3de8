#!/usr/bin/env python3
"""Add one article to the development corpus: its text (stdin) goes to the git-ignored cache, its metadata
to articles/<id>.json.

    python3 tests/corpus/add.py ID URL SOURCE KIND TOPIC PUBLISHED_AT "TITLE" [PAIR] < text.txt

Refuses a URL that ../shared/eval/reserved.py reports as reserved (the independent evaluation's articles).
"""
from __future__ import annotations

import datetime
import hashlib
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESERVED = HERE.parents[2] / "shared" / "eval" / "reserved.py"
KINDS = {"agency", "daily", "francophone_abroad", "broadcaster", "other"}
TOPICS = {"diplomacy", "wars_attacks", "sahel_africa", "middle_east", "ukraine", "domestic_politics_protests",
          "justice_arrests", "economy", "sanctions_trade", "elections", "latin_america", "asia"}


def main(argv: list[str]) -> int:
    aid, url, source, kind, topic, published, title = argv[:7]
    pair = argv[7] if len(argv) > 7 and argv[7] else None
    if kind not in KINDS or topic not in TOPICS:
        sys.exit(f"bad kind/topic: {kind} {topic}")
    if RESERVED.exists() and subprocess.run([sys.executable, str(RESERVED), url], capture_output=True).returncode:
        sys.exit(f"reserved: {url}")
    text = sys.stdin.read().strip() + "\n"
    (HERE / ".cache").mkdir(exist_ok=True)
    (HERE / ".cache" / f"{aid}.txt").write_text(text, encoding="utf-8")
    meta = {"id": aid, "url": url, "source": source, "outlet_kind": kind, "topic": topic,
            "published_at": published, "title": title, "pair": pair,
            "retrieved": datetime.date.today().isoformat(),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "chars": len(text)}
    (HERE / "articles").mkdir(exist_ok=True)
    (HERE / "articles" / f"{aid}.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n",
                                                   encoding="utf-8")
    print(f"{aid}: {len(text)} chars")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
