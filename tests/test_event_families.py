"""Conventions of the event families outside diplomacy (service/events/families.py), on whole short articles.

The single-sentence codings are in tests/data/event_sentences.yaml; these tests are about what a sentence
case cannot show: how many events an article yields, and which words must yield none.
"""

from __future__ import annotations

from datetime import datetime

from contracts.models import ArticleIn, Event
from service.pipeline import pipeline

PUBLISHED = datetime.fromisoformat("2025-03-12T12:00:00+00:00")  # a Wednesday


def _events(text: str, kind: str) -> list[Event]:
    return [e for e in pipeline(ArticleIn(id="families", text=text, published_at=PUBLISHED)).events if e.type == kind]


def test_one_strike_told_three_times_is_one_protest() -> None:
    text = ("Une grève générale a paralysé le pays mercredi.\n"
            "Les grévistes sont descendus dans la rue mercredi matin.\n"
            "Les manifestants réclamaient une hausse des salaires.")
    assert len(_events(text, "PROTEST")) == 1


def test_merged_protest_keeps_the_named_organiser() -> None:
    text = ("Des milliers de manifestants ont défilé mercredi dans la capitale.\n"
            "La CGT a organisé la manifestation contre la réforme des retraites.")
    protests = _events(text, "PROTEST")
    assert len(protests) == 1
    assert protests[0].source is not None and protests[0].source.name == "CGT"


def test_protests_in_two_cities_stay_two_events() -> None:
    text = ("Des centaines d'agriculteurs ont manifesté mercredi à Toulouse.\n"
            "D'autres agriculteurs ont manifesté mercredi à Strasbourg.")
    assert len(_events(text, "PROTEST")) == 2


def test_two_people_arrested_are_two_arrests() -> None:
    text = ("Le journaliste Marc Lefort a été arrêté mardi à Istanbul.\n"
            "L'avocate Sophie Marin a été arrêtée mardi à Istanbul.")
    assert len(_events(text, "COERCE")) == 2


def test_a_word_of_a_party_name_is_no_protest() -> None:
    assert _events("Le Rassemblement national a tenu son congrès dimanche à Perpignan.", "PROTEST") == []


def test_a_coup_with_no_one_named_is_no_event() -> None:
    assert _events("Le pays vit sous un régime militaire depuis une tentative de coup d'État en 2022.", "COERCE") == []


def test_a_mobilisation_of_reservists_stays_military() -> None:
    text = "La Russie a annoncé mercredi la mobilisation de 300 000 réservistes."
    assert _events(text, "PROTEST") == []
    assert len(_events(text, "MOBILIZE")) == 1


def test_a_speaker_beside_a_protest_is_not_its_author() -> None:
    text = "Le ministre Paul Girard a qualifié mercredi la réforme d'indispensable, malgré les protestations des syndicats."
    assert all(e.source is None or e.source.name != "Paul Girard" for e in _events(text, "PROTEST"))


def test_the_organiser_of_a_strike_is_its_author() -> None:
    protests = _events("La CGT a organisé une grève dans les transports mercredi.", "PROTEST")
    assert [e.source.name if e.source else None for e in protests] == ["CGT"]


def test_a_sea_is_not_the_target_of_a_missile_fire() -> None:
    text = "La Corée du Nord a tiré mercredi deux missiles balistiques qui sont tombés en mer du Japon."
    assert all(e.target is None or "mer" not in e.target.name.lower() for e in _events(text, "ASSAULT"))
