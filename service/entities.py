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
    title_words: frozenset[str]     # folded words of titles and role nouns ("premier", "ministre")
    title_phrases: frozenset[str]   # folded titles with other words in them ("president de la republique")


@lru_cache(maxsize=1)
def _stoplists() -> _Stoplists:
    raw = yaml.safe_load((DATA / "boilerplate.yaml").read_text(encoding="utf-8"))
    roles = (yaml.safe_load((DATA / "cues.yaml").read_text(encoding="utf-8")) or {}).get("roles") or {}
    return _Stoplists(
        not_names=frozenset(fold(str(w)) for w in raw.get("not_names") or ()),
        document_heads=frozenset(str(w).lower() for w in raw.get("document_heads") or ()),
        title_words=frozenset(w for t in roles.get("title_words") or () for w in fold(str(t)).split()),
        title_phrases=frozenset(fold(str(t)) for t in roles.get("title_phrases") or ()),
    )


# A name never ends on these: "Groupe de", "Kim et", "Conseil national électoral du" are cut spans.
_DANGLING = frozenset({"de", "du", "des", "d'", "d’", "et", "ou", "la", "le", "les", "l'", "l’", "à", "au", "aux"})
_DANGLING_POS = frozenset({"ADP", "CCONJ", "DET", "PUNCT", "SCONJ"})


def _trimmed(span: Span, gaz: Gazetteer) -> Span | None:
    """The span without what the NER glued to the name: function words left hanging at its end ("Groupe de",
    "Kim et"), a title in front of it ("Premier ministre Jean Castex" is Jean Castex); None if nothing is left."""
    doc = span.doc
    start, end, label = span.start, span.end, span.label_
    while end > start and (doc[end - 1].pos_ in _DANGLING_POS or doc[end - 1].lower_ in _DANGLING):
        end -= 1
    titled = start
    while titled < end - 1 and _is_title(doc[titled].text, gaz):
        titled += 1
    if titled > start and doc[titled].text[:1].isupper() and not _is_title(doc[titled:end].text, gaz):
        start, label = titled, "PER"
    if (start, end) == (span.start, span.end):
        return span
    return Span(doc, start, end, label=label) if end > start else None


def _is_title(text: str, gaz: Gazetteer) -> bool:
    """Only title and nationality words ("Premier ministre", "Président français", "Général"): a role, no name."""
    folded = fold(text)
    stop = _stoplists()
    words = folded.split()
    return folded in stop.title_phrases or (
        bool(words) and all(w in stop.title_words or w in gaz.demonyms or w in _DANGLING for w in words))


@dataclass
class EntityTable:
    """The article's entities, and which entity each token belongs to."""

    entities: list[Entity] = field(default_factory=list)
    token_entity: dict[int, int] = field(default_factory=dict)


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


def _bare_surnames(doc: Doc, drafts: dict[str, _Draft]) -> None:
    """'Jean Dupont ... Dupont': a named person's surname alone, which the NER often leaves untagged."""
    owners: dict[str, _Draft | None] = {}
    for draft in drafts.values():
        words = draft.name.split()
        if draft.label == "PER" and len(words) > 1 and len(words[-1]) > 2:
            owners[words[-1]] = None if words[-1] in owners else draft  # two people of one surname: neither
    if not owners:
        return
    covered = {i for d in drafts.values() for s in d.spans for i in range(s.start, s.end)}
    for tok in doc:
        owner = owners.get(tok.text)
        if owner is not None and tok.i not in covered and tok.pos_ in ("PROPN", "NOUN", "X"):
            owner.spans.append(Span(doc, tok.i, tok.i + 1, label="PER"))


def _title_before(doc: Doc, start: int, gaz: Gazetteer) -> tuple[str, ...]:
    """The title right before a name, bare or set off by a comma: "le Premier ministre Jean Castex",
    "le ministre de l'Intérieur, Paul Girard"."""
    end = start - 1 if start > 0 and doc[start - 1].text == "," else start
    first = end
    while first > 0 and _is_title(doc[first - 1].text, gaz) and doc[first - 1].lower_ not in _DANGLING:
        first -= 1
    if first < end and any(fold(t.text) in _stoplists().title_words for t in doc[first:end]):
        return tuple(t.lower_ for t in doc[first:end])
    for n in range(6, 1, -1):
        if end - n >= 0 and fold(doc[end - n:end].text) in _stoplists().title_phrases:
            return tuple(t.lower_ for t in doc[end - n:end])
    return ()


def _learned_titles(doc: Doc, drafts: dict[str, _Draft], gaz: Gazetteer) -> None:
    """'le Premier ministre Jean Castex ... le Premier ministre': a title the article gave a named person
    stands for that person in the rest of the article (gazetteer titles are matched upstream)."""
    learned: dict[tuple[str, ...], _Draft | None] = {}
    for draft in drafts.values():
        if draft.label != "PER":
            continue
        for span in draft.spans:
            words = _title_before(doc, span.start, gaz)
            if words:
                learned[words] = None if learned.get(words, draft) is not draft else draft
    if not learned:
        return
    covered = {i for d in drafts.values() for s in d.spans for i in range(s.start, s.end)}
    longest = max(len(k) for k in learned)
    i = 0
    while i < len(doc):
        for n in range(longest, 0, -1):
            owner = learned.get(tuple(t.lower_ for t in doc[i:i + n]))
            if owner is not None and not any(j in covered for j in range(i - 1, i + n + 1)):
                owner.spans.append(Span(doc, i, i + n, label="PER"))
                i += n - 1
                break
        i += 1


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
        cut = _trimmed(span, gaz) if label is not None else None
        if cut is None or _is_junk(cut) or _is_title(cut.text, gaz):
            continue
        if cut is not span:
            entry = gaz.lookup(_LEADING.sub("", cut.text))
            if entry is not None:
                drafts.setdefault(entry.id, _Draft(entry.id, entry.name, entry.label, entry.country, known=True)
                                  ).spans.append(cut)
                continue
        partials.append(cut)
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

    _bare_surnames(doc, drafts)
    _learned_titles(doc, drafts, gaz)

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
        for span in spans:
            for i in range(span.start, span.end):
                table.token_entity.setdefault(i, idx)
    return table
