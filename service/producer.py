"""Reading article files and pushing them onto the input stream: the producer side of the CLI."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import redis

from service import names


def articles_from_file(path: Path) -> Iterator[dict[str, Any]]:
    """.txt and .html become one article each (id = file name); .json holds one or a list; .jsonl one per line."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        yield {"id": path.stem, "text": path.read_text(encoding="utf-8")}
    elif suffix in (".html", ".htm"):
        yield {"id": path.stem, "html": path.read_text(encoding="utf-8")}
    elif suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        yield from (data if isinstance(data, list) else [data])
    elif suffix == ".jsonl":
        with path.open(encoding="utf-8") as fh:
            yield from (json.loads(line) for line in fh if line.strip())
    else:
        raise ValueError(f"{path}: unsupported file type (use .txt, .html, .json or .jsonl)")


def articles_from_stdin() -> Iterator[dict[str, Any]]:
    for line in sys.stdin:
        if line.strip():
            yield json.loads(line)


def publish(client: redis.Redis, articles: Iterable[dict[str, Any]], stream: str = names.INPUT_STREAM,
            chunk: int = 100) -> list[str]:
    """XADD each article as JSON in the `data` field, pipelined by chunks; returns the entry ids."""
    ids: list[str] = []
    pipe = client.pipeline(transaction=False)
    pending = 0
    for article in articles:
        pipe.xadd(stream, {names.DATA_FIELD: json.dumps(article, ensure_ascii=False, default=str)})
        pending += 1
        if pending >= chunk:
            ids += [i.decode() if isinstance(i, bytes) else i for i in pipe.execute()]
            pending = 0
    if pending:
        ids += [i.decode() if isinstance(i, bytes) else i for i in pipe.execute()]
    return ids
