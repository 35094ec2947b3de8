"""HTML input keeps its title and its publication time with the time zone the page gives."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from contracts.models import ArticleIn
from service.html import read_page
from service.pipeline import pipeline

PARIS_WINTER = timezone(timedelta(hours=1))
BODY = (
    "<article><h1>Le conseil municipal adopte le budget</h1>"
    "<p>Les élus du conseil municipal ont adopté jeudi soir le budget primitif de la commune, après trois heures "
    "de débats parfois vifs entre la majorité et l'opposition réunies en séance publique.</p>"
    "<p>« Ce budget protège les services publics sans augmenter les impôts », a déclaré la maire à l'issue du "
    "vote, qui a recueilli vingt-deux voix contre sept.</p>"
    "<p>L'opposition dénonce une hausse de la dette et réclame un audit indépendant des comptes avant la fin de "
    "l'année, faute de quoi elle saisira la chambre régionale des comptes.</p></article>"
)


def _page(head: str = "", body: str = BODY) -> str:
    return f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def test_title_comes_from_the_title_element() -> None:
    page = read_page(_page("<title>Le conseil municipal adopte le budget</title>"))
    assert page.title == "Le conseil municipal adopte le budget"


def test_title_comes_from_h1_without_a_title_element() -> None:
    assert read_page(_page()).title == "Le conseil municipal adopte le budget"


def test_title_comes_from_og_title() -> None:
    page = read_page(_page('<meta property="og:title" content="Budget : le conseil municipal dit oui">',
                           BODY.replace("<h1>Le conseil municipal adopte le budget</h1>", "")))
    assert page.title == "Budget : le conseil municipal dit oui"


def test_time_element_keeps_its_offset() -> None:
    body = BODY.replace("</h1>", '</h1><p>Publié le <time datetime="2025-02-20T17:00:00+01:00">20 février</time></p>')
    page = read_page(_page(body=body))
    assert page.published is not None
    assert page.published.at == datetime(2025, 2, 20, 17, tzinfo=PARIS_WINTER)
    assert page.published.at.utcoffset() == timedelta(hours=1) and page.published.offset_given


def test_article_published_time_meta_keeps_its_offset() -> None:
    page = read_page(_page('<meta property="article:published_time" content="2025-02-20T17:00:00+01:00">'))
    assert page.published is not None and page.published.at.isoformat() == "2025-02-20T17:00:00+01:00"


def test_json_ld_date_published_keeps_its_offset() -> None:
    ld = {"@context": "https://schema.org", "@graph": [{"@type": "WebPage"},
                                                      {"@type": "NewsArticle", "datePublished": "2025-02-20T17:00:00+01:00"}]}
    page = read_page(_page(f'<script type="application/ld+json">{json.dumps(ld)}</script>'))
    assert page.published is not None and page.published.at.isoformat() == "2025-02-20T17:00:00+01:00"


def test_broken_json_ld_falls_back_to_the_time_element() -> None:
    body = BODY.replace("</h1>", '</h1><time datetime="2025-02-20T17:00:00+01:00">20 février</time>')
    page = read_page(_page('<script type="application/ld+json">{"datePublished": </script>', body))
    assert page.published is not None and page.published.at.isoformat() == "2025-02-20T17:00:00+01:00"


def test_page_metadata_wins_over_a_related_article_time() -> None:
    body = BODY + '<aside><time datetime="2019-01-01T08:00:00+01:00">ancien</time></aside>'
    page = read_page(_page('<meta property="article:published_time" content="2025-02-20T17:00:00+01:00">', body))
    assert page.published is not None and page.published.at.year == 2025


def test_date_only_metadata_is_day_precision() -> None:
    page = read_page(_page('<meta property="article:published_time" content="2025-02-20">'))
    assert page.published is not None and page.published.precision == "day" and not page.published.offset_given


def test_page_without_dates_has_none() -> None:
    assert read_page(_page()).published is None


def test_html_article_output_has_the_page_title_and_offset() -> None:
    html = _page('<title>Le conseil municipal adopte le budget</title>'
                 '<meta property="article:published_time" content="2025-02-20T17:00:00+01:00">')
    out = pipeline(ArticleIn(id="h1", html=html))
    doc = json.loads(out.model_dump_json())
    assert doc["title"] == "Le conseil municipal adopte le budget"
    assert doc["published_at"] == "2025-02-20T17:00:00+01:00" and doc["published_at_offset_given"] is True
    assert out.cleaning.from_html and out.cleaning.published_at_from_text
    assert "budget primitif" in out.text


def test_producer_title_and_date_win_over_the_page() -> None:
    html = _page('<title>Titre de la page</title>'
                 '<meta property="article:published_time" content="2025-02-20T17:00:00+01:00">')
    out = pipeline(ArticleIn(id="h2", html=html, title="Titre du producteur", published_at="2025-02-21T08:00:00Z"))
    assert out.title == "Titre du producteur"
    assert out.published_at == datetime(2025, 2, 21, 8, tzinfo=UTC) and not out.cleaning.published_at_from_text
