"""Bad input ends in articles.dlq with a reason, and the worker keeps going (in-process worker, real Redis)."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import pytest
import redis

from contracts.models import DeadLetter, DeadLetterReason
from service import names
from tests.conftest import article, read_stream, run_burst, xadd_article
from tests.helpers_worker import stub_pipeline

ROOT = Path(__file__).resolve().parent.parent

CASES = {
    "invalid_json": b'{"id": "x", "text": ',
    "invalid_utf8": b'{"id": "x", "text": "caf\xe9"}',
    "missing_text": json.dumps({"id": "no-text", "title": "Titre seul"}),
    "invalid_article": json.dumps({"id": 12, "text": ["pas", "une", "chaîne"]}),
    "empty_text": json.dumps({"id": "blank", "text": "   \n\t "}),
    "text_too_long": json.dumps({"id": "huge", "text": "mot " * 60_000}),
}


@pytest.mark.parametrize("reason", sorted(CASES))
def test_bad_entry_is_dead_lettered_with_its_reason(reason: str, redis_url: str, r: redis.Redis) -> None:
    bad_id = xadd_article(r, CASES[reason])
    good_id = xadd_article(r, article(f"after-{reason}"))
    run_burst(redis_url, stub_pipeline()[0])
    [letter] = read_stream(r, names.DLQ_STREAM)
    assert letter["input_entry_id"] == bad_id and letter["reason"] == reason
    assert letter["error"]
    assert [o["input_entry_id"] for o in read_stream(r, names.OUTPUT_STREAM)] == [good_id]  # kept going


def test_entry_without_data_field_is_dead_lettered(redis_url: str, r: redis.Redis) -> None:
    entry_id = r.xadd(names.INPUT_STREAM, {"body": "hello"}).decode()
    run_burst(redis_url, stub_pipeline()[0])
    assert [(d["input_entry_id"], d["reason"]) for d in read_stream(r, names.DLQ_STREAM)] == [
        (entry_id, "missing_data_field")]


def test_dead_letter_keeps_the_original_payload(redis_url: str, r: redis.Redis) -> None:
    xadd_article(r, CASES["missing_text"])
    run_burst(redis_url, stub_pipeline()[0])
    [letter] = read_stream(r, names.DLQ_STREAM)
    assert json.loads(letter["payload"]) == json.loads(CASES["missing_text"])


def test_dead_letter_reasons_are_a_closed_documented_set() -> None:
    reasons = set(typing.get_args(DeadLetterReason))
    schema = json.loads((ROOT / "contracts" / "schemas" / "dead_letter.json").read_text())
    assert set(schema["properties"]["reason"]["enum"]) == reasons
    assert set(DeadLetter.model_json_schema()["properties"]["reason"]["enum"]) == reasons
    readme = (ROOT / "README.md").read_text()
    section = readme.split("#### Dead-letter reasons", 1)[1].split("\n#", 1)[0]
    documented = set(re.findall(r"^\| `([a-z0-9_]+)` \|", section, re.M))
    assert documented == reasons, "README's dead-letter table lists exactly the contract's reasons"


def test_every_reason_the_service_emits_is_in_the_contract() -> None:
    emitted = set()
    for path in (ROOT / "service").glob("*.py"):
        emitted |= set(re.findall(r'Rejected\(\s*"([a-z0-9_]+)"', path.read_text()))
    assert emitted and emitted <= set(typing.get_args(DeadLetterReason))
