"""Conventions of the event families outside diplomacy: protests, arrests, sentences, coups, condemnations.

Read from the `_families` block of data/lexicon.yaml. Each function is one convention of French news
copy, applied by `stage` around the generic steps: a word inside a name is not a trigger ("Rassemblement
national"), a civil "mobilisation" is a protest, the "de X" of an arrest noun is who is arrested, a
condemnation may name no one else, and one protest or arrest told several times is one event.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import yaml
from spacy.tokens import Span, Token

from contracts.models import Actor, Event, EventDate
from service.events.context import Context, _Found, _Roles
from service.events.parties import resolve
from service.events.syntax import _case_of, _children
from service.lexicon import DATA, TriggerSense

_OF = frozenset({"de", "du", "des", "d'"})


@dataclass(frozen=True)
class Families:
    patient_nouns: frozenset[str] = frozenset()   # TYPE, TYPE.mode or noun lemma
    source_alone: frozenset[str] = frozenset()    # TYPE or TYPE.mode
    merge_unnamed: frozenset[str] = frozenset()   # TYPE
    civil_from: frozenset[str] = frozenset()      # TYPE.mode
    civil_to: TriggerSense | None = None
    civil_words: frozenset[str] = frozenset()
    military_words: frozenset[str] = frozenset()


def _words(raw: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(str(w).lower() if "." not in str(w) else str(w) for w in raw.get(key) or ())


def parse_families(raw: dict[str, Any]) -> Families:
    civil = raw.get("civil_mobilization") or {}
    to = str(civil.get("to") or "")
    return Families(
        patient_nouns=_words(raw, "patient_nouns"),
        source_alone=_words(raw, "source_alone"),
        merge_unnamed=_words(raw, "merge_unnamed"),
        civil_from=_words(civil, "from"),
        civil_to=TriggerSense(*to.split(".", 1)) if "." in to else None,
        civil_words=_words(civil, "words"),
        military_words=_words(civil, "unless"),
    )


@lru_cache(maxsize=1)
def load_families() -> Families:
    raw: dict[str, Any] = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    return parse_families(raw.get("_families") or {})


def _listed(sense: TriggerSense, names: frozenset[str]) -> bool:
    return sense.type in names or f"{sense.type}.{sense.mode}" in names


def in_name(ctx: Context, tok: Token) -> bool:
    """'Rassemblement national', 'Front de libération': a capitalised word of a multi-word name is no trigger."""
    idx = ctx.table.token_entity.get(tok.i)
    if idx is None or not tok.text[:1].isupper():
        return False
    table = ctx.table.token_entity
    return table.get(tok.i - 1) == idx or table.get(tok.i + 1) == idx


def civil(ctx: Context, found: _Found, sent: Span) -> _Found:
    """'la mobilisation des agriculteurs contre la réforme' is a protest; 'la mobilisation des réservistes' is not."""
    fam = load_families()
    if fam.civil_to is None or f"{found.sense.type}.{found.sense.mode}" not in fam.civil_from:
        return found
    lemmas = {t.lemma_.lower() for t in sent}
    if lemmas & fam.military_words or not lemmas & fam.civil_words:
        return found
    return replace(found, sense=fam.civil_to)


def patient_roles(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'l'arrestation de X par la police': X undergoes the act (target), the police does it (source)."""
    fam = load_families()
    if tok.pos_ != "NOUN" or found.noun is not None or roles.source is None or not (
            _listed(found.sense, fam.patient_nouns) or tok.lemma_.lower() in fam.patient_nouns):
        return
    of_tokens = {t.i for c in _children(ctx, tok) if c.dep_ == "nmod" and _case_of(c) in _OF for t in c.subtree}
    if roles.source.token not in of_tokens:
        return
    patient = roles.source
    agent = next((c for c in _children(ctx, tok) if _case_of(c) == "par"), None)
    doer = resolve(ctx, agent) if agent is not None else None
    roles.source = doer if doer is not None else (
        roles.target if roles.target is not None and roles.target.id != patient.id else None)
    roles.target = patient


def alone_ok(sense: TriggerSense, roles: _Roles) -> bool:
    """A condemnation names its author and often no one else: coded with the source alone."""
    return roles.source is not None and roles.target is None and _listed(sense, load_families().source_alone)


def _date_ok(a: EventDate | None, b: EventDate | None) -> bool:
    if a is None or b is None:
        return True
    n = min(len(a.value), len(b.value))
    return a.value[:n] == b.value[:n]


def _side_ok(a: Actor | None, b: Actor | None) -> bool:
    return a is None or b is None or a.id == b.id


def _same_unnamed(kept: Event, event: Event) -> bool:
    return (kept.type == event.type and _side_ok(kept.source, event.source) and _side_ok(kept.target, event.target)
            and _side_ok(kept.location, event.location) and _date_ok(kept.date, event.date))


def _joined(kept: Event, event: Event) -> Event:
    """One report of the event, with what the other report knows besides (a named party, a place, a finer date)."""
    update: dict[str, Any] = {}
    for side in ("source", "target", "location"):
        if getattr(kept, side) is None and getattr(event, side) is not None:
            update[side] = getattr(event, side)
    if kept.date is None or (event.date is not None and len(event.date.value) > len(kept.date.value)):
        update["date"] = event.date if event.date is not None else kept.date
    return kept.model_copy(update=update) if update else kept


def merge_unnamed(events: list[Event]) -> list[Event]:
    """Repeated mentions of one protest or one arrest (crowds and police unnamed) are one event."""
    types = load_families().merge_unnamed
    kept: list[Event] = []
    for event in events:  # in text order: the first report is the one the article leads with
        twin = next((i for i, k in enumerate(kept) if k.type in types and _same_unnamed(k, event)), None)
        if twin is None:
            kept.append(event)
        else:
            kept[twin] = _joined(kept[twin], event)
    return kept
