"""Event coding, specified by tests/data/event_sentences.yaml (one case per sentence).

Each case runs through the real pipeline and must yield the expected event:
its type, its actors (either direction for the symmetric types), its date at
the precision the sentence supports, its modality and, when given, who reports it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts.models import Actor, ArticleIn, Event
from service.gazetteer import fold, load_gazetteer
from service.pipeline import pipeline
from service.plover import SYMMETRIC

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "data" / "event_sentences.yaml").read_text(encoding="utf-8"))

# Sentences the extractor does not code yet, by the start of their text; strict, so a fix shows up.
UNSOLVED: dict[str, str] = {
    "« Nous avons signé un accord de coopération militaire":
        "the outer 'cité par X' is not preferred over the quoted speaker yet",
    "La Chine et la Russie ont développé l'an dernier":
        "'l'an dernier' swallows the object in the parse; the phrase noun is not reached",
    "La Corée du Nord a démenti avoir livré":
        "an inverted reporting verb after a comma is not yet preferred over the denier",
    "Washington a annoncé jeudi une nouvelle tranche":
        "the aid noun two hops below the object ('tranche d'aide') is not reached",
    "L'Union européenne a condamné l'exécution":
        "the agent of a condemned act ('par l'Iran') is not yet taken as the target",
    "Le Kremlin a refusé la proposition":
        "'avancée par Kiev' is attached to the verb by the parser, and 'par' never introduces a target",
}


def _case_id(i: int, case: dict[str, Any]) -> str:
    slug = re.sub(r"\W+", "-", fold(case["text"]))[:40].strip("-")
    return f"{i:02d}-{case['expect']['type']}-{slug}"


def _params() -> list[Any]:
    params = []
    for i, case in enumerate(CASES):
        reason = next((r for start, r in UNSOLVED.items() if case["text"].startswith(start)), None)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(case, id=_case_id(i, case), marks=marks))
    return params


def _same_party(wanted: str, actor: Actor) -> bool:
    if fold(wanted) == fold(actor.name):
        return True
    entry = load_gazetteer().lookup(wanted)
    return entry is not None and entry.id == actor.id


def _actor_ok(expected: str | list[str] | None, actor: Actor | None) -> bool:
    if expected is None:
        return True  # not scored
    wanted = expected if isinstance(expected, list) else [expected]
    return actor is not None and any(_same_party(w, actor) for w in wanted)


def _actors_ok(expect: dict[str, Any], event: Event) -> bool:
    if _actor_ok(expect.get("source"), event.source) and _actor_ok(expect.get("target"), event.target):
        return True
    return expect["type"] in SYMMETRIC and (
        _actor_ok(expect.get("source"), event.target) and _actor_ok(expect.get("target"), event.source))


def _date_ok(expected: Any, event: Event) -> bool:
    if expected is None:
        # "no date in the sentence": nothing may be read from the text (a publication-date guess is fine)
        return event.date is None or event.date.expression is None
    wanted = str(expected)
    return event.date is not None and event.date.value == wanted


def _attribution_ok(expected: str | None, got: str | None) -> bool:
    if expected is None:
        return True
    if got is None:
        return False
    gaz = load_gazetteer()
    a, b = gaz.lookup(expected), gaz.lookup(got)
    return fold(expected) == fold(got) or (a is not None and b is not None and a.id == b.id)


def _describe(events: list[Event]) -> str:
    return "\n".join(
        f"  {e.type}.{e.mode} {e.source.name if e.source else None} -> {e.target.name if e.target else None}"
        f" date={e.date.value if e.date else None} ({e.date.expression if e.date else None})"
        f" {e.modality} attr={e.attribution} trigger={e.trigger.text!r}" for e in events) or "  (no events)"


@pytest.mark.parametrize("case", _params())
def test_sentence_yields_expected_event(case: dict[str, Any]) -> None:
    expect = case["expect"]
    published = datetime.fromisoformat(str(case["published_at"]) + "T12:00:00+00:00")
    out = pipeline(ArticleIn(id="spec", text=case["text"], published_at=published))
    checks = [
        ("type", lambda e: e.type == expect["type"]),
        ("actors", lambda e: _actors_ok(expect, e)),
        ("date", lambda e: _date_ok(expect.get("date"), e)),
        ("modality", lambda e: e.modality == expect["modality"]),
        ("attribution", lambda e: _attribution_ok(expect.get("attribution"), e.attribution)),
    ]
    candidates = out.events
    for what, check in checks:
        narrowed = [e for e in candidates if check(e)]
        assert narrowed, (f"no {expect['type']} event with the expected {what}; expected {expect}\n"
                          f"got:\n{_describe(out.events)}")
        candidates = narrowed


# Sentences that must NOT yield an event of this type with this actor (None: any actor).
NOT_EVENTS: list[tuple[str, str, str | None]] = [
    ("Le Japon et l'Inde ont tenu des discussions à Tokyo. Les discussions ont porté sur la coopération "
     "militaire entre les deux pays.", "COOPERATE", None),
    ("Kim Jong-un a salué les progrès de la Corée du Nord.", "SUPPORT", "Corée du Nord"),
    ("Le soutien européen à l'Ukraine a été salué par Kiev.", "SUPPORT", "Union européenne"),
    ("Le sommet a ouvert la voie au désarmement de la Corée du Nord.", "RETREAT", None),
    ("La Commission de l'Union africaine a rencontré lundi l'Union africaine.", "CONSULT", None),
    ("Des mercenaires serbes combattent aux côtés de la Russie.", "ASSAULT", "Russie"),
    ("Le président cubain a salué les soldats angolais qui combattent aux côtés de la Namibie au Botswana.",
     "ASSAULT", "Namibie"),
]


@pytest.mark.parametrize(("text", "event_type", "actor"), NOT_EVENTS, ids=["topic-of-talks", "own-state",
                                                                           "adjective-is-not-the-union",
                                                                           "withdrawal-noun-in-passing",
                                                                           "a-body-and-its-parent",
                                                                           "fighting-beside-an-ally",
                                                                           "relative-clause-beside-an-ally"])
def test_sentence_yields_no_such_event(text: str, event_type: str, actor: str | None) -> None:
    out = pipeline(ArticleIn(id="spec", text=text, published_at=datetime(2025, 3, 14, 12, tzinfo=UTC)))
    wrong = [e for e in out.events if e.type == event_type and (
        actor is None or any(a is not None and _same_party(actor, a) for a in (e.source, e.target)))]
    assert not wrong, _describe(wrong)
