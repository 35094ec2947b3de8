"""Bad input ends in articles.dlq with a reason, and the worker keeps going."""

from __future__ import annotations

import json

import pytest
import redis

from service import names
from tests.conftest import WorkerFactory, article, read_stream, settled, wait_until, xadd_article

CASES = {
    "invalid_json": b'{"id": "x", "text": ',
    "invalid_utf8": b'{"id": "x", "text": "caf\xe9"}',
    "missing_text": json.dumps({"id": "no-text", "title": "Titre seul"}),
    "invalid_article": json.dumps({"id": 12, "text": ["pas", "une", "chaîne"]}),
    "empty_text": json.dumps({"id": "blank", "text": "   \n\t "}),
    "text_too_long": json.dumps({"id": "huge", "text": "mot " * 60_000}),
}


@pytest.mark.parametrize("reason", sorted(CASES))
def test_bad_entry_is_dead_lettered_with_its_reason(reason: str, r: redis.Redis,
                                                    start_worker: WorkerFactory) -> None:
    start_worker(DEPECHE_MAX_TEXT_CHARS="200000")
    bad_id = xadd_article(r, CASES[reason])
    xadd_article(r, article("after-bad"))
    wait_until(lambda: settled(r, 2) and r.xlen(names.OUTPUT_STREAM) == 1 and r.xlen(names.DLQ_STREAM) == 1)
    [letter] = read_stream(r, names.DLQ_STREAM)
    assert letter["reason"] == reason
    assert letter["input_entry_id"] == bad_id
    assert letter["error"]
    assert read_stream(r, names.OUTPUT_STREAM)[0]["article_id"] == "art-after-bad"


def test_entry_without_data_field_is_dead_lettered(r: redis.Redis, start_worker: WorkerFactory) -> None:
    start_worker()
    r.xadd(names.INPUT_STREAM, {"body": "hello"})
    wait_until(lambda: r.xlen(names.DLQ_STREAM) == 1)
    assert read_stream(r, names.DLQ_STREAM)[0]["reason"] == "missing_data_field"


def test_dead_letter_keeps_the_original_payload(r: redis.Redis, start_worker: WorkerFactory) -> None:
    start_worker()
    xadd_article(r, CASES["missing_text"])
    wait_until(lambda: r.xlen(names.DLQ_STREAM) == 1)
    assert json.loads(read_stream(r, names.DLQ_STREAM)[0]["payload"]) == json.loads(CASES["missing_text"])
