"""The checked-in JSON Schemas and AsyncAPI document are generated from the models and kept in sync."""

from __future__ import annotations

import json

import jsonschema
import pytest

from contracts import generate
from contracts.models import ArticleIn


def test_checked_in_contract_files_match_the_models() -> None:
    stale = [str(p) for p, text in generate.rendered().items()
             if not p.exists() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"run `python -m contracts.generate`; out of date: {stale}"


def test_asyncapi_documents_every_stream() -> None:
    doc = json.loads((generate.HERE / "asyncapi.json").read_text(encoding="utf-8"))
    addresses = {c["address"] for c in doc["channels"].values()}
    assert addresses == {"articles.raw", "articles.enriched", "events", "articles.dlq"}
    assert doc["asyncapi"].startswith("3.")


def test_input_schema_accepts_a_producer_article() -> None:
    schema = json.loads((generate.HERE / "schemas" / "article_in.json").read_text(encoding="utf-8"))
    jsonschema.validate({"id": "a1", "text": "Bonjour.", "published_at": "2025-01-02T03:04:05Z"}, schema)


def test_input_schema_rejects_an_article_without_id() -> None:
    schema = json.loads((generate.HERE / "schemas" / "article_in.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"text": "Bonjour."}, schema)


def test_model_keeps_published_at_as_the_producer_sent_it() -> None:
    article = ArticleIn.model_validate({"id": "a", "text": "x", "published_at": "2025-01-02T03:04:05+09:00"})
    assert article.published_at == "2025-01-02T03:04:05+09:00"  # read by service.published, offset and all


@pytest.mark.parametrize("raw", ["Tue, 19 Oct 2023 10:00:00 GMT", "2023-09", "19/10/2023", 1697709600, "n'importe"])
def test_input_schema_and_model_accept_any_published_at_string_or_number(raw: object) -> None:
    schema = json.loads((generate.HERE / "schemas" / "article_in.json").read_text(encoding="utf-8"))
    jsonschema.validate({"id": "a1", "text": "Bonjour.", "published_at": raw}, schema)
    assert ArticleIn.model_validate({"id": "a1", "text": "Bonjour.", "published_at": raw}).published_at == raw
