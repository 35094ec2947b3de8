"""Actors across clauses and sentences, specified by tests/data/event_sentences_actors.yaml.

The same checks as tests/test_events.py (type, actors, date, modality), on sentences of our own where the party
is a pronoun or a clitic, the subject of an infinitive of purpose, a pair of nationality adjectives or the
announcer of a reported agreement.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_events import _actors_ok, _date_ok, _describe

from contracts.models import ArticleIn
from service.pipeline import pipeline

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "event_sentences_actors.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[f"{i:02d}-{c['expect']['type']}" for i, c in enumerate(CASES)])
def test_actor_sentence_yields_expected_event(case: dict[str, Any]) -> None:
    expect = case["expect"]
    published = datetime.fromisoformat(str(case["published_at"]) + "T12:00:00+00:00")
    out = pipeline(ArticleIn(id="spec", text=case["text"], published_at=published))
    matching = [e for e in out.events if e.type == expect["type"] and _actors_ok(expect, e)
                and ("date" not in expect or _date_ok(expect["date"], e)) and e.modality == expect["modality"]]
    assert matching, f"no event as expected: {expect}\ngot:\n{_describe(out.events)}"


# Sentences that must NOT yield an event of this type from this source.
NOT_SOURCES: list[tuple[str, str, str]] = [
    ("La déclaration de l'Union africaine intervient avant une visite à Berlin du président sénégalais Bassirou "
     "Diomaye Faye pour rencontrer le chancelier Friedrich Merz.", "CONSULT", "Union africaine"),
]


@pytest.mark.parametrize(("text", "event_type", "source"), NOT_SOURCES, ids=["purpose-infinitive-not-main-subject"])
def test_sentence_yields_no_event_from_this_source(text: str, event_type: str, source: str) -> None:
    out = pipeline(ArticleIn(id="spec", text=text, published_at=datetime.fromisoformat("2025-03-14T12:00:00+00:00")))
    wrong = [e for e in out.events if e.type == event_type and e.source is not None and e.source.name == source]
    assert not wrong, f"{event_type} wrongly sourced to {source}:\n{_describe(out.events)}"
