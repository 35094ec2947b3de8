"""What cleaning removed is measured per article, and a large share is logged with the rules that did it."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from service import metrics
from service.clean import clean
from service.cleaning_watch import observe_cleaning
from service.config import Settings

MOSTLY_BOILERPLATE = "Accueil › Monde › Europe\nPartager sur Facebook\nPublicité\nLa réunion est reportée."


def _observed(le: str) -> float:
    value = metrics.REGISTRY.get_sample_value("depeche_cleaning_removed_ratio_bucket", {"le": le})
    return value or 0.0


def test_removed_share_is_observed_in_the_histogram() -> None:
    report = clean(MOSTLY_BOILERPLATE).report
    before = _observed("0.75"), _observed("0.5")
    observe_cleaning("a-1", report, warn_share=1.0)
    assert 0.5 < report.removed_share <= 0.75
    assert (_observed("0.75"), _observed("0.5")) == (before[0] + 1, before[1])


def test_large_share_is_logged_with_the_rules() -> None:
    report = clean(MOSTLY_BOILERPLATE).report
    with capture_logs() as logs:
        observe_cleaning("a-2", report, warn_share=0.2)
    assert [(e["event"], e["article_id"], e["rules"]) for e in logs] == [
        ("cleaning_removed_large_share", "a-2", ["advertising", "home_link", "share_bar"])]
    assert logs[0]["share"] == report.removed_share


def test_small_share_is_not_logged() -> None:
    report = clean("Publicité\nLe conseil municipal a voté le budget de la ville pour l'année prochaine.").report
    with capture_logs() as logs:
        observe_cleaning("a-3", report, warn_share=0.2)
    assert report.removed_share < 0.2 and logs == []


def test_warn_share_defaults_to_a_fifth_and_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().cleaning_warn_share == 0.2
    monkeypatch.setenv("DEPECHE_CLEANING_WARN_SHARE", "0.5")
    assert Settings().cleaning_warn_share == 0.5
