"""Cleaning: boilerplate out, the date header read, offsets kept, HTML through trafilatura."""

from __future__ import annotations

from datetime import UTC, datetime

from service.clean import clean, fold_for_nlp


def test_boilerplate_lines_are_dropped() -> None:
    raw = ("Accueil » Monde » Asie\nLe Japon et la Corée du Sud ont tenu un sommet à Tokyo.\n"
           "Suivez-nous sur Google Actualités\nLoading...\nLeave a Comment\n")
    cleaned = clean(raw)
    assert cleaned.text == "Le Japon et la Corée du Sud ont tenu un sommet à Tokyo."
    assert cleaned.report.boilerplate_lines == 4


def test_repeated_headline_is_kept_once() -> None:
    raw = "Sommet à Tokyo\nSommet à Tokyo\nLes deux dirigeants se sont rencontrés."
    cleaned = clean(raw)
    assert cleaned.text.count("Sommet à Tokyo") == 1 and cleaned.report.duplicate_lines == 1


def test_date_header_line_gives_published_at() -> None:
    cleaned = clean("3 Février 2025 09:30 (UTC+01:00)\nLa Pologne a expulsé deux diplomates.")
    assert cleaned.published_at is not None
    assert cleaned.published_at.astimezone(UTC) == datetime(2025, 2, 3, 8, 30, tzinfo=UTC)
    assert "Février" not in cleaned.text


def test_dateline_gives_published_at_and_stays_in_text() -> None:
    cleaned = clean("Séoul, 14 mars 2025 (AFP) - Les deux Corées ont échangé des tirs.")
    assert cleaned.published_at == datetime(2025, 3, 14, tzinfo=UTC)
    assert cleaned.text.startswith("Séoul")


def test_no_date_in_text_leaves_published_at_empty() -> None:
    assert clean("Les deux pays ont signé un accord.").published_at is None


def test_fold_for_nlp_keeps_every_offset() -> None:
    text = "« Nous l’avons signé », a dit M. Lee\u00a0—\u202fà Séoul."
    folded = fold_for_nlp(text)
    assert len(folded) == len(text)
    assert folded.index("avons") == text.index("avons")
    assert "’" not in folded and "«" not in folded


def test_html_goes_through_trafilatura() -> None:
    html = ("<html><head><title>Sommet</title></head><body><nav>Accueil | Monde</nav>"
            "<article><p>Le président sud-coréen a reçu mardi à Séoul le Premier ministre japonais pour "
            "un sommet consacré à la sécurité régionale et aux échanges commerciaux entre les deux pays.</p>"
            "<p>Les deux dirigeants ont signé un accord sur le partage de renseignements militaires.</p>"
            "</article><footer>Tous droits réservés</footer></body></html>")
    cleaned = clean(None, html)
    assert cleaned.report.from_html
    assert "partage de renseignements" in cleaned.text
    assert "Tous droits réservés" not in cleaned.text
