"""Stand-in pipelines for the in-process worker (`tests.conftest.run_burst`): the worker code is real,
the NLP is replaced where a test needs it to raise or to return a chosen text or event."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from contracts.models import (
    Actor,
    ArticleIn,
    CleaningReport,
    EnrichedArticle,
    Event,
    EventDate,
    Mention,
    PipelineInfo,
)
from service.pipeline import Observe


def meeting_events(text: str) -> list[Event]:
    """One CONSULT event, as the rules would extract from MEETING (the rules are not what is tested here)."""
    if "rencontré" not in text:
        return []
    start = text.index("rencontré")
    return [Event(type="CONSULT", mode="meeting", source=Actor(id="Q7747", name="Sergueï Lavrov"),
                  target=Actor(id="Q212", name="Wang Yi"), location=Actor(id="Q956", name="Pékin"),
                  date=EventDate(value="2025-03-11", precision="day"),
                  trigger=Mention(text="rencontré", start=start, end=start + 9),
                  sentence=Mention(text=text[:80], start=0, end=80), modality="asserted", confidence=0.9)]


def stub_pipeline(text_of: Callable[[ArticleIn], str] = lambda a: a.text or "",
          fails: Callable[[ArticleIn], bool] = lambda a: False) -> tuple[Any, Counter[str]]:
    """A pipeline that returns each article's text unchanged (or as `text_of` says), a CONSULT event when the
    text reports a meeting, and raises for `fails`."""
    calls: Counter[str] = Counter()

    def pipeline(articles: Sequence[ArticleIn], observe: Observe) -> list[EnrichedArticle]:
        for a in articles:
            calls[a.id] += 1
        if any(fails(a) for a in articles):
            raise RuntimeError("pipeline exploded")
        return [enriched(a.id, text_of(a), url=a.url, source=a.source, title=a.title,
                         events=meeting_events(text_of(a))) for a in articles]

    return pipeline, calls


def enriched(article_id: str, text: str = "Texte.", events: list[Event] | None = None,
             **fields: Any) -> EnrichedArticle:
    """A valid enriched-article message as a stub pipeline makes it: no NLP behind it."""
    return EnrichedArticle(
        article_id=article_id, content_hash="0" * 64, url=fields.get("url"), source=fields.get("source"),
        title=fields.get("title"), lang="fr", status="ok", published_at=None, text=text, cleaning=CleaningReport(),
        entities=[], events=events or [],
        pipeline=PipelineInfo(service_version="test", model="stub", model_version="0", version="stub",
                              processing_seconds=0.0))
