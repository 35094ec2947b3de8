"""Time expressions resolve against the publication date, at the precision the text supports."""

from __future__ import annotations

from datetime import date

import pytest

from service.dates import find_time_expressions

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
