"""The world gazetteer: every UN member with its French name, capital and adjectives; hand-written
files for leaders, French politics, organisations and armed groups; all files agree with each other."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from contracts.models import ArticleIn, Entity
from service.data.gazetteer import build_world
from service.gazetteer import DATA, GazetteerEntry, _entry, fold, load_gazetteer
from service.nlp import load_nlp
from service.pipeline import pipeline

GAZETTEER_DIR = DATA / "gazetteer"
# Capitals that another file already holds with another meaning: Bruxelles stands for the EU (core.yaml).
CAPITAL_HELD_ELSEWHERE = {"BE"}


def _files() -> list[Path]:
    return sorted(GAZETTEER_DIR.glob("*.yaml"))


def _final_entries() -> dict[str, GazetteerEntry]:
    """The entries the loader keeps: a later file's entry replaces an earlier one with the same id."""
    entries: dict[str, GazetteerEntry] = {}
    for path in _files():
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            entry = _entry(raw)
            entries[entry.id] = entry
    return entries


def _raw(name: str) -> list[dict[str, Any]]:
    return list(yaml.safe_load((GAZETTEER_DIR / name).read_text(encoding="utf-8")))


def _countries() -> dict[str, GazetteerEntry]:
    """ISO code -> the gazetteer's country entry (a LOC that adjectives or a capital stand for)."""
    gaz = load_gazetteer()
    targets = set(gaz.demonyms.values()) | {e.stands_for for e in gaz.entries.values() if e.stands_for}
    return {e.country: e for e in gaz.entries.values() if e.id in targets and e.label == "LOC" and e.country}


def test_the_member_table_lists_the_193_un_members_all_known_to_cldr() -> None:
    babel = pytest.importorskip("babel")
    assert len(build_world.UN_MEMBERS) == 193
    assert set(build_world.UN_MEMBERS) <= set(babel.Locale("fr").territories)
    assert not {"TW", "PS", "XK", "VA", "EH"} & set(build_world.UN_MEMBERS)  # observers and disputed


def test_every_un_member_is_a_country_entry_with_a_french_name() -> None:
    countries = _countries()
    missing = sorted(set(build_world.UN_MEMBERS) - set(countries))
    assert not missing
    assert countries["ML"].name == "Mali" and countries["CD"].name == "République démocratique du Congo"
    assert countries["CI"].name == "Côte d'Ivoire" and countries["MM"].name == "Birmanie"


def test_every_un_member_has_a_capital_that_stands_for_it_unless_the_table_says_why_not() -> None:
    gaz = load_gazetteer()
    countries = _countries()
    governed = {e.stands_for for e in gaz.entries.values() if e.stands_for and e.label == "LOC"}
    exceptions = set(build_world.NO_CAPITAL) | set(build_world.NOT_STANDING_FOR) | CAPITAL_HELD_ELSEWHERE
    without = sorted(code for code, country in countries.items()
                     if code in build_world.UN_MEMBERS and country.id not in governed and code not in exceptions)
    assert not without
    assert len(exceptions) < 12  # the exceptions stay exceptions


def test_capitals_and_seats_of_government_resolve_to_their_government() -> None:
    gaz = load_gazetteer()
    for city, country in [("Bamako", "Mali"), ("Niamey", "Niger"), ("Ouagadougou", "Burkina Faso"),
                          ("N'Djamena", "Tchad"), ("Kinshasa", "République démocratique du Congo"),
                          ("Brazzaville", "Congo"), ("Caire", "Égypte"), ("Abidjan", "Côte d'Ivoire"),
                          ("Alger", "Algérie"), ("Moscou", "Russie")]:
        entry = gaz.lookup(city)
        assert entry is not None, city
        government = gaz.government_of(entry.id)
        assert government is not None and government.name == country, city


def test_a_capital_held_by_a_rival_authority_stands_for_nobody() -> None:
    gaz = load_gazetteer()
    sanaa = gaz.lookup("Sanaa")
    assert sanaa is not None and gaz.government_of(sanaa.id) is None


def test_no_surface_form_folds_to_two_entities_across_all_files() -> None:
    ids_by_form: dict[str, set[str]] = defaultdict(set)
    for entry in _final_entries().values():
        for form in entry.surface_forms:
            ids_by_form[fold(form)].add(entry.id)
    shared = {form: ids for form, ids in ids_by_form.items() if len(ids) > 1}
    assert not shared


def test_every_stands_for_names_an_existing_entry() -> None:
    entries = _final_entries()
    dangling = {e.id: e.stands_for for e in entries.values() if e.stands_for and e.stands_for not in entries}
    assert not dangling


def test_adjectives_resolve_to_their_country_in_every_inflection() -> None:
    gaz = load_gazetteer()
    for adjective, country in [("malien", "Mali"), ("maliennes", "Mali"), ("nigérien", "Niger"),
                               ("nigériane", "Nigeria"), ("burkinabè", "Burkina Faso"),
                               ("ivoiriens", "Côte d'Ivoire"), ("grecque", "Grèce"), ("sénégalaise", "Sénégal"),
                               ("russe", "Russie")]:
        target = gaz.demonyms.get(fold(adjective))
        assert target is not None and gaz.entries[target].name == country, adjective


def test_an_adjective_shared_by_two_countries_is_left_out() -> None:
    # "congolais" is said of both Congos: it resolves to neither rather than to the wrong one.
    assert fold("congolais") not in load_gazetteer().demonyms


def test_no_adjective_is_claimed_by_two_countries() -> None:
    claims: dict[str, set[str]] = defaultdict(set)
    for path in _files():
        for raw in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for adjective in raw.get("demonyms") or ():
                claims[fold(adjective)].add(_entry(raw).id)
    gaz = load_gazetteer()
    demonyms_yaml = yaml.safe_load((DATA / "demonyms.yaml").read_text(encoding="utf-8"))
    for name, adjectives in demonyms_yaml.items():
        target = gaz.lookup(name)
        for adjective in adjectives:
            if target is not None:
                claims[fold(adjective)].add(target.id)
    assert not {a: ids for a, ids in claims.items() if len(ids) > 1}


def test_inflections_derive_plurals_from_masculine_and_feminine() -> None:
    assert build_world.inflections("malien/malienne") == ["malien", "malienne", "maliens", "maliennes"]
    assert build_world.inflections("français/française") == ["français", "française", "françaises"]
    assert build_world.inflections("belge") == ["belge", "belges"]


def test_first_names_that_are_country_names_are_not_aliases() -> None:
    gaz = load_gazetteer()
    for first_name in ("Maurice", "Dominique", "Salvador", "Victoria"):
        assert gaz.lookup(first_name) is None, first_name
    assert gaz.lookup("île Maurice") is not None and gaz.lookup("El Salvador") is not None


def test_the_generated_file_is_what_the_script_builds() -> None:
    babel = pytest.importorskip("babel")
    territories = dict(babel.Locale("fr").territories)
    expected = build_world.build(territories, build_world._existing_ids(build_world.OUTPUT))
    assert _raw(build_world.OUTPUT.name) == expected


def test_generated_file_header_records_the_date_and_the_sources() -> None:
    header = build_world.OUTPUT.read_text(encoding="utf-8").split("\n- ", 1)[0]
    assert f"Data true as of {build_world.DATA_TRUE_AS_OF}" in header
    assert "CLDR" in header and "Babel" in header and "QIDs" in header


HAND_WRITTEN = ["leaders.yaml", "france.yaml", "organisations.yaml", "groups.yaml", "regions.yaml"]


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_hand_written_files_state_when_their_roles_were_true_and_guess_no_qid(name: str) -> None:
    text = (GAZETTEER_DIR / name).read_text(encoding="utf-8")
    assert "2025" in text.split("\n- ", 1)[0]
    assert all("id" not in raw for raw in _raw(name))


@pytest.mark.parametrize("name", HAND_WRITTEN)
def test_aliases_are_whole_names_not_fragments_of_a_comma_split_name(name: str) -> None:
    # An unquoted comma inside a YAML flow list splits a long official name into two "aliases".
    for raw in _raw(name):
        for alias in raw.get("aliases") or []:
            assert not alias.startswith(("le ", "la ", "les ", "l'")), (raw["name"], alias)


@pytest.mark.parametrize("name", ["leaders.yaml", "france.yaml", "organisations.yaml"])
def test_people_have_lowercase_titles_without_article(name: str) -> None:
    people = [raw for raw in _raw(name) if raw["label"] == "PER"]
    assert people
    for person in people:
        titles = person.get("titles") or []
        assert titles, person["name"]
        for title in titles:
            assert title == title.lower() and not title.startswith(("le ", "la ", "l'", "les ")), title


def test_the_loader_reads_every_new_file() -> None:
    gaz = load_gazetteer()
    for name, label in [("Assimi Goïta", "PER"), ("Jordan Bardella", "PER"), ("CEDEAO", "ORG"),
                        ("JNIM", "ORG"), ("Christine Lagarde", "PER"), ("Amnesty International", "ORG"),
                        ("Tuvalu", "LOC"), ("Goma", "LOC"), ("PSUV", "ORG")]:
        entry = gaz.lookup(name)
        assert entry is not None and entry.label == label, name


def test_titles_name_the_office_holder() -> None:
    gaz = load_gazetteer()
    goita = gaz.lookup("Goïta")
    assert goita is not None and "chef de la junte malienne" in goita.titles
    attaf = gaz.lookup("Ahmed Attaf")
    assert attaf is not None and "chef de la diplomatie algérienne" in attaf.titles


def test_the_entity_ruler_holds_every_surface_form() -> None:
    ruler = load_nlp().get_pipe("entity_ruler")
    forms = sum(len(e.surface_forms) for e in load_gazetteer().entries.values())
    assert len(ruler) == forms  # type: ignore[arg-type]


def _entities(text: str) -> list[Entity]:
    return pipeline(ArticleIn(id="gaz", text=text, published_at=datetime(2025, 6, 12, tzinfo=UTC))).entities


def _names(entities: list[Entity]) -> dict[str, str]:
    return {e.name: e.label for e in entities}


def test_sahel_sentence_yields_country_capital_and_leader() -> None:
    names = _names(_entities(
        "Le président malien Assimi Goïta a reçu mardi à Bamako son homologue nigérien, le général "
        "Abdourahamane Tiani. Les deux dirigeants ont évoqué la sécurité au Mali et au Niger."))
    assert names.get("Assimi Goïta") == "PER" and names.get("Abdourahamane Tiani") == "PER"
    assert names.get("Bamako") == "LOC" and names.get("Mali") == "LOC" and names.get("Niger") == "LOC"


def test_organisations_and_groups_are_recognised_with_their_acronyms() -> None:
    entities = _entities(
        "La CEDEAO a condamné l'attaque revendiquée par le JNIM dans le nord du Burkina Faso, "
        "selon un rapport d'Amnesty International publié à Dakar.")
    by_name = {e.name: e for e in entities}
    assert by_name["CEDEAO"].label == "ORG" and by_name["JNIM"].label == "ORG"
    assert "Amnesty International" in by_name and by_name["Burkina Faso"].label == "LOC"
    assert "Dakar" in by_name


def test_french_politics_sentence_resolves_party_and_leaders() -> None:
    names = _names(_entities(
        "Jordan Bardella, président du RN, a répondu à Jean-Luc Mélenchon après un meeting de "
        "La France insoumise à Marseille."))
    assert names.get("Jordan Bardella") == "PER" and names.get("Jean-Luc Mélenchon") == "PER"
    assert names.get("Rassemblement national") == "ORG" and names.get("La France insoumise") == "ORG"
