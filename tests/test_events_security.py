"""Security and violence events (attacks, sanctions, threats, deployments): constructions of French news
where the parties sit far from the trigger or go unnamed. One behaviour per test, on our own sentences."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts.models import ArticleIn, Event
from service.gazetteer import fold
from service.pipeline import pipeline


def _events(text: str, event_type: str) -> list[Event]:
    out = pipeline(ArticleIn(id="spec", text=text, published_at=datetime(2025, 3, 14, 12, tzinfo=UTC)))
    return [e for e in out.events if e.type == event_type]


def _names(events: list[Event]) -> list[tuple[str | None, str | None]]:
    return [(fold(e.source.name) if e.source else None, fold(e.target.name) if e.target else None) for e in events]


def test_passive_agent_after_a_date_between_commas_is_the_attacker() -> None:
    events = _events("Deux casernes de la ville de Bamako ont été attaquées, ce mercredi 12 mars, par l'État "
                     "islamique au Sahel, qui a revendiqué l'opération.", "ASSAULT")
    assert any(src is not None and src.startswith("etat islamique") for src, _ in _names(events)), _names(events)
    assert all(e.date is not None and e.date.value == "2025-03-12" for e in events)


def test_armed_group_attacking_the_country_it_fights_in_is_an_assault() -> None:
    events = _events("Le JNIM a attaqué lundi un camp militaire près de Bamako.", "ASSAULT")
    assert ("jnim", "mali") in _names(events), _names(events)


def test_event_noun_under_a_participle_does_not_take_the_main_subject() -> None:
    events = _events("L'Union africaine a suspendu les généraux impliqués dans le coup d'État.", "COERCE")
    assert not any(src == "union africaine" for src, _ in _names(events)), _names(events)


def test_object_hung_on_a_weekday_still_takes_the_verb_subject() -> None:
    events = _events("Washington a annoncé jeudi des droits de douane supplémentaires sur les produits chinois.",
                     "SANCTION")
    assert ("etats unis", "chine") in _names(events), _names(events)


def test_tariff_retaliation_is_a_sanction() -> None:
    events = _events("Le gouvernement chinois a avalisé mardi des représailles tarifaires sur les produits "
                     "américains.", "SANCTION")
    assert ("chine", "etats unis") in _names(events), _names(events)


def test_strike_targets_the_country_where_a_partitive_object_lies() -> None:
    events = _events("L'armée russe a lancé l'opération Tempête, une frappe de précision ciblant des infrastructures "
                     "militaires situées en Ukraine.", "ASSAULT")
    assert ("russie", "ukraine") in _names(events), _names(events)


def test_drill_without_partner_is_a_show_of_force() -> None:
    out = pipeline(ArticleIn(id="spec", text="La Chine a mené des exercices militaires autour de Taïwan.",
                             published_at=datetime(2025, 3, 14, 12, tzinfo=UTC)))
    assert [(e.type, fold(e.source.name) if e.source else None, e.target) for e in out.events] == [
        ("MOBILIZE", "chine", None)]


def test_drill_with_a_partner_stays_cooperation() -> None:
    events = _events("Le Japon a mené mardi des exercices militaires avec l'Inde.", "COOPERATE")
    assert ("japon", "inde") in _names(events), _names(events)


def test_missiles_fired_into_a_sea_are_a_weapons_test() -> None:
    out = pipeline(ArticleIn(id="spec", text="La Corée du Nord a tiré jeudi deux missiles balistiques en mer du Japon.",
                             published_at=datetime(2025, 3, 14, 12, tzinfo=UTC)))
    assert [(e.type, e.mode, e.target) for e in out.events] == [("MOBILIZE", "weapons_test", None)]


def test_a_supervised_launch_is_a_weapons_test() -> None:
    events = _events("Kim Jong-un a supervisé jeudi le tir de deux missiles.", "MOBILIZE")
    assert ("kim jong un", None) in _names(events), _names(events)


def test_missiles_fired_at_a_city_stay_a_strike_on_its_country() -> None:
    events = _events("La Russie a tiré mardi des missiles sur Kiev.", "ASSAULT")
    assert ("russie", "ukraine") in _names(events), _names(events)


def test_impersonal_il_is_no_party_of_a_strike() -> None:
    events = _events("Vladimir Poutine a parlé lundi. Un porte-parole ukrainien a déclaré qu'il y avait eu peu de "
                     "blessés après la frappe de missiles russes.", "ASSAULT")
    assert not any(tgt == "vladimir poutine" for _, tgt in _names(events)), _names(events)


def test_not_ruling_out_an_intervention_is_an_asserted_threat() -> None:
    events = _events("La Cedeao n'exclut pas une intervention militaire au Niger.", "THREATEN")
    assert [(src, tgt, e.modality) for (src, tgt), e in zip(_names(events), events, strict=True)] == [
        ("cedeao", "niger", "asserted")]


def test_missiles_falling_into_a_sea_in_a_relative_clause_are_a_weapons_test() -> None:
    events = _events("Lundi, la Corée du Nord a tiré deux missiles qui se sont abattus en mer du Japon.", "MOBILIZE")
    assert ("coree du nord", None) in _names(events), _names(events)


def test_bare_junta_stands_for_the_country_the_article_names_most() -> None:
    events = _events("Le Tchad vit sous un régime d'exception. À N'Djamena, la junte a expulsé lundi l'ambassadeur "
                     "d'Allemagne.", "SANCTION")
    assert ("tchad", "allemagne") in _names(events), _names(events)


def test_putschists_as_target_are_their_country() -> None:
    events = _events("La Guinée est en crise. L'Union africaine a sanctionné les putschistes jeudi.", "SANCTION")
    assert ("union africaine", "guinee") in _names(events), _names(events)


def test_authors_of_a_coup_are_the_regime() -> None:
    events = _events("Au Gabon, l'Union africaine a imposé des interdictions de voyager aux officiers auteurs du "
                     "coup d'État.", "SANCTION")
    assert ("union africaine", "gabon") in _names(events), _names(events)


def test_transition_authorities_stand_for_their_country() -> None:
    events = _events("Le Mali a rompu avec Paris. Les autorités de transition ont expulsé mardi le représentant "
                     "de la Suède.", "SANCTION")
    assert ("mali", "suede") in _names(events), _names(events)


def test_a_deadline_given_to_someone_is_a_demand() -> None:
    events = _events("L'Union africaine a donné quinze jours à la junte guinéenne pour organiser des élections.",
                     "REQUEST")
    assert ("union africaine", "guinee") in _names(events), _names(events)


def test_a_threat_without_a_party_is_aimed_at_the_country_of_the_article() -> None:
    events = _events("Le Gabon est dirigé par des militaires depuis août. Réunie à Luanda, la CEEAC n'exclut pas "
                     "le recours à la force, a déclaré son président.", "THREATEN")
    assert ("ceeac", "gabon") in _names(events), _names(events)


def test_a_claimed_attack_struck_the_place_its_phrase_names() -> None:
    events = _events("Les Shebab ont revendiqué lundi une attaque sanglante et l'incendie d'un hôtel du centre de "
                     "Mogadiscio.", "ASSAULT")
    assert ("shebab", "somalie") in _names(events), _names(events)


def test_a_place_of_another_clause_is_not_what_an_attack_struck() -> None:
    events = _events("Le JNIM a revendiqué l'attaque, a déclaré un élu à Niamey.", "ASSAULT")
    assert not any(tgt == "niger" for _, tgt in _names(events)), _names(events)


def test_the_act_after_dont_is_its_antecedents() -> None:
    events = _events("Le mouvement Hamas, dont l'offensive du 7 octobre 2023 contre Israël a déclenché la guerre, a "
                     "répondu jeudi.", "ASSAULT")
    assert ("hamas", "israel") in _names(events), _names(events)
    assert any(e.date is not None and e.date.value == "2023-10-07" for e in events)


def test_the_antecedent_of_dont_undergoes_an_arrest() -> None:
    events = _events("Les partisans de l'opposant Jean Dupont, dont l'arrestation a eu lieu mardi, ont manifesté.",
                     "COERCE")
    assert (None, "jean dupont") in _names(events), _names(events)


def test_attackers_named_by_kind_leave_the_source_unnamed() -> None:
    events = _events("Des hommes armés ont attaqué jeudi un poste de l'armée nigérienne près de la frontière.",
                     "ASSAULT")
    assert (None, "niger") in _names(events), _names(events)


def test_a_passive_attack_without_agent_is_coded_with_its_target() -> None:
    events = _events("Un camp de l'armée burkinabè a été attaqué lundi matin dans l'est du pays.", "ASSAULT")
    assert (None, "burkina faso") in _names(events), _names(events)


def test_an_army_killing_fighters_named_by_kind_leaves_the_target_unnamed() -> None:
    events = _events("L'armée malienne a tué une vingtaine de terroristes dans la région de Ségou, selon un "
                     "communiqué.", "ASSAULT")
    assert ("mali", None) in _names(events), _names(events)


def test_an_ambush_strikes_the_side_of_its_casualties() -> None:
    events = _events("Une embuscade tendue par des rebelles a fait douze morts parmi les soldats tchadiens.",
                     "ASSAULT")
    assert (None, "tchad") in _names(events), _names(events)


def test_an_attack_told_again_without_its_author_is_the_named_one() -> None:
    events = _events("Le groupe État islamique a revendiqué mardi une attaque contre la ville de Ménaka au Mali. "
                     "Dix civils ont été tués mardi dans la ville de Ménaka, a précisé un élu local.", "ASSAULT")
    assert events and all(e.source is not None for e in events), _names(events)


def test_overthrowing_a_person_is_a_coup() -> None:
    events = _events("Le général Mamadi Doumbouya a renversé Alpha Condé en septembre 2021 à Conakry.", "COERCE")
    assert ("mamadi doumbouya", "alpha conde") in _names(events), _names(events)


def test_hoping_to_overthrow_someone_is_no_coup() -> None:
    events = _events("Après des semaines de manifestations, l'opposition espère toujours renverser Alpha Condé.",
                     "COERCE")
    assert not any(e.mode == "coup" for e in events), _names(events)


def test_suspending_a_state_is_a_sanction() -> None:
    events = _events("Réunie en urgence, l'Union africaine a suspendu la Guinée de toutes ses instances.", "SANCTION")
    assert ("union africaine", "guinee") in _names(events), _names(events)


def test_leaving_an_organisation_is_a_withdrawal() -> None:
    events = _events("Après des mois de tensions, le Burkina Faso a quitté la Cedeao avec ses deux voisins.",
                     "RETREAT")
    assert ("burkina faso", "cedeao") in _names(events), _names(events)


def test_a_coup_the_clause_dates_itself_by_is_not_its_subjects() -> None:
    events = _events("L'Union africaine a suspendu le Gabon de ses instances après le coup d'État.", "COERCE")
    assert not any(src == "union africaine" for src, _ in _names(events)), _names(events)


def test_a_demand_to_free_someone_is_made_to_the_country_holding_them() -> None:
    events = _events("Le Gabon est dirigé par des militaires depuis août. L'Union africaine exige la libération "
                     "d'Ali Bongo.", "REQUEST")
    assert ("union africaine", "gabon") in _names(events), _names(events)


def test_a_claimed_attack_struck_the_place_hung_on_the_claiming_verb() -> None:
    events = _events("Le groupe État islamique a revendiqué l'attaque de lundi contre une caserne à Niamey.", "ASSAULT")
    assert ("etat islamique", "niger") in _names(events), _names(events)


def test_a_crowd_attacking_an_embassy_is_an_attack() -> None:
    events = _events("Des manifestants ont attaqué dimanche l'ambassade de Russie à Niamey.", "ASSAULT")
    assert (None, "russie") in _names(events), _names(events)
