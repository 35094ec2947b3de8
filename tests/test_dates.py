"""Time expressions resolve against the publication date, at the precision the text supports."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.models import EventDate
from service.dates import Reference, find_time_expressions, offset_from_event, publication_period, shifted

PUB = date(2025, 3, 14)  # a Friday


def _only(text: str, pub: date = PUB) -> tuple[str, str | None]:
    found = find_time_expressions(text, pub)
    assert len(found) == 1, found
    return found[0].date.value, found[0].planned.value if found[0].planned else None


def test_explicit_full_date_is_a_day() -> None:
    assert _only("La réunion s'est tenue le 3 février 2024 à Genève.")[0] == "2024-02-03"


def test_first_of_month_ordinal() -> None:
    assert _only("Ils se sont parlé le 1er mars.")[0] == "2025-03-01"


def test_day_and_month_take_the_publication_year() -> None:
    assert _only("Le sommet a eu lieu le 10 mars.")[0] == "2025-03-10"


def test_day_and_month_after_publication_roll_back_a_year_in_january() -> None:
    assert _only("La délégation est arrivée le 28 décembre.", date(2025, 1, 3))[0] == "2024-12-28"


def test_bare_weekday_is_the_latest_such_day() -> None:
    assert _only("Le ministre est arrivé mardi à Berlin.")[0] == "2025-03-11"


def test_weekday_equal_to_publication_day_is_that_day() -> None:
    assert _only("Ils ont signé ce vendredi.")[0] == "2025-03-14"


def test_weekday_of_a_planned_event_reads_forward() -> None:
    assert _only("Les deux dirigeants doivent se voir mardi.")[1] == "2025-03-18"


def test_night_from_one_day_to_the_next_is_the_second_day() -> None:
    assert _only("Des frappes ont eu lieu dans la nuit de mardi à mercredi.")[0] == "2025-03-12"


def test_hier_is_the_day_before() -> None:
    assert _only("L'accord a été annoncé hier soir.")[0] == "2025-03-13"


def test_month_with_dernier_is_the_previous_such_month() -> None:
    assert _only("Il s'est rendu à Pékin en juin dernier.")[0] == "2024-06"


def test_le_mois_dernier_is_the_previous_month() -> None:
    assert _only("Le mois dernier, les ministres se sont rencontrés.")[0] == "2025-02"


def test_le_mois_dernier_in_january_is_last_december() -> None:
    assert _only("Le mois dernier, les ministres se sont rencontrés.", date(2025, 1, 20))[0] == "2024-12"


def test_mid_month_is_a_month() -> None:
    assert _only("Mi-juillet, une délégation est venue.", date(2025, 9, 1))[0] == "2025-07"


def test_start_of_a_month_still_to_come_reads_forward_when_planned() -> None:
    past, planned = _only("Il doit se rendre à Delhi début décembre.", date(2025, 11, 20))
    assert (past, planned) == ("2024-12", "2025-12")


def test_l_an_dernier_is_the_previous_year() -> None:
    assert _only("Les deux pays ont renforcé leurs échanges l'an dernier.")[0] == "2024"


def test_month_of_last_year() -> None:
    assert _only("L'invasion a commencé en février de l'année dernière.")[0] == "2024-02"


def test_about_a_month_ago_is_the_previous_month() -> None:
    assert _only("Il y a environ un mois, il s'est rendu en Russie.")[0] == "2025-02"


def test_last_week_is_kept_at_month_precision() -> None:
    assert _only("La semaine dernière, les marines ont manœuvré.", date(2025, 3, 3))[0] == "2025-02"


@pytest.mark.parametrize("text", ["Les deux pays entretiennent des relations étroites.",
                                  "Le ministre hésitait entre mai et juin pour son voyage."])
def test_no_time_expression(text: str) -> None:
    assert find_time_expressions(text, PUB) == []


# ---- explicit dates keep their precision and expression ------------------------------------------

def _found(text: str, pub: date | Reference | None = PUB) -> EventDate:
    found = find_time_expressions(text, pub)
    assert len(found) == 1, found
    return found[0].date


def test_explicit_date_after_ce_is_a_day_with_its_expression() -> None:
    found = _found("La parade se déroule ce 3 septembre 2025 à Pékin.", date(2025, 9, 1))
    assert (found.value, found.precision, found.expression) == ("2025-09-03", "day", "3 septembre 2025")


def test_le_day_month_year_is_a_day_with_its_expression() -> None:
    found = _found("Le traité a été signé le 3 septembre 2025 à Genève.")
    assert (found.value, found.precision, found.expression) == ("2025-09-03", "day", "3 septembre 2025")


def test_weekday_with_first_of_month_is_that_day() -> None:
    found = _found("Les ministres se retrouveront ce mardi 1er octobre à Rome.", date(2024, 9, 25))
    assert (found.value, found.precision, found.expression) == ("2024-10-01", "day", "ce mardi 1er octobre")


def test_day_month_dernier_is_the_past_one_with_its_expression() -> None:
    found = find_time_expressions("Il avait été reçu le 13 avril dernier à l'Élysée.", date(2025, 4, 10))
    assert len(found) == 1
    assert (found[0].date.value, found[0].date.expression) == ("2024-04-13", "le 13 avril dernier")
    assert found[0].planned is None  # "dernier" is past even for a planned event


def test_day_month_prochain_is_the_coming_one() -> None:
    found = find_time_expressions("Le sommet aura lieu le 2 mars prochain.", PUB)
    assert len(found) == 1 and found[0].date.value == "2026-03-02"


def test_dotted_numeric_date_is_a_day() -> None:
    assert _found("Le décret a été publié le 19.10.2023 au Journal officiel.").value == "2023-10-19"


def test_slashed_numeric_date_is_a_day() -> None:
    assert _found("L'accord du 19/10/2023 reste en vigueur.").value == "2023-10-19"


def test_weekday_before_day_and_month_is_one_expression() -> None:
    found = _found("Ils ont signé mercredi 12 mars un accord commercial.")
    assert (found.value, found.expression) == ("2025-03-12", "mercredi 12 mars")


def test_impossible_day_keeps_only_the_month() -> None:
    found = _found("Le rapport évoque le 31 février 2024.")
    assert (found.value, found.precision) == ("2024-02", "month")


# ---- resolution at the publication date's precision ----------------------------------------------

MONTH_ONLY = Reference(date(2025, 9, 1), "month")
YEAR_ONLY = Reference(date(2025, 1, 1), "year")


def test_day_and_month_with_only_the_month_known_is_a_day_of_that_year() -> None:
    found = _found("La réunion du 13 septembre a été reportée.", MONTH_ONLY)
    assert (found.value, found.precision) == ("2025-09-13", "day")


def test_earlier_month_with_only_the_month_known_is_this_year() -> None:
    assert _found("Il avait été reçu le 13 avril.", MONTH_ONLY).value == "2025-04-13"


def test_later_month_with_only_the_month_known_is_last_year() -> None:
    assert _found("Il avait été reçu le 13 décembre.", MONTH_ONLY).value == "2024-12-13"


def test_weekday_with_only_the_month_known_is_that_month() -> None:
    found = _found("Le ministre est arrivé mercredi à Berlin.", MONTH_ONLY)
    assert (found.value, found.precision, found.expression) == ("2025-09", "month", "mercredi")


def test_hier_with_only_the_month_known_is_that_month() -> None:
    assert _found("L'accord a été annoncé hier.", MONTH_ONLY).value == "2025-09"


def test_days_ago_with_only_the_month_known_is_that_month() -> None:
    assert _found("Il y a trois jours, il était à Kiev.", MONTH_ONLY).value == "2025-09"


def test_months_ago_with_only_the_month_known_is_exact() -> None:
    assert _found("Il y a deux mois, il était à Kiev.", MONTH_ONLY).value == "2025-07"


def test_weekday_with_only_the_year_known_is_that_year() -> None:
    found = _found("Le ministre est arrivé mercredi à Berlin.", YEAR_ONLY)
    assert (found.value, found.precision) == ("2025", "year")


def test_named_month_with_only_the_year_known_is_that_month_of_the_year() -> None:
    assert _found("Il s'est rendu à Pékin en juin.", YEAR_ONLY).value == "2025-06"


def test_day_and_month_with_only_the_year_known_is_a_day_of_that_year() -> None:
    assert _found("Il avait été reçu le 13 décembre.", YEAR_ONLY).value == "2025-12-13"


def test_le_mois_dernier_with_only_the_year_known_is_that_year() -> None:
    assert _found("Le mois dernier, les ministres se sont rencontrés.", YEAR_ONLY).value == "2025"


def test_publication_period_is_the_month_of_a_known_day() -> None:
    assert publication_period(date(2025, 3, 14)).value == "2025-03"


def test_publication_period_is_no_finer_than_the_year_when_only_that_is_known() -> None:
    period = publication_period(YEAR_ONLY)
    assert (period.value, period.precision, period.expression) == ("2025", "year", None)


# ---- through the pipeline ---------------------------------------------------------------------

def test_event_with_an_explicit_date_in_its_sentence_gets_that_day() -> None:
    from contracts.models import ArticleIn
    from service.pipeline import pipeline

    out = pipeline(ArticleIn(id="d1", published_at="2025-09-01",
                             text="Xi Jinping reçoit Vladimir Poutine pour un défilé militaire qui se déroule "
                                  "ce 3 septembre 2025 à Pékin."))
    dates = {(e.date.value, e.date.precision, e.date.expression) for e in out.events if e.date}
    assert dates == {("2025-09-03", "day", "3 septembre 2025")}


def test_event_without_a_time_expression_gets_the_month_the_producer_gave() -> None:
    from contracts.models import ArticleIn
    from service.pipeline import pipeline

    out = pipeline(ArticleIn(id="d2", published_at="2025-09",
                             text="Le président Emmanuel Macron a rencontré mercredi le chancelier Olaf Scholz."))
    assert out.events and all(e.date is not None and e.date.value == "2025-09" for e in out.events)


# ---- without a publication date --------------------------------------------------------------

def test_full_date_resolves_without_a_publication_date() -> None:
    assert _found("Le traité a été signé le 3 septembre 2025 à Genève.", None).value == "2025-09-03"


def test_month_and_year_resolve_without_a_publication_date() -> None:
    assert _found("Il s'est rendu à Pékin en mars 2024.", None).value == "2024-03"


@pytest.mark.parametrize("text", ["Le ministre est arrivé mardi à Berlin.", "Il a parlé hier.",
                                  "La réunion du 13 septembre a été reportée.", "Il y est allé en juin dernier."])
def test_expressions_needing_the_publication_date_do_not_resolve_without_it(text: str) -> None:
    assert find_time_expressions(text, None) == []


def test_event_of_an_article_with_an_unreadable_date_keeps_its_explicit_date() -> None:
    from contracts.models import ArticleIn
    from service.pipeline import pipeline

    out = pipeline(ArticleIn(id="d3", published_at="pas une date",
                             text="Xi Jinping reçoit Vladimir Poutine pour un défilé militaire qui se déroule "
                                  "ce 3 septembre 2025 à Pékin."))
    assert out.published_at_ignored is not None
    assert {e.date.value for e in out.events if e.date} == {"2025-09-03"}


# --- An event noun placed against its clause's date ("deux jours après l'arrestation") ---

@pytest.mark.parametrize(("before", "days", "phrase"), [
    ("La ville a connu vendredi des émeutes, deux jours après l'", -2, "deux jours après"),
    ("Le ministre a démissionné une semaine avant le ", 7, "une semaine avant"),
    ("Les manifestants ont défilé jeudi, au lendemain de la ", -1, "au lendemain"),
    ("Les troupes ont été mises en alerte à la veille du ", 1, "à la veille"),
    ("Il a été libéré 3 jours après son ", -3, "3 jours après"),
])
def test_a_noun_placed_days_after_or_before_is_offset_from_the_clause_date(before: str, days: int,
                                                                           phrase: str) -> None:
    assert offset_from_event(before) == (days, phrase)


@pytest.mark.parametrize("before", ["Il est arrivé après la ", "Le vote a eu lieu deux jours plus tard, après le ",
                                    "Deux jours après, la "])
def test_a_noun_without_a_distance_to_its_clause_is_not_offset(before: str) -> None:
    assert offset_from_event(before) is None


def test_shifting_a_day_moves_it_and_keeps_both_expressions() -> None:
    friday = EventDate(value="2025-03-14", precision="day", expression="vendredi")
    assert shifted(friday, -2, "deux jours après") == EventDate(
        value="2025-03-12", precision="day", expression="deux jours après (vendredi)")


def test_shifting_a_month_keeps_the_month() -> None:
    march = EventDate(value="2025-03", precision="month", expression="en mars")
    assert shifted(march, -2, "deux jours après").value == "2025-03"


def test_days_before_a_noun_phrase_are_not_read_against_the_publication() -> None:
    assert find_time_expressions("Il a été arrêté deux jours avant l'élection.", date(2025, 3, 14)) == []


def test_days_before_with_nothing_after_are_read_against_the_publication() -> None:
    found = find_time_expressions("Il était arrivé deux jours avant.", date(2025, 3, 14))
    assert [e.date.value for e in found] == ["2025-03-12"]


# --- "la veille", "le lendemain": against the day named before them in the sentence ---

def test_la_veille_is_the_day_before_the_day_named_before_it() -> None:
    found = find_time_expressions("Samedi, la police a dispersé le cortège, et la veille, elle avait arrêté "
                                  "trois militants.", date(2025, 3, 14))
    assert [(e.date.value, e.date.expression) for e in found] == [("2025-03-08", "Samedi"),
                                                                  ("2025-03-07", "la veille")]


def test_le_lendemain_is_the_day_after_the_day_named_before_it() -> None:
    found = find_time_expressions("Le syndicaliste a été interpellé le 3 mars et relâché le lendemain.",
                                  date(2025, 3, 14))
    assert [e.date.value for e in found] == ["2025-03-03", "2025-03-04"]


def test_la_veille_with_no_day_before_it_is_left_unresolved() -> None:
    assert find_time_expressions("La veille, le ministre avait reçu les syndicats.", date(2025, 3, 14)) == []


def test_le_lendemain_de_a_noun_is_not_a_day_of_its_own() -> None:
    found = find_time_expressions("Mardi, au lendemain du scrutin, les résultats ont été publiés.",
                                  date(2025, 3, 14))
    assert [e.date.expression for e in found] == ["Mardi"]


def test_le_lendemain_of_a_coming_day_is_the_next_day_for_a_planned_event() -> None:
    found = find_time_expressions("Il arrivera jeudi et rencontrera le lendemain le président.", date(2025, 3, 11))
    assert [e.for_event(planned=True).value for e in found] == ["2025-03-13", "2025-03-14"]


def test_a_headline_in_capitals_has_its_dates_too() -> None:
    # the words each pattern needs are looked for in the lowered sentence before the pattern runs
    found = find_time_expressions("DANS LA NUIT DE LUNDI À MARDI, PUIS IL Y A TROIS JOURS À LYON", PUB)
    assert [e.date.expression for e in found] == ["DANS LA NUIT DE LUNDI À MARDI", "IL Y A TROIS JOURS"]


def test_a_long_s_that_re_ignorecase_takes_for_s_still_opens_the_patterns() -> None:
    found = find_time_expressions("Le texte fut ſigné la ſemaine dernière à Dijon.", PUB)
    assert [e.date.expression for e in found] == ["la ſemaine dernière"]
