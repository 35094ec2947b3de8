"""The one pipeline: clean -> language -> spaCy -> entities -> events.

`EnrichedArticle = pipeline(ArticleIn)`. The worker and `depeche extract` both
call `pipeline_batch`, which runs spaCy once over the batch with `nlp.pipe`.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from contracts.models import ArticleIn, CleaningReport, EnrichedArticle, PipelineInfo
from service import __version__
from service.clean import Cleaned, clean, fold_for_nlp, normalize_for_hash
from service.entities import extract_entities
from service.events import Context, extract_events
from service.gazetteer import load_gazetteer
from service.html import read_page
from service.language import SUPPORTED, detect_language
from service.lexicon import load_cues, load_lexicon
from service.nlp import MODEL_NAME, load_nlp, model_version, title_matcher
from service.published import Publication, parse_published, publication

Observe = Callable[[str, float], None]
# nlp.pipe batch. On CPU the md model runs as fast with 4 docs per batch as with 16 or 32 (measured:
# 23.1 s vs 23.5 s for 400 articles), while the activations of 16 long docs add ~90 MB to peak RSS.
PIPE_BATCH = 4


DATA_DIR = Path(__file__).resolve().parent / "data"
# What the worker calls: the real pipeline, or a stand-in injected by tests.
PipelineFn = Callable[[Sequence[ArticleIn], Observe], list[EnrichedArticle]]


@lru_cache(maxsize=1)
def data_digest() -> str:
    """Digest of every data file the rules read: a lexicon or gazetteer edit changes the pipeline version."""
    h = hashlib.sha256()
    for path in sorted(p for p in DATA_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(path.relative_to(DATA_DIR).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


@lru_cache(maxsize=1)
def _model_version() -> str:
    """Read once: each read of `Language.meta` rebuilds every pipe's labels, the entity ruler's from its ~3,000
    patterns (measured: 3 ms of CPU per read, two reads per article: ~9% of the spaCy time of an article)."""
    return model_version()


def pipeline_version() -> str:
    """service version + model and its version + data digest, e.g. `0.3.0+fr_core_news_md-3.8.0+data.1a2b3c4d5e6f`."""
    return f"{__version__}+{MODEL_NAME}-{_model_version()}+data.{data_digest()}"


def _ignore(_: str, __: float) -> None:
    return None


def content_hash(article: ArticleIn) -> str:
    """sha256 of the article's body (NFC, whitespace folded, case kept): exact-duplicate identity."""
    body = article.text if article.text else (article.html or "")
    return hashlib.sha256(normalize_for_hash(body).encode("utf-8")).hexdigest()


@dataclass
class _Prepared:
    article: ArticleIn
    cleaned: Cleaned
    lang: str
    started: float
    publication: Publication
    title: str | None


def _prepare(article: ArticleIn) -> _Prepared:
    started = time.perf_counter()
    page = read_page(article.html) if not article.text and article.html else None
    if page is None:
        cleaned = clean(article.text, source=article.source)
    else:  # the page is parsed once, here: its text, title and date
        cleaned = clean(page.text, source=article.source)
        cleaned = replace(cleaned, report=cleaned.report.model_copy(update={"from_html": True}))
    dated = publication(article.published_at, page.published if page else None, cleaned.published_at)
    title = article.title or (page.title if page else None)
    return _Prepared(article, cleaned, "", started, dated, title)


def pipeline_batch(articles: Sequence[ArticleIn], observe: Observe = _ignore) -> list[EnrichedArticle]:
    """Enrich a batch of articles; spaCy runs once over all the French ones."""
    t0 = time.perf_counter()
    prepared = [_prepare(a) for a in articles]
    t1 = time.perf_counter()
    observe("clean", t1 - t0)
    for p in prepared:
        p.lang = detect_language(p.cleaned.text) or (p.article.lang or "und").lower()
    t2 = time.perf_counter()
    observe("language", t2 - t1)

    french = [p for p in prepared if p.lang in SUPPORTED and p.cleaned.text]
    nlp = load_nlp()
    docs = list(nlp.pipe((fold_for_nlp(p.cleaned.text) for p in french), batch_size=PIPE_BATCH))
    t3 = time.perf_counter()
    observe("spacy", t3 - t2)

    gaz, lexicon, cues = load_gazetteer(), load_lexicon(), load_cues()
    titles, title_ids = title_matcher()
    results: dict[int, EnrichedArticle] = {}
    entity_time = event_time = 0.0
    for p, doc in zip(french, docs, strict=True):
        a = time.perf_counter()
        matches = [(title_ids[m], s, e) for m, s, e in titles(doc) if m in title_ids]
        table = extract_entities(doc, p.cleaned.text, gaz, matches)
        b = time.perf_counter()
        ctx = Context(doc, p.cleaned.text, table, gaz, lexicon, cues, p.publication.reference())
        events = extract_events(ctx)
        c = time.perf_counter()
        entity_time += b - a
        event_time += c - b
        results[id(p)] = _enriched(p, table.entities, events, time.perf_counter())
    observe("entities", entity_time)
    observe("events", event_time)
    now = time.perf_counter()
    return [results.get(id(p)) or _enriched(p, [], [], now) for p in prepared]


def _enriched(p: _Prepared, entities: list, events: list, now: float) -> EnrichedArticle:  # type: ignore[type-arg]
    article = p.article
    report: CleaningReport = p.cleaned.report
    if p.publication.published is not None and not p.publication.from_producer:
        report = report.model_copy(update={"published_at_from_text": True})
    if not p.cleaned.text:
        status = "empty"
    elif p.lang not in SUPPORTED:
        status = "unsupported_language"
    else:
        status = "ok"
    return EnrichedArticle(
        article_id=article.id,
        content_hash=content_hash(article),
        url=article.url,
        source=article.source,
        title=p.title,
        lang=p.lang,
        status=status,
        **p.publication.output_fields(),
        text=p.cleaned.text,
        cleaning=report,
        entities=entities,
        events=events,
        pipeline=PipelineInfo(
            service_version=__version__,
            model=MODEL_NAME,
            model_version=_model_version(),
            version=pipeline_version(),
            processing_seconds=round(now - p.started, 6),
        ),
    )


def preload() -> None:
    """Load every model and table the pipeline uses, so a process can fork after it and share them."""
    load_nlp()
    title_matcher()
    load_gazetteer(), load_lexicon(), load_cues()
    detect_language("Le modèle de langue est chargé avant le premier article.")
    parse_published("19 octobre 2023 à 10h00")  # dateparser's French tables (~10 MB), shared after a fork


def pipeline(article: ArticleIn) -> EnrichedArticle:
    return pipeline_batch([article])[0]
