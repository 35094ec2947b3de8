"""Economic and trade events, specified by tests/data/event_sentences_trade.yaml.

The same checks as tests/test_events.py (type, actors, date, modality), on sentences of our own about sanctions
packages, tariffs, trade complaints, loans and ceasefires.
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
    (Path(__file__).parent / "data" / "event_sentences_trade.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[f"{i:02d}-{c['expect']['type']}" for i, c in enumerate(CASES)])
def test_trade_sentence_yields_expected_event(case: dict[str, Any]) -> None:
    expect = case["expect"]
    published = datetime.fromisoformat(str(case["published_at"]) + "T12:00:00+00:00")
    out = pipeline(ArticleIn(id="spec", text=case["text"], published_at=published))
    matching = [e for e in out.events if e.type == expect["type"] and _actors_ok(expect, e)
                and _date_ok(expect.get("date"), e) and e.modality == expect["modality"]
                and ("mode" not in expect or e.mode == expect["mode"])]
    assert matching, f"no event as expected: {expect}\ngot:\n{_describe(out.events)}"


# Sentences that must NOT yield an event of this type with this party on either side.
NOT_PARTIES: list[tuple[str, str, str]] = [
    # an agreement on sanctions against Iran is no deal with Iran
    ("Les Vingt-Sept se sont accordés jeudi sur une nouvelle série de sanctions contre l'Iran.", "AGREE", "Iran"),
    # the forum a complaint is lodged with is not what it is aimed at
    ("L'Australie a déposé vendredi une plainte devant l'OMC contre la Chine.", "ACCUSE", "OMC"),
    ("La Corée du Sud a saisi mardi l'OMC.", "ACCUSE", "OMC"),
]


@pytest.mark.parametrize(("text", "event_type", "party"), NOT_PARTIES,
                         ids=["agreement-on-sanctions-is-no-deal", "complaint-not-aimed-at-forum",
                              "seized-forum-is-not-the-target"])
def test_sentence_yields_no_event_with_this_party(text: str, event_type: str, party: str) -> None:
    published = datetime.fromisoformat("2025-03-14T12:00:00+00:00")
    out = pipeline(ArticleIn(id="spec", text=text, published_at=published))
    wrong = [e for e in out.events if e.type == event_type and party in (
        e.source.name if e.source else None, e.target.name if e.target else None)]
    assert not wrong, f"{event_type} wrongly with {party}:\n{_describe(out.events)}"
