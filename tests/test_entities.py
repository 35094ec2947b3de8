"""One entity per real-world entity, with every mention; junk and descriptions are not entities."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts.models import ArticleIn, Entity
from service.gazetteer import fold
from service.pipeline import pipeline


def _entities(text: str) -> list[Entity]:
    return pipeline(ArticleIn(id="ent", text=text, published_at=datetime(2025, 3, 14, tzinfo=UTC))).entities


def _named(entities: list[Entity], name: str) -> list[Entity]:
    return [e for e in entities if fold(e.name) == fold(name)]


def test_surname_joins_the_full_name() -> None:
    entities = _entities("Kim Jong-un a inspecté une usine. Kim a ensuite quitté la province.")
    kims = [e for e in entities if "kim" in fold(e.name)]
    assert len(kims) == 1 and {m.text for m in kims[0].mentions} >= {"Kim Jong-un", "Kim"}


def test_honorific_mention_is_the_same_person() -> None:
    entities = _entities("Vladimir Poutine est arrivé à Minsk. M. Poutine a salué ses hôtes.")
    assert len(_named(entities, "Vladimir Poutine")) == 1
    assert len([e for e in entities if e.label == "PER"]) == 1


def test_transliterations_share_one_id() -> None:
    entities = _entities("Sergueï Choïgou est à Téhéran. Selon la presse iranienne, Shoigu y restera deux jours.")
    people = [e for e in entities if e.label == "PER"]
    assert len(people) == 1 and people[0].name == "Sergueï Choïgou"


def test_loading_placeholder_is_not_an_entity() -> None:
    entities = _entities("Le Japon a protesté auprès de Pékin.\nLoading...\nAccueil")
    assert not any(fold(e.name) in ("loading", "accueil") for e in entities)


def test_title_resolves_to_the_named_leader() -> None:
    entities = _entities("Vladimir Poutine a reçu son homologue. Le président russe a salué une visite utile.")
    putin = _named(entities, "Vladimir Poutine")[0]
    assert any(m.text.lower() == "président russe" for m in putin.mentions)


def test_title_alone_creates_no_person() -> None:
    entities = _entities("Le président russe a reçu une délégation à Moscou.")
    assert not _named(entities, "Vladimir Poutine")


def test_treaty_name_is_not_an_actor() -> None:
    entities = _entities("Les deux pays ont ratifié le Traité de coopération renforcée signé à Minsk.")
    assert not [e for e in entities if e.label in ("PER", "ORG", "LOC") and fold(e.name).startswith("traite")]


def test_lowercase_description_is_not_a_named_entity() -> None:
    entities = _entities("Les pays occidentaux livrent des armes à l'Ukraine.")
    assert not [e for e in entities if e.mentions and all(m.text.islower() for m in e.mentions)]


def test_headline_glued_to_the_next_line_is_not_a_name() -> None:
    entities = _entities("Relations tendues\nLe Japon a protesté auprès de la Chine.")
    assert not [e for e in entities if "\n" in e.name or any("\n" in m.text for m in e.mentions)]


def test_title_glued_in_front_of_a_name_is_not_part_of_it() -> None:
    entities = _entities("Le Premier ministre Jean Castex a parlé. Le Premier ministre a ensuite quitté Matignon.")
    assert _named(entities, "Jean Castex") and not [e for e in entities if "ministre" in fold(e.name)]


def test_title_without_a_name_is_not_an_entity() -> None:
    entities = _entities("Le Président de la République a reçu le Premier ministre.")
    assert not [e for e in entities if "president" in fold(e.name) or "republique" in fold(e.name)]


def test_title_the_article_gave_a_person_refers_to_that_person() -> None:
    entities = _entities("Le Premier ministre Jean Castex a reçu les syndicats. Le Premier ministre a ensuite quitté Lyon.")
    castex = _named(entities, "Jean Castex")
    assert len(castex) == 1 and sum(m.text == "Premier ministre" for m in castex[0].mentions) == 1


def test_surname_alone_joins_a_person_absent_from_the_gazetteer() -> None:
    entities = _entities("Jeanne Morvan, élue de Brest, a été entendue. Morvan a ensuite quitté le tribunal.")
    people = [e for e in entities if e.label == "PER"]
    assert len(people) == 1 and {m.text for m in people[0].mentions} >= {"Jeanne Morvan", "Morvan"}
