"""Trigger lexicon and cue words, loaded from `data/lexicon.yaml` and `data/cues.yaml`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class TriggerSense:
    type: str
    mode: str


@dataclass
class Lexicon:
    verbs: dict[str, TriggerSense] = field(default_factory=dict)
    nouns: dict[str, TriggerSense] = field(default_factory=dict)
    phrases: dict[tuple[str, str], TriggerSense] = field(default_factory=dict)


@dataclass(frozen=True)
class Cues:
    denial_verbs: frozenset[str]
    negation: frozenset[str]
    alleged_verbs: frozenset[str]
    alleged_markers: frozenset[str]
    planned_verbs: frozenset[str]
    planned_markers: frozenset[str]
    speculative_verbs: frozenset[str]
    speculative_markers: frozenset[str]
    hypothetical_markers: frozenset[str]
    attribution_prepositions: frozenset[str]
    attribution_verbs: frozenset[str]


def _words(section: dict[str, Any] | None, *keys: str) -> frozenset[str]:
    section = section or {}
    return frozenset(str(w).lower() for key in keys for w in section.get(key) or ())


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw: dict[str, Any] = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    lex = Lexicon()
    for event_type, modes in raw.items():
        if event_type.startswith("_") or not isinstance(modes, dict):
            continue
        for mode, entry in modes.items():
            if not isinstance(entry, dict):
                continue
            sense = TriggerSense(event_type, mode)
            for verb in entry.get("verbs") or ():
                lex.verbs.setdefault(str(verb).lower(), sense)
            for noun in entry.get("nouns") or ():
                lex.nouns.setdefault(str(noun).lower(), sense)
            for phrase in entry.get("phrases") or ():
                words = str(phrase).lower().split()
                if len(words) >= 2:
                    lex.phrases.setdefault((words[0], words[-1]), sense)
    return lex


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    raw: dict[str, Any] = yaml.safe_load((DATA / "cues.yaml").read_text(encoding="utf-8"))
    modality = raw.get("modality") or {}
    attribution = raw.get("attribution") or {}
    negation = raw.get("negation") or {}
    return Cues(
        denial_verbs=_words(modality.get("denied"), "verbs", "nouns"),
        # single words only: the parse attaches them to the trigger or its verb
        negation=frozenset(w for w in _words(negation, "particles", "adverbs", "determiners", "pronouns")
                           if " " not in w),
        alleged_verbs=_words(modality.get("alleged"), "verbs", "nouns"),
        alleged_markers=_words(modality.get("alleged"), "markers"),
        planned_verbs=_words(modality.get("planned"), "verbs", "nouns"),
        planned_markers=_words(modality.get("planned"), "markers"),
        speculative_verbs=_words(modality.get("speculative"), "verbs", "nouns"),
        speculative_markers=_words(modality.get("speculative"), "markers"),
        hypothetical_markers=_words(modality.get("hypothetical"), "markers"),
        attribution_prepositions=_words(attribution, "prepositions"),
        attribution_verbs=_words(attribution, "verbs"),
    )
