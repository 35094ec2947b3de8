"""Entities stage: spaCy spans in, one canonical entity per real-world entity out.

Pure: a parsed Doc and the gazetteer in, entities with every mention out, plus
a token -> entity map that the events stage uses to resolve actors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.tokens import Doc, Span

from contracts.models import Entity, Mention
from service.gazetteer import Gazetteer, GazetteerEntry, fold

_LABELS = {"PER": "PER", "PERSON": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "MISC": "MISC"}
_LEADING = re.compile(r"^(?:(?:M|Mme|Mlle|Mr|Dr)\.?\s+|(?:le|la|les|l'|l’)\s*)", re.IGNORECASE)
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class _Stoplists:
    not_names: frozenset[str]       # folded names the NER tags that are never entities
    document_heads: frozenset[str]  # first words of treaty, programme and event names


@lru_cache(maxsize=1)
def _stoplists() -> _Stoplists:
    raw = yaml.safe_load((DATA / "boilerplate.yaml").read_text(encoding="utf-8"))
    return _Stoplists(
        not_names=frozenset(fold(str(w)) for w in raw.get("not_names") or ()),
        document_heads=frozenset(str(w).lower() for w in raw.get("document_heads") or ()),
    )


@dataclass
class EntityTable:
    """The article's entities, and which entity each token belongs to."""

    entities: list[Entity] = field(default_factory=list)
    token_entity: dict[int, int] = field(default_factory=dict)
    gazetteer_ids: dict[int, str] = field(default_factory=dict)  # entity index -> gazetteer id

    def entity_at(self, token_i: int) -> Entity | None:
        idx = self.token_entity.get(token_i)
        return self.entities[idx] if idx is not None else None


@dataclass
class _Draft:
    id: str
    name: str
    label: str
    country: str | None
    known: bool
    spans: list[Span] = field(default_factory=list)


def _is_junk(span: Span) -> bool:
    text = _LEADING.sub("", span.text).strip()
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 2 or not text[0].isupper() or "\n" in text:
        return True  # a name never runs across a line break: that is a headline glued to the next line
    if fold(text) in _stoplists().not_names or any(c.isdigit() for c in text):
        return True
    if len(span) == 1 and span[0].pos_ not in ("PROPN", "X"):
        return True  # a lone common noun, verb or adjective capitalised at a sentence start
    if text.isupper() and len(letters) > 5:
        return True  # an all-caps headline fragment, not an acronym
    return span.root.pos_ in ("VERB", "AUX", "ADP")


def _canonical(span: Span, gaz: Gazetteer) -> GazetteerEntry | None:
    if span.ent_id_ and span.ent_id_ in gaz.entries:
        return gaz.entries[span.ent_id_]
    return gaz.lookup(_LEADING.sub("", span.text))


def _partial_owner(span: Span, drafts: list[_Draft]) -> _Draft | None:
    """The already-named entity that a partial name ("Kim", "M. Poutine") refers to."""
    words = set(fold(_LEADING.sub("", span.text)).split())
    if not words:
        return None
    candidates = [
        d for d in drafts
        if words < set(fold(d.name).split()) and (d.label == _LABELS.get(span.label_) or d.label == "PER")
    ]
    if not candidates:
        return None
    # Most-mentioned first: "Kim" in an article about Kim Jong-un is him, not a passing Kim.
    return max(candidates, key=lambda d: len(d.spans))


def extract_entities(
    doc: Doc, text: str, gaz: Gazetteer, title_matches: list[tuple[str, int, int]]
) -> EntityTable:
    """`text` is the cleaned text the doc was built from (same offsets, original characters)."""
    drafts: dict[str, _Draft] = {}
    partials: list[Span] = []
    for span in doc.ents:
        entry = _canonical(span, gaz)
        if entry is not None:
            draft = drafts.setdefault(
                entry.id, _Draft(entry.id, entry.name, entry.label, entry.country, known=True)
            )
            draft.spans.append(span)
            continue
        label = _LABELS.get(span.label_)
        if label is None or _is_junk(span):
            continue
        partials.append(span)
    named = {d.id for d in drafts.values() if any(any(c.isupper() for c in s.text) for s in d.spans)}

    # Longest names first, so that "Kim" can attach to "Kim Jong-un" found anywhere in the text.
    for span in sorted(partials, key=lambda s: -len(s.text)):
        owner = _partial_owner(span, list(drafts.values()))
        if owner is not None:
            owner.spans.append(span)
            continue
        name = _LEADING.sub("", span.text).strip()
        label = _LABELS[span.label_]
        if name.split()[0].lower() in _stoplists().document_heads:
            label = "MISC"  # a treaty or a programme is named, but it never acts
        key = f"depeche:{label}:{fold(name).replace(' ', '-')}"
        drafts.setdefault(key, _Draft(key, name, label, None, known=False)).spans.append(span)

    # Titles ("le président russe") count only for entities the article already names.
    for entity_id, start, end in title_matches:
        if entity_id in drafts and not any(start < s.end and s.start < end for s in drafts[entity_id].spans):
            drafts[entity_id].spans.append(Span(doc, start, end))

    # Known only through a lowercase alias ("pays occidentaux") or a role: a description, not a name.
    drafts = {k: d for k, d in drafts.items() if not d.known or k in named}
    table = EntityTable()
    ordered = sorted(drafts.values(), key=lambda d: min(s.start_char for s in d.spans))
    for idx, draft in enumerate(ordered):
        spans = sorted(draft.spans, key=lambda s: s.start_char)
        table.entities.append(Entity(
            id=draft.id,
            name=draft.name,
            label=draft.label,
            country=draft.country,
            mentions=[Mention(text=text[s.start_char:s.end_char], start=s.start_char, end=s.end_char) for s in spans],
        ))
        if draft.known:
            table.gazetteer_ids[idx] = draft.id
        for span in spans:
            for i in range(span.start, span.end):
                table.token_entity.setdefault(i, idx)
    return table
