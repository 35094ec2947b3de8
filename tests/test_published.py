"""Producer dates: every common form is read with its precision; anything else is ignored, never fatal."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from contracts import generate
from contracts.models import ArticleIn, EnrichedArticle
from service import names
from service.pipeline import pipeline_batch
from service.published import Ignored, Published, parse_published, publication
from service.validate import parse_entry

pytestmark = pytest.mark.xdist_group("published")

PARIS_SUMMER = timezone(timedelta(hours=2))

# (value as the producer sends it, instant, precision, offset given)
READABLE: list[tuple[Any, datetime, str, bool]] = [
    ("2023", datetime(2023, 1, 1, tzinfo=UTC), "year", False),
    ("2023-09", datetime(2023, 9, 1, tzinfo=UTC), "month", False),
    ("2023-09-19", datetime(2023, 9, 19, tzinfo=UTC), "day", False),
    ("20230919", datetime(2023, 9, 19, tzinfo=UTC), "day", False),
    ("2023-09-19T10:00", datetime(2023, 9, 19, 10, tzinfo=UTC), "minute", False),
    ("2023-09-19 10:00:05", datetime(2023, 9, 19, 10, 0, 5, tzinfo=UTC), "second", False),
    ("2023-09-19T10:00:00Z", datetime(2023, 9, 19, 10, tzinfo=UTC), "second", True),
    ("2023-09-19T10:00:00+02:00", datetime(2023, 9, 19, 10, tzinfo=PARIS_SUMMER), "second", True),
    ("2023-09-19T10:00+0200", datetime(2023, 9, 19, 10, tzinfo=PARIS_SUMMER), "minute", True),
    ("Tue, 19 Oct 2023 10:00:00 GMT", datetime(2023, 10, 19, 10, tzinfo=UTC), "second", True),
    ("Thu, 19 Oct 2023 10:00:00 +0200", datetime(2023, 10, 19, 10, tzinfo=PARIS_SUMMER), "second", True),
    (1697709600, datetime(2023, 10, 19, 10, tzinfo=UTC), "second", True),
    (1697709600000, datetime(2023, 10, 19, 10, tzinfo=UTC), "second", True),
    (1697709600.5, datetime(2023, 10, 19, 10, 0, 0, 500000, tzinfo=UTC), "second", True),
    ("1697709600", datetime(2023, 10, 19, 10, tzinfo=UTC), "second", True),
    (2023, datetime(2023, 1, 1, tzinfo=UTC), "year", False),
    ("19/10/2023", datetime(2023, 10, 19, tzinfo=UTC), "day", False),
    ("le 19.10.2023", datetime(2023, 10, 19, tzinfo=UTC), "day", False),
    ("19 octobre 2023 à 10h00", datetime(2023, 10, 19, 10, tzinfo=UTC), "minute", False),
    ("jeudi 19 octobre 2023 à 10h05", datetime(2023, 10, 19, 10, 5, tzinfo=UTC), "minute", False),
    ("19 oct. 2023", datetime(2023, 10, 19, tzinfo=UTC), "day", False),
    ("1er octobre 2023", datetime(2023, 10, 1, tzinfo=UTC), "day", False),
    ("octobre 2023", datetime(2023, 10, 1, tzinfo=UTC), "month", False),
    ("03/04/2023", datetime(2023, 4, 3, tzinfo=UTC), "day", False),  # day first, as in French
    ("Publié le 19/10/2023 à 10h05", datetime(2023, 10, 19, 10, 5, tzinfo=UTC), "minute", False),
    ("Mis à jour le 19 octobre 2023 à 10 h 05", datetime(2023, 10, 19, 10, 5, tzinfo=UTC), "minute", False),
    ("19 octobre 2023 à 10h00 (UTC+02:00)", datetime(2023, 10, 19, 10, tzinfo=PARIS_SUMMER), "minute", True),
    ("October 19, 2023", datetime(2023, 10, 19, tzinfo=UTC), "day", False),
]

UNREADABLE: list[tuple[Any, str]] = [
    ("not a date", "unparseable"),
    ("hier", "unparseable"),  # relative to what?
    ("il y a 3 jours", "unparseable"),
    ("10:00", "unparseable"),
    ("19 octobre", "unparseable"),  # no year: it would silently take this one
    ("2023-13-45", "unparseable"),
    (True, "wrong_type"),
    ([2023, 10, 19], "wrong_type"),
    ({"date": "2023-10-19"}, "wrong_type"),
    (0, "out_of_range"),  # epoch zero: a missing value, not 1970
    (-86400, "out_of_range"),
    (float("nan"), "out_of_range"),
    (float("inf"), "out_of_range"),
    ("9999-12-31T23:59:59+00:00", "out_of_range"),
    ("0001-01-01T00:00:00+00:00", "out_of_range"),
    (10**20, "out_of_range"),
]


@pytest.mark.parametrize(("raw", "instant", "precision", "offset_given"), READABLE, ids=[repr(r[0]) for r in READABLE])
def test_common_form_is_read_with_its_precision(raw: Any, instant: datetime, precision: str,
                                                offset_given: bool) -> None:
    found = parse_published(raw)
    assert isinstance(found, Published), found
    assert (found.at, found.at.utcoffset(), found.precision, found.offset_given) == (
        instant, instant.utcoffset(), precision, offset_given)


@pytest.mark.parametrize(("raw", "reason"), UNREADABLE, ids=[repr(r[0])[:30] for r in UNREADABLE])
def test_unreadable_value_is_ignored_with_its_reason(raw: Any, reason: str) -> None:
    found = parse_published(raw)
    assert isinstance(found, Ignored), found
    assert found.reason == reason and found.detail


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_absent_value_is_no_date_and_no_warning(raw: Any) -> None:
    assert parse_published(raw) is None


def test_echoed_value_is_cut() -> None:
    found = parse_published("x" * 5000)
    assert isinstance(found, Ignored) and len(found.value) == 200


def test_given_offset_is_kept_not_converted() -> None:
    found = parse_published("2025-02-20T17:00:00+01:00")
    assert isinstance(found, Published) and found.at.isoformat() == "2025-02-20T17:00:00+01:00"


def test_reference_of_a_month_is_month_precision() -> None:
    found = parse_published("2023-09")
    assert isinstance(found, Published)
    assert (found.reference().day.isoformat(), found.reference().precision) == ("2023-09-01", "month")


def test_reference_of_a_time_is_its_local_day() -> None:
    found = parse_published("2023-09-19T23:30:00-05:00")
    assert isinstance(found, Published) and found.reference().day.isoformat() == "2023-09-19"


def test_unreadable_producer_date_falls_back_to_the_text_and_still_says_it_was_ignored() -> None:
    dated = publication("not a date", None, datetime(2025, 3, 14, tzinfo=UTC))
    assert dated.published is not None and not dated.from_producer
    assert dated.ignored is not None and dated.ignored.reason == "unparseable"


@pytest.mark.parametrize("raw", [r[0] for r in UNREADABLE], ids=[repr(r[0])[:30] for r in UNREADABLE])
def test_entry_with_an_unreadable_date_is_not_dead_lettered(raw: Any) -> None:
    body = json.dumps({"id": "a", "text": "Le ministre a parlé.", "published_at": raw})
    assert isinstance(parse_entry({names.DATA_FIELD.encode(): body.encode()}, 10_000), ArticleIn)


# ---- the output contract, checked with formats --------------------------------------------------

TEXT = "Le président Emmanuel Macron a rencontré mercredi à Berlin le chancelier allemand Olaf Scholz."


@pytest.fixture(scope="module")
def outputs() -> dict[str, EnrichedArticle]:
    raws = [r[0] for r in READABLE] + [r[0] for r in UNREADABLE] + [None]
    articles = [ArticleIn.model_validate({"id": f"a{i}", "text": TEXT, "published_at": raw})
                for i, raw in enumerate(raws)]
    return {repr(raw): out for raw, out in zip(raws, pipeline_batch(articles), strict=True)}


@pytest.fixture(scope="module")
def enriched_validator() -> Draft202012Validator:
    schema = json.loads((generate.HERE / "schemas" / "enriched_article.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def test_format_checker_checks_rfc3339_date_times(enriched_validator: Draft202012Validator) -> None:
    assert not enriched_validator.format_checker.conforms("2023-08-31T00:00:00", "date-time")  # type: ignore[union-attr]
    assert enriched_validator.format_checker.conforms("2023-08-31T00:00:00Z", "date-time")  # type: ignore[union-attr]


@pytest.mark.parametrize("key", [repr(r[0]) for r in READABLE + UNREADABLE] + ["None"])
def test_output_for_every_date_form_matches_the_schema_with_formats(
        key: str, outputs: dict[str, EnrichedArticle], enriched_validator: Draft202012Validator) -> None:
    doc = json.loads(outputs[key].model_dump_json())
    errors = [e.message for e in enriched_validator.iter_errors(doc)]
    assert not errors, errors


@pytest.mark.parametrize(("raw", "instant", "precision", "offset_given"), READABLE, ids=[repr(r[0]) for r in READABLE])
def test_output_published_at_is_rfc3339_with_its_precision(raw: Any, instant: datetime, precision: str,
                                                           offset_given: bool,
                                                           outputs: dict[str, EnrichedArticle]) -> None:
    doc = json.loads(outputs[repr(raw)].model_dump_json())
    assert datetime.fromisoformat(doc["published_at"]) == instant
    assert doc["published_at"].endswith("Z") or doc["published_at"][-6] in "+-"
    assert (doc["published_at_precision"], doc["published_at_offset_given"]) == (precision, offset_given)
    assert doc["published_at_ignored"] is None


@pytest.mark.parametrize(("raw", "reason"), UNREADABLE, ids=[repr(r[0])[:30] for r in UNREADABLE])
def test_article_with_an_unreadable_date_is_processed_and_says_why(raw: Any, reason: str,
                                                                  outputs: dict[str, EnrichedArticle]) -> None:
    out = outputs[repr(raw)]
    assert out.status == "ok" and out.entities
    assert out.published_at is None
    assert out.published_at_ignored is not None and out.published_at_ignored.reason == reason


def test_article_without_a_date_has_no_warning(outputs: dict[str, EnrichedArticle]) -> None:
    out = outputs["None"]
    assert out.published_at is None and out.published_at_ignored is None and out.published_at_precision is None


def test_worker_counts_an_ignored_date_and_publishes_the_article(redis_url: str) -> None:
    import redis as redis_py

    from service.metrics import REGISTRY
    from tests.conftest import read_stream, run_burst, xadd_article

    def ignored() -> float:
        return REGISTRY.get_sample_value("depeche_published_at_ignored_total", {"reason": "unparseable"}) or 0.0

    client = redis_py.Redis.from_url(redis_url)
    before = ignored()
    xadd_article(client, {"id": "undated", "published_at": "le jour d'après",
                          "text": "Le Premier ministre a reçu mardi les syndicats à Matignon pour parler des salaires."})
    run_burst(redis_url)
    [out] = read_stream(client, names.OUTPUT_STREAM)
    assert out["published_at_ignored"]["reason"] == "unparseable"
    assert client.xlen(names.DLQ_STREAM) == 0
    assert ignored() == before + 1
    client.close()
