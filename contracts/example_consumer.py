"""A downstream consumer of `articles.enriched`, as a service of yours would write it.

Reads with its own consumer group (each application gets every message; its replicas share them),
validates each message against the contract model, hands it to your code, then acknowledges it.
A message your code fails on stays pending and is read again at the next start (at-least-once:
make your handler idempotent, e.g. keyed by `input_entry_id`). A message that does not validate is
reported and acknowledged, so it cannot block the group.

    uv run python -m contracts.example_consumer            # REDIS_URL, default redis://localhost:6379/0
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import redis
from pydantic import ValidationError

from contracts.models import EnrichedArticle

STREAM = os.environ.get("DEPECHE_OUTPUT_STREAM", "articles.enriched")
DATA_FIELD = "data"


def ensure_group(client: redis.Redis, group: str, stream: str = STREAM) -> None:
    """Create the group at the start of the stream (id 0): nothing already published is missed."""
    try:
        client.xgroup_create(stream, group, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def consume_once(client: redis.Redis, group: str, consumer: str,
                 handle: Callable[[EnrichedArticle], None],
                 on_invalid: Callable[[str, str], None] = lambda entry_id, error: None,
                 stream: str = STREAM, count: int = 100, block_ms: int = 1000) -> int:
    """Read one batch: first this consumer's own pending messages (left by a crash), then new ones.

    Returns how many messages were acknowledged.
    """
    acked = 0
    for start in ("0", ">"):  # "0": our pending list, re-delivered after a crash; ">": never delivered
        reply: Any = client.xreadgroup(group, consumer, {stream: start}, count=count,
                                       block=None if start == "0" else block_ms)
        for _, entries in reply or []:
            for entry_id, fields in entries:
                raw = fields.get(DATA_FIELD.encode(), b"")
                try:
                    article = EnrichedArticle.model_validate(json.loads(raw))
                except (ValueError, ValidationError) as exc:
                    on_invalid(entry_id.decode(), str(exc).splitlines()[0])
                else:
                    handle(article)  # raises: not acknowledged, read again from the pending list
                client.xack(stream, group, entry_id)
                acked += 1
    return acked


def main() -> None:
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://localhost:6379/0"))
    group, consumer = "example-app", os.environ.get("HOSTNAME", "example-1")
    ensure_group(client, group)

    def show(article: EnrichedArticle) -> None:
        events = ", ".join(f"{e.type} {e.source.name if e.source else '?'} → {e.target.name if e.target else '?'}"
                           for e in article.events)
        print(f"{article.article_id} [{article.contract_version}] {len(article.entities)} entities; {events}")

    while True:
        consume_once(client, group, consumer, show,
                     on_invalid=lambda entry_id, error: print(f"{entry_id}: invalid message: {error}"))


if __name__ == "__main__":
    main()
