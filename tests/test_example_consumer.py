"""The README's example consumer: its own group, validation against the contract, acknowledgement."""

from __future__ import annotations

import pytest
import redis

from contracts.example_consumer import consume_once, ensure_group
from contracts.models import EnrichedArticle
from service import names
from tests.helpers_worker import enriched


def _article(article_id: str) -> EnrichedArticle:
    return enriched(article_id)


def _publish(r: redis.Redis, data: str) -> None:
    r.xadd(names.OUTPUT_STREAM, {names.DATA_FIELD: data})


def test_the_consumer_receives_validated_models_and_acknowledges_them(r: redis.Redis) -> None:
    _publish(r, _article("a1").model_dump_json())
    ensure_group(r, "app", names.OUTPUT_STREAM)
    seen: list[EnrichedArticle] = []
    assert consume_once(r, "app", "c1", seen.append, block_ms=10, stream=names.OUTPUT_STREAM) == 1
    assert [a.article_id for a in seen] == ["a1"]
    assert r.xpending(names.OUTPUT_STREAM, "app")["pending"] == 0


def test_an_invalid_message_is_reported_and_does_not_block_the_group(r: redis.Redis) -> None:
    _publish(r, '{"article_id": "broken"}')
    _publish(r, _article("a2").model_dump_json())
    ensure_group(r, "app", names.OUTPUT_STREAM)
    invalid: list[str] = []
    seen: list[EnrichedArticle] = []
    consume_once(r, "app", "c1", seen.append, on_invalid=lambda i, e: invalid.append(e), block_ms=10, stream=names.OUTPUT_STREAM)
    assert len(invalid) == 1 and [a.article_id for a in seen] == ["a2"]
    assert r.xpending(names.OUTPUT_STREAM, "app")["pending"] == 0


def test_a_message_the_handler_fails_on_is_read_again_after_a_restart(r: redis.Redis) -> None:
    _publish(r, _article("a3").model_dump_json())
    ensure_group(r, "app", names.OUTPUT_STREAM)

    def crash(_: EnrichedArticle) -> None:
        raise RuntimeError("downstream database is down")

    with pytest.raises(RuntimeError):
        consume_once(r, "app", "c1", crash, block_ms=10, stream=names.OUTPUT_STREAM)
    seen: list[EnrichedArticle] = []
    consume_once(r, "app", "c1", seen.append, block_ms=10, stream=names.OUTPUT_STREAM)
    assert [a.article_id for a in seen] == ["a3"]
    assert r.xpending(names.OUTPUT_STREAM, "app")["pending"] == 0
