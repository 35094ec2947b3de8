"""One entity per real-world entity, with every mention; junk and descriptions are not entities."""

from __future__ import annotations

from datetime import UTC, datetime

from spacy.tokens import Span

from contracts.models import ArticleIn, Entity
from service.entities import _is_description
from service.gazetteer import fold, load_gazetteer
from service.nlp import load_nlp
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
    entities = _entities("Jean Dupont, maire de Lille, a été interpellé. M. Dupont a été relâché. Dupont a porté plainte.")
    people = [e for e in entities if e.label == "PER"]
    assert len(people) == 1 and [m.text for m in people[0].mentions] == ["Jean Dupont", "M. Dupont", "Dupont"]


def test_acronym_in_parentheses_after_a_name_is_that_entity() -> None:
    entities = _entities("L'Agence nationale des routes (ANR) a lancé un appel d'offres. L'ANR publiera son choix en mai.")
    owners = [e for e in entities if any(m.text == "ANR" for m in e.mentions)]
    assert len(owners) == 1 and fold(owners[0].name) == fold("Agence nationale des routes")
    assert sum(m.text == "ANR" for m in owners[0].mentions) == 2


def test_full_name_in_parentheses_after_an_acronym_is_that_entity() -> None:
    entities = _entities("Le MLP (Mouvement pour la liberté des paysans) a manifesté à Rennes. Le MLP réclame des aides.")
    owners = [e for e in entities if any(fold(m.text) == fold("Mouvement pour la liberté des paysans")
                                         for m in e.mentions)]
    assert len(owners) == 1 and {m.text for m in owners[0].mentions} >= {"MLP"}
    assert not [e for e in entities if e is not owners[0] and e.name == "MLP"]


def test_agency_credit_after_a_place_is_not_its_acronym() -> None:
    entities = _entities("Lyon (AFP) - La mairie a fermé le parc de la Tête d'or après la tempête.")
    assert not [e for e in entities if fold(e.name) == "lyon" and any(m.text == "AFP" for m in e.mentions)]


def test_one_name_of_a_known_person_inside_another_full_name_is_another_person() -> None:
    entities = _entities("Le général Abbas Karimi a été tué à Beyrouth, selon les Gardiens de la révolution.")
    assert not _named(entities, "Mahmoud Abbas")
    assert [e for e in entities if e.label == "PER" and fold(e.name) == fold("Abbas Karimi")]


def test_name_alone_on_its_line_is_a_rubric_not_an_entity() -> None:
    entities = _entities("Sahel :\nLe Tchad et le Niger ont signé un accord de défense à Niamey.")
    assert not [e for e in entities if any(m.text == "Sahel" for m in e.mentions)]


def test_photo_credit_after_the_copyright_sign_is_not_an_entity() -> None:
    entities = _entities("Le maire a inauguré le nouveau pont à Nantes. © Julien Mercier / Studio Loire")
    assert not [e for e in entities if "mercier" in fold(e.name) or "loire" in fold(e.name)]


def test_compass_point_in_parentheses_is_not_a_place() -> None:
    entities = _entities("Des combats ont opposé l'armée aux rebelles à Kidal (Nord) mardi soir.")
    assert not [e for e in entities if fold(e.name) == "nord"]


def _span(text: str, words: str) -> Span:
    doc = load_nlp()(text)
    start = next(t.i for t in doc if doc[t.i:t.i + len(words.split())].text == words)
    return Span(doc, start, start + len(words.split()), label="LOC")


def test_state_named_by_its_adjective_is_a_description() -> None:
    assert _is_description(_span("Le chef d'État malien a reçu les syndicats à Bamako.", "État malien"),
                           load_gazetteer())


def test_portfolio_of_a_minister_is_a_description() -> None:
    span = _span("Le ministre malien des Affaires étrangères, Abdoulaye Diop, a quitté Dakar.", "Affaires étrangères")
    assert _is_description(span, load_gazetteer())


def test_weekday_opening_a_sentence_is_not_an_entity() -> None:
    entities = _entities("Vendredi, les agriculteurs ont bloqué le port de Brest avec leurs tracteurs.")
    assert not [e for e in entities if fold(e.name) == "vendredi"]


def test_name_cut_before_a_known_place_is_kept_whole() -> None:
    entities = _entities("Les combattants de l'Armée de libération du Haut-Karabakh ont rendu leurs armes.")
    assert [e for e in entities if fold(e.name) == fold("Armée de libération du Haut-Karabakh")]


def test_lowercase_head_noun_is_part_of_a_place_name() -> None:
    entities = _entities("Les grévistes se sont rassemblés place Bellecour avant de rejoindre la gare Part-Dieu.")
    assert {"place bellecour", "gare part dieu"} <= {fold(e.name) for e in entities}


def test_court_name_includes_its_town() -> None:
    entities = _entities("L'élu a été condamné mardi par le tribunal correctionnel de Rennes à deux ans de prison.")
    assert _named(entities, "tribunal correctionnel de Rennes") and not _named(entities, "Rennes")


def test_instead_of_someone_is_not_a_place() -> None:
    entities = _entities("Elle a pris la place de Julie Vernier à la tête de la fédération.")
    assert not [e for e in entities if fold(e.name).startswith("place")]


def test_party_name_split_by_a_country_inside_it_is_the_party() -> None:
    entities = _entities("Des députés de la France Insoumise ont rejoint le cortège à Marseille.")
    assert not _named(entities, "France") and _named(entities, "La France insoumise")


def test_subheading_line_is_not_an_entity() -> None:
    entities = _entities("Le gouvernement a présenté son budget.\nDette publique\nLe déficit atteint 5 % du PIB.")
    assert not [e for e in entities if "dette" in fold(e.name)]


def test_road_number_is_not_the_party_of_the_same_acronym() -> None:
    entities = _entities("Les tracteurs bloquent la RN 12 à l'entrée de Brest depuis l'aube.")
    assert not _named(entities, "Rassemblement national")


def test_capitalised_article_is_not_an_acronym() -> None:
    entities = _entities("UN nouveau budget a été voté par les députés à Paris.")
    assert not _named(entities, "Organisation des Nations unies") and not _named(entities, "ONU")


def test_name_cut_by_the_end_of_a_page_is_the_person_already_named() -> None:
    entities = _entities("Volodymyr Zelensky a reçu des soldats blessés. Le Kremlin a promis de répondre à Zele")
    assert not [e for e in entities if fold(e.name) == "zele"]
    assert any(m.text == "Zele" for m in _named(entities, "Volodymyr Zelensky")[0].mentions)


def test_body_named_inside_a_role_phrase_stays_an_entity() -> None:
    entities = _entities("Le président de la Banque mondiale, Ajay Banga, a salué l'accord. "
                         "Le président de la Banque mondiale a ensuite quitté Nairobi.")
    assert _named(entities, "Banque mondiale")


def test_continent_with_a_compass_point_is_another_region() -> None:
    entities = _entities("Le ministre a fait une tournée en Afrique de l'Ouest et en Asie du Sud-Est.")
    names = {fold(e.name) for e in entities}
    assert {"afrique de l ouest", "asie du sud est"} <= names and not names & {"afrique", "asie"}


def test_known_person_then_a_weekday_is_that_person() -> None:
    entities = _entities("Le président Trump Mardi a reçu les industriels à la Maison Blanche.")
    assert _named(entities, "Donald Trump") and not [e for e in entities if "mardi" in fold(e.name)]


def test_english_photo_caption_names_no_entity() -> None:
    entities = _entities(
        "Le président nigérian a reçu mardi la délégation du FMI à Abuja, où les deux parties ont discuté pendant "
        "plusieurs heures de la dette du pays et des réformes attendues par les bailleurs internationaux.\n"
        "Nigerian President meets Director of the Africa Department at the Westbrook Monetary Fund in Abuja on "
        "May 3, 2024.\nLes discussions ont porté sur la dette, sur les subventions et sur le taux de change.")
    assert _named(entities, "Abuja") and not _named(entities, "Afrique")
