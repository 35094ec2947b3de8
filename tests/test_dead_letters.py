"""Bad input ends in articles.dlq with a reason, and the worker keeps going."""

from __future__ import annotations

import json

import pytest
import redis

from service import names
from tests.conftest import article, output_for, xadd_article

CASES = {
    "invalid_json": b'{"id": "x", "text": ',
    "invalid_utf8": b'{"id": "x", "text": "caf\xe9"}',
    "missing_text": json.dumps({"id": "no-text", "title": "Titre seul"}),
    "invalid_article": json.dumps({"id": 12, "text": ["pas", "une", "chaîne"]}),
    "empty_text": json.dumps({"id": "blank", "text": "   \n\t "}),
    "text_too_long": json.dumps({"id": "huge", "text": "mot " * 60_000}),
}


@pytest.mark.parametrize("reason", sorted(CASES))
def test_bad_entry_is_dead_lettered_with_its_reason(reason: str, lr: redis.Redis) -> None:
    bad_id = xadd_article(lr, CASES[reason])
    good_id = xadd_article(lr, article(f"after-{reason}"))
    letter = output_for(lr, bad_id, names.DLQ_STREAM)
    assert letter["reason"] == reason
    assert letter["error"]
    assert output_for(lr, good_id)["article_id"] == f"art-after-{reason}"  # the worker kept going


def test_entry_without_data_field_is_dead_lettered(lr: redis.Redis) -> None:
    entry_id = lr.xadd(names.INPUT_STREAM, {"body": "hello"}).decode()
    assert output_for(lr, entry_id, names.DLQ_STREAM)["reason"] == "missing_data_field"


def test_dead_letter_keeps_the_original_payload(lr: redis.Redis) -> None:
    entry_id = xadd_article(lr, CASES["missing_text"])
    letter = output_for(lr, entry_id, names.DLQ_STREAM)
    assert json.loads(letter["payload"]) == json.loads(CASES["missing_text"])
