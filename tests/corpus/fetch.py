#!/usr/bin/env python3
"""Gather the corpus texts again from the web into the git-ignored cache (needs network access).

    uv run python tests/corpus/fetch.py [ID ...]      # trafilatura is already a dependency of the service

For each article's metadata (articles/<id>.json) the page at `url` is downloaded and its main text extracted
with trafilatura. The gold was written on the text stored by the search tool, which is the page's opening
(about 2,000 characters at most), so the extracted text is accepted only when it, or its opening of the
recorded length, has the recorded sha256: then it is written to .cache/<id>.txt. Otherwise it is written to
.cache/<id>.fetched.txt for a person to compare (pages change; the gold may need a look), and reported.
An existing cached text with the right hash is left alone.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def candidates(extracted: str, chars: int) -> list[str]:
    """The texts that may be the one annotated: the whole extraction, or its opening of the recorded length
    (the stored pages are openings), each with the single final newline the cache files carry."""
    body = extracted.strip()
    return [body + "\n", body[: max(chars - 1, 0)].rstrip() + "\n"]


def fetch_one(meta: dict[str, Any]) -> str:
    import trafilatura  # imported here: the other corpus scripts run without it

    cache = HERE / ".cache" / f"{meta['id']}.txt"
    if cache.exists() and sha(cache.read_text(encoding="utf-8")) == meta["sha256"]:
        return "cached"
    page = trafilatura.fetch_url(meta["url"])
    extracted = trafilatura.extract(page, include_comments=False) if page else None
    if not extracted:
        return "unreachable"
    cache.parent.mkdir(exist_ok=True)
    for text in candidates(extracted, meta["chars"]):
        if sha(text) == meta["sha256"]:
            cache.write_text(text, encoding="utf-8")
            return "ok"
    (HERE / ".cache" / f"{meta['id']}.fetched.txt").write_text(extracted, encoding="utf-8")
    return "differs"


def main(ids: list[str]) -> int:
    paths = sorted((HERE / "articles").glob("*.json"))
    metas = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    metas = [m for m in metas if not ids or m["id"] in ids]
    status: dict[str, list[str]] = {}
    for meta in metas:
        status.setdefault(fetch_one(meta), []).append(meta["id"])
    for key, found in sorted(status.items()):
        print(f"{key}: {len(found)}  {' '.join(found)}")
    return 0 if set(status) <= {"ok", "cached"} else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
