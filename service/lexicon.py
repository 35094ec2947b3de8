"""Trigger lexicon and cue words, loaded from `data/lexicon.yaml` and `data/cues.yaml`."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"
_CLITICS = ("se ", "s'", "s’")


@dataclass(frozen=True)
class TriggerSense:
    type: str
    mode: str


@dataclass(frozen=True)
class Rules:
    """How triggers take their actors; the `_rules` block of lexicon.yaml."""

    recipient_subject: frozenset[str] = frozenset()
    reciprocal: frozenset[str] = frozenset()
    object_control: frozenset[str] = frozenset()
    source_only: frozenset[str] = frozenset()
    target_only: frozenset[str] = frozenset()
    place_targets: frozenset[str] = frozenset()
    requires_complement: dict[str, frozenset[str]] = field(default_factory=dict)
    mode_switch: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)
    pair_persons: frozenset[str] = frozenset()
    pair_countries: frozenset[str] = frozenset()
    pair_any: frozenset[str] = frozenset()
    not_triggers: frozenset[str] = frozenset()
    relational_nouns: frozenset[str] = frozenset()
    visitor_nouns: frozenset[str] = frozenset()
    unilateral: frozenset[str] = frozenset()
    abstract_nouns: frozenset[str] = frozenset()
    praise_of_visit: frozenset[str] = frozenset()
    actorless: frozenset[str] = frozenset()
    topic_verbs: frozenset[str] = frozenset()
    embedded_target: frozenset[str] = frozenset()
    condemned_act: frozenset[str] = frozenset()
    act_nouns: frozenset[str] = frozenset()
    condemnable: frozenset[str] = frozenset()
    bilateral_as: dict[str, TriggerSense] = field(default_factory=dict)
    noun_needs_two: frozenset[str] = frozenset()


@dataclass
class Lexicon:
    verbs: dict[str, TriggerSense] = field(default_factory=dict)
    reflexive_verbs: dict[str, TriggerSense] = field(default_factory=dict)  # bare lemma of "se rendre"
    nouns: dict[str, TriggerSense] = field(default_factory=dict)
    compound_nouns: dict[tuple[str, ...], TriggerSense] = field(default_factory=dict)  # lemma sequences
    phrases: dict[tuple[str, str], TriggerSense] = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)
    longest_compound: int = 1
    compound_heads: frozenset[str] = frozenset()
    # every word that can start a trigger: the events stage skips all other tokens at once
    trigger_words: frozenset[str] = frozenset()

    def index(self) -> None:
        self.longest_compound = max((len(k) for k in self.compound_nouns), default=1)
        self.compound_heads = frozenset(k[0] for k in self.compound_nouns)
        self.trigger_words = frozenset(
            {*self.verbs, *self.reflexive_verbs, *self.nouns, *self.compound_heads, *(v for v, _ in self.phrases)})


@dataclass(frozen=True)
class Cues:
    denial_verbs: frozenset[str]
    negation: frozenset[str]
    alleged_verbs: frozenset[str]
    alleged_markers: frozenset[str]
    planned_verbs: frozenset[str]
    speculative_verbs: frozenset[str]
    speculative_markers: frozenset[str]
    hypothetical_markers: frozenset[str]
    attribution_prepositions: frozenset[str]
    attribution_verbs: frozenset[str]
    attribution_participles: frozenset[str] = frozenset()
    not_event_dates: frozenset[str] = frozenset()
    background_markers: frozenset[str] = frozenset()


def _words(section: dict[str, Any] | None, *keys: str) -> frozenset[str]:
    section = section or {}
    return frozenset(str(w).lower() for key in keys for w in section.get(key) or ())


def _add_verb(lex: Lexicon, verb: str, sense: TriggerSense) -> None:
    verb = verb.lower()
    for clitic in _CLITICS:
        if verb.startswith(clitic):
            lex.reflexive_verbs.setdefault(verb[len(clitic):].strip(), sense)
            return
    lex.verbs.setdefault(verb, sense)


def _add_noun(lex: Lexicon, noun: str, sense: TriggerSense) -> None:
    words = tuple(noun.lower().split())
    if len(words) == 1:
        lex.nouns.setdefault(words[0], sense)
    else:
        lex.compound_nouns.setdefault(words, sense)


def _rules(raw: dict[str, Any]) -> Rules:
    pairs = raw.get("pair_nouns") or {}
    switch: dict[str, tuple[str, frozenset[str]]] = {}
    for mode, spec in (raw.get("mode_switch") or {}).items():
        switch[str(spec["from"])] = (str(mode), _words(spec, "words"))
    return Rules(
        recipient_subject=_words(raw, "recipient_subject"),
        reciprocal=_words(raw, "reciprocal"),
        object_control=_words(raw, "object_control"),
        source_only=frozenset(str(t) for t in raw.get("source_only") or ()),
        target_only=frozenset(str(t) for t in raw.get("target_only") or ()),
        place_targets=frozenset(str(t) for t in raw.get("place_targets") or ()),
        requires_complement={str(k).lower(): frozenset(str(w).lower() for w in v)
                             for k, v in (raw.get("requires_complement") or {}).items()},
        mode_switch=switch,
        pair_persons=_words(pairs, "persons"),
        pair_countries=_words(pairs, "countries"),
        pair_any=_words(pairs, "any"),
        not_triggers=_words(raw, "not_triggers"),
        relational_nouns=_words(raw, "relational_nouns"),
        visitor_nouns=_words(raw, "visitor_nouns"),
        unilateral=frozenset(str(t) for t in raw.get("unilateral") or ()),
        abstract_nouns=_words(raw, "abstract_nouns"),
        praise_of_visit=frozenset(str(t) for t in raw.get("praise_of_visit") or ()),
        actorless=frozenset(str(t) for t in raw.get("actorless") or ()),
        topic_verbs=_words(raw, "topic_verbs"),
        embedded_target=frozenset(str(t) for t in raw.get("embedded_target") or ()),
        condemned_act=frozenset(str(t) for t in raw.get("condemned_act") or ()),
        act_nouns=_words(raw, "act_nouns"),
        condemnable=frozenset(str(t) for t in raw.get("condemnable") or ()),
        bilateral_as={str(k): TriggerSense(*str(v).split(".", 1)) for k, v in (raw.get("bilateral_as") or {}).items()},
        noun_needs_two=frozenset(str(t) for t in raw.get("noun_needs_two") or ()),
    )


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    raw: dict[str, Any] = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    lex = Lexicon(rules=_rules(raw.get("_rules") or {}))
    for event_type, modes in raw.items():
        if event_type.startswith("_") or not isinstance(modes, dict):
            continue
        for mode, entry in modes.items():
            if not isinstance(entry, dict):
                continue
            sense = TriggerSense(event_type, mode)
            for verb in entry.get("verbs") or ():
                _add_verb(lex, str(verb), sense)
            for noun in entry.get("nouns") or ():
                _add_noun(lex, str(noun), sense)
            for phrase in entry.get("phrases") or ():
                words = str(phrase).lower().split()
                if len(words) >= 2:
                    lex.phrases.setdefault((words[0], words[-1]), sense)
    lex.index()
    return lex


@lru_cache(maxsize=1)
def load_cues() -> Cues:
    raw: dict[str, Any] = yaml.safe_load((DATA / "cues.yaml").read_text(encoding="utf-8"))
    modality = raw.get("modality") or {}
    attribution = raw.get("attribution") or {}
    negation = raw.get("negation") or {}
    temporal = raw.get("temporal") or {}
    return Cues(
        denial_verbs=_words(modality.get("denied"), "verbs", "nouns"),
        # single words only: the parse attaches them to the trigger or its verb
        negation=frozenset(w for w in _words(negation, "particles", "adverbs", "determiners", "pronouns")
                           if " " not in w),
        alleged_verbs=_words(modality.get("alleged"), "verbs", "nouns"),
        alleged_markers=_words(modality.get("alleged"), "markers"),
        planned_verbs=_words(modality.get("planned"), "verbs", "nouns"),
        speculative_verbs=_words(modality.get("speculative"), "verbs", "nouns"),
        speculative_markers=_words(modality.get("speculative"), "markers"),
        hypothetical_markers=_words(modality.get("hypothetical"), "markers"),
        attribution_prepositions=_words(attribution, "prepositions"),
        attribution_verbs=_words(attribution, "verbs"),
        attribution_participles=_words(attribution.get("passive"), "participles"),
        not_event_dates=_words(temporal, "not_event_dates"),
        background_markers=_words(raw.get("background"), "markers"),
    )
