"""Domestic politics, protests, elections and justice, specified by tests/data/event_sentences_domestic.yaml.

The same checks as tests/test_events.py (type, mode, actors, date, modality) on sentences of our own about
crowds and the police, courts and charges, parliaments and votes; then sentences that must yield no event of a
given type.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from test_events import _actors_ok, _date_ok, _describe

from contracts.models import ArticleIn, Event
from service.pipeline import pipeline

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "event_sentences_domestic.yaml").read_text(encoding="utf-8"))
PUBLISHED = datetime.fromisoformat("2025-03-14T12:00:00+00:00")  # a Friday


def _events(text: str, published: datetime = PUBLISHED) -> list[Event]:
    return pipeline(ArticleIn(id="spec", text=text, published_at=published)).events


@pytest.mark.parametrize("case", CASES, ids=[f"{i:02d}-{c['expect']['type']}" for i, c in enumerate(CASES)])
def test_domestic_sentence_yields_expected_event(case: dict[str, Any]) -> None:
    expect = case["expect"]
    events = _events(case["text"], datetime.fromisoformat(str(case["published_at"]) + "T12:00:00+00:00"))
    matching = [e for e in events if e.type == expect["type"] and _actors_ok(expect, e)
                and (not expect.get("no_source") or e.source is None)
                and (not expect.get("no_target") or e.target is None)
                and _date_ok(expect.get("date"), e) and e.modality == expect["modality"]
                and ("mode" not in expect or e.mode == expect["mode"])]
    assert matching, f"no event as expected: {expect}\ngot:\n{_describe(events)}"


# (text, type): sentences that must yield no event of this type.
NO_EVENT: list[tuple[str, str, str]] = [
    ("« Nos soldats ont démontré leurs compétences en matière de combat de nuit », a dit le porte-parole.",
     "ASSAULT", "a skill noun under a boast by 'nos soldats' is no attack"),
    ("Des heurts ont opposé jeudi des jeunes aux forces de l'ordre à Rennes.",
     "ASSAULT", "clashes with unnamed police are not coded as an attack by no one"),
    ("Les députés ont renversé mardi le gouvernement de Paul Girard par 301 voix.",
     "COERCE", "a government brought down by deputies is no coup"),
]


@pytest.mark.parametrize(("text", "event_type", "why"), NO_EVENT, ids=[c[2] for c in NO_EVENT])
def test_sentence_yields_no_event_of_this_type(text: str, event_type: str, why: str) -> None:
    events = _events(text)
    wrong = [e for e in events if e.type == event_type]
    assert not wrong, f"{why}:\n{_describe(events)}"


def test_one_person_taken_and_held_in_one_sentence_is_one_arrest() -> None:
    text = "Des émeutes ont éclaté vendredi, deux jours après l'arrestation de l'opposant Jean Moreau, dont la garde à vue a été prolongée."
    arrests = [e for e in _events(text) if e.type == "COERCE"]
    assert len(arrests) == 1, _describe(arrests)
    assert arrests[0].target is not None and arrests[0].target.name == "Jean Moreau"
    assert arrests[0].date is not None and arrests[0].date.value == "2025-03-12"


def test_a_merged_arrest_never_makes_the_arrested_the_arrester() -> None:
    text = "Le militant Paul Girard a été interpellé mardi puis placé en garde à vue à Lille."
    arrests = [e for e in _events(text) if e.type == "COERCE"]
    assert arrests and all(e.source is None or e.source.name != "Paul Girard" for e in arrests), _describe(arrests)


def test_the_person_named_after_the_arrested_role_is_the_target() -> None:
    text = "Les syndicats ont manifesté jeudi après l'arrestation en Turquie du directeur de l'ONG Amnesty, Paul Girard."
    arrests = [e for e in _events(text) if e.type == "COERCE"]
    assert [e.target.name if e.target else None for e in arrests] == ["Paul Girard"], _describe(arrests)


def test_an_unnamed_arrest_does_not_absorb_a_named_ban() -> None:
    text = ("Une dizaine de personnes ont été interpellées jeudi.\n"
            "Le Niger a interdit jeudi la diffusion de la chaîne RFI.")
    coerce = [e for e in _events(text) if e.type == "COERCE"]
    assert sorted(e.mode or "" for e in coerce) == ["arrest", "restrict"], _describe(coerce)
