"""Entities stage: spaCy spans in, one canonical entity per real-world entity out.

Pure: a parsed Doc and the gazetteer in, entities with every mention out, plus
a token -> entity map that the events stage uses to resolve actors.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.tokens import Doc, Span, Token

from contracts.models import Entity, Mention
from service.coreference import appositions, tokens_at
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
_DANGLING_POS = frozenset({"ADP", "CCONJ", "DET", "PUNCT", "SCONJ", "SPACE"})


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


_COMPASS = frozenset({"nord", "sud", "est", "ouest", "centre", "nord est", "nord ouest", "sud est", "sud ouest"})


def _is_description(span: Span, gaz: Gazetteer) -> bool:
    """A state named by its adjective ("l'État français", "chef d'Etat ukrainien") or a minister's portfolio
    ("ministre turc des Affaires étrangères"): words that describe, not a name."""
    words = fold(span.text).split()
    if len(words) > 1 and words[0] == "etat" and all(w in gaz.demonyms for w in words[1:]):
        return True
    doc = span.doc
    if " ".join(words) in _COMPASS and span.start > 0 and span.end < len(doc) \
            and doc[span.start - 1].text == "(" and doc[span.end].text == ")":
        return True  # "Khan Younès (Sud)": where the place lies, not a name
    before = [t for t in doc[max(0, span.start - 4):span.start] if not t.is_punct]
    return bool(before) and before[-1].lower_ in ("des", "de", "du", "la", "l'", "l’") and any(
        t.lower_ in ("ministre", "ministres", "ministère") for t in before[:-1])


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


# Capitalised function words: "UN autoproclamé", "À LA UNE" shout; they are not the acronyms they spell.
_SHOUTED = frozenset({"un", "une", "le", "la", "les", "de", "des", "du", "en", "et", "il", "on", "au", "ou"})


def _acronym_misread(span: Span) -> bool:
    """A gazetteer acronym that is something else here: a road number ("la RN 24", "l'A7") or a capitalised
    function word ("UN")."""
    if len(span) != 1 or not span.text.isupper():
        return False
    after = span.doc[span.end] if span.end < len(span.doc) else None
    return span.text.lower() in _SHOUTED or (after is not None and after.like_num)


def _cut_by_the_end(span: Span, text_end: int) -> bool:
    """The span is the text's last word (`text_end`: where the text's last character is) and the text stops
    without punctuation: the page was cut there."""
    return span.end_char >= text_end and span.text[-1:].isalpha()


def _partial_owner(span: Span, drafts: list[_Draft]) -> _Draft | None:
    """The already-named entity that a partial name ("Kim", "M. Poutine") refers to."""
    words = set(fold(_LEADING.sub("", span.text)).split())
    if not words:
        return None
    candidates = [
        d for d in drafts
        if (words < set(fold(d.name).split()) or (d.label == "PER" and words == set(fold(d.name).split())))
        and (d.label == _LABELS.get(span.label_) or d.label == "PER")
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
    firsts = {k[0] for k in learned}
    lowers = [t.lower_ for t in doc]  # once: slicing the Doc per position and length is what costs
    i = 0
    while i < len(lowers):
        if lowers[i] not in firsts:
            i += 1
            continue
        for n in range(longest, 0, -1):
            owner = learned.get(tuple(lowers[i:i + n]))
            if owner is not None and not any(j in covered for j in range(i - 1, i + n + 1)):
                owner.spans.append(Span(doc, i, i + n, label="PER"))
                i += n - 1
                break
        i += 1


def _namesakes(doc: Doc, gaz: Gazetteer) -> dict[int, Span]:
    """Gazetteer people matched on one of their names inside another person's full name: "Abbas Nilforoushan" is
    not Mahmoud Abbas. A person alias of one word, with a capitalised name right after it (or a first name right
    before it) that is not the gazetteer person's own, is the start of an unknown person's name; the whole name
    replaces the match (keyed by the match's first token)."""
    out: dict[int, Span] = {}
    for span in doc.ents:
        entry = gaz.entries.get(span.ent_id_) if span.ent_id_ else None
        if entry is None or entry.label != "PER" or len(span) != 1:
            continue
        own = set(fold(entry.name).split())
        if fold(span.text) == fold(entry.name):
            continue
        start, end = span.start, span.end
        while end < len(doc) and _name_word(doc[end]) and fold(doc[end].text) not in own:
            end += 1
        if start > 0 and not doc[start - 1].is_sent_start and _name_word(doc[start - 1]) \
                and doc[start - 1].pos_ == "PROPN" and fold(doc[start - 1].text) not in own \
                and not _is_title(doc[start - 1].text, gaz):
            start -= 1
        if (start, end) != (span.start, span.end):
            out[span.start] = Span(doc, start, end, label="PER")
    return out


def _cut_by_the_ruler(doc: Doc) -> dict[int, Span]:
    """'Armée de défense du | Haut-Karabakh': a name the NER left hanging on a preposition because the gazetteer
    ruler claimed the place that ends it. The whole name, keyed by its first token."""
    out: dict[int, Span] = {}
    ents = list(doc.ents)
    for span, after in itertools.pairwise(ents):
        if not span.ent_id_ and after.ent_id_ and after.start == span.end and span[-1].lower_ in _CUT_AT \
                and span.label_ in ("ORG", "MISC", "LOC") and span[0].text[:1].isupper():
            out[span.start] = Span(doc, span.start, after.end, label=span.label_)
    return out


_CUT_AT = frozenset({"de", "du", "des", "d'", "d’"})


def _split_known_names(doc: Doc, gaz: Gazetteer) -> dict[int, Span]:
    """'France | Insoumise': two adjacent spans that together are a gazetteer name (the ruler matched case-exactly
    the country inside the party's name, the NER took the rest). The whole name, keyed by its first token."""
    ents = list(doc.ents)
    return {a.start: Span(doc, a.start, b.end, label=b.label_) for a, b in itertools.pairwise(ents)
            if a.end == b.start and a.text[-1:].isalpha() and gaz.lookup(doc[a.start:b.end].text) is not None
            and gaz.lookup(doc[a.start:b.end].text) != gaz.lookup(a.text)}


# Common nouns that head a place's or a court's name, written lowercase in French ("place Vauban", "gare
# Saint-Lazare", "tribunal correctionnel de Paris", "cour d'appel de Dakar"): the NER tags only the name after them.
_NAME_HEADS = {"place": "LOC", "gare": "LOC", "aéroport": "LOC", "palais": "LOC", "tribunal": "ORG", "cour": "ORG"}
_HEADS_RE = re.compile(r"\b(?:" + "|".join(_NAME_HEADS) + r")\b", re.IGNORECASE)


def _headed_names(doc: Doc, text: str, gaz: Gazetteer) -> list[Span]:
    """Names headed by a lowercase noun: the head, its adjectives ("correctionnel", "d'appel"), an optional
    "de/du/de la/de l'", then capitalised words."""
    out: list[Span] = []
    for i in tokens_at(doc, text, _HEADS_RE):
        label = _NAME_HEADS.get(doc[i].lower_)
        if label is None or (out and i < out[-1].end) or (
                not doc[i].text[:1].islower() and not doc[i].is_sent_start):
            continue
        j = i + 1
        while j < len(doc) and ((doc[j].pos_ == "ADJ" and doc[j].text.islower())
                                or (doc[j].lower_ in ("d'", "d’") and j + 1 < len(doc) and doc[j + 1].lower_ == "appel")):
            j += 2 if doc[j].lower_ in ("d'", "d’") else 1
        k = j
        while k < len(doc) and k - j < 2 and doc[k].lower_ in ("de", "du", "d'", "d’", "la", "l'", "l’"):
            k += 1
        end = k
        while end < len(doc) and ((doc[end].text[:1].isupper() and doc[end].text.replace("-", "").isalpha())
                                  or (end > k and _joins_hyphenated(doc, end))):
            end += 1
        # "à la place de Macron", "la place de la France en Afrique": a place's name after "de" is never a
        # person nor an entity the gazetteer knows; a court's is its town ("tribunal de Paris").
        if label == "LOC" and k > j and end > k and (doc[k].ent_type_ == "PER" or doc[i - 2:i].text.lower() == "à la"
                                                      or (doc[k].ent_id_ and gaz.lookup(doc[k:end].text) is not None)):
            end = k
        if end > k:
            out.append(Span(doc, i, end, label=label))
    return out


_COMPASS_WORDS = frozenset({"nord", "sud", "est", "ouest"})
_REGION_ADJECTIVES = frozenset({"centrale", "orientale", "occidentale", "australe", "septentrionale", "méridionale",
                                "subsaharienne"})


def _qualified_regions(doc: Doc, gaz: Gazetteer) -> dict[int, Span]:
    """'Asie du Sud-Est', 'Afrique du Nord', 'Europe de l'Est': a continent or a region qualified by a compass point
    is another region, not the whole one. The whole name, keyed by its first token."""
    out: dict[int, Span] = {}
    for span in doc.ents:
        entry = gaz.entries.get(span.ent_id_) if span.ent_id_ else None
        if entry is None or entry.label != "LOC" or entry.country or span.end >= len(doc):
            continue
        end = span.end
        if doc[end].lower_ in _REGION_ADJECTIVES:
            end += 1
        elif doc[end].lower_ in ("du", "de"):
            k = end + 1 + (end + 1 < len(doc) and doc[end + 1].lower_ in ("l'", "l’"))
            if k < len(doc) and doc[k].text[:1].isupper() and set(fold(doc[k].text).split()) <= _COMPASS_WORDS:
                end = k + 1
                if end + 1 < len(doc) and _joins_hyphenated(doc, end) and doc[end + 1].lower_ in _COMPASS_WORDS:
                    end += 2
        if end > span.end:
            out[span.start] = Span(doc, span.start, end, label="LOC")
    return out


def _joins_hyphenated(doc: Doc, i: int) -> bool:
    """A hyphen the tokenizer split out of a compound name ("Part-Dieu")."""
    return doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_ \
        and i + 1 < len(doc) and doc[i + 1].text[:1].isupper()


def _name_word(tok: Token) -> bool:
    return tok.is_alpha and tok.text[:1].isupper() and not tok.text.isupper() and tok.whitespace_ != "\n" \
        and tok.pos_ in ("PROPN", "X", "NOUN") and fold(tok.text) not in _stoplists().not_names


def _join_acronyms(doc: Doc, text: str, drafts: dict[str, _Draft]) -> None:
    """'Conseil national électoral (CNE)', 'HTC (Hayat Tahrir al-Cham)': the name and its acronym are one entity,
    and the acronym alone elsewhere in the article is that entity too (see service/coreference.py)."""
    owner = {i: d for d in drafts.values() for s in d.spans for i in range(s.start, s.end)}
    starts = {s.start for d in drafts.values() for s in d.spans}
    for name_start, name_end, acronym_at in appositions(doc, text, starts):
        full = Span(doc, name_start, name_end, label="ORG")
        name_draft = owner.get(name_start)
        acronym = owner.get(acronym_at)
        exact = name_draft if name_draft is not None and any(
            (s.start, s.end) == (name_start, name_end) for s in name_draft.spans) else None
        if exact is not None and exact.known and acronym is not None and acronym.known and exact is not acronym:
            continue  # two gazetteer entities: the text's parenthesis is not ours to overrule
        if exact is not None and (exact.known or acronym is None or not acronym.known):
            target = exact
        elif acronym is not None and acronym.known:
            target = acronym
        else:
            label = name_draft.label if name_draft is not None and name_draft.label != "MISC" else "ORG"
            key = f"depeche:{label}:{fold(full.text).replace(' ', '-')}"
            target = drafts.setdefault(key, _Draft(key, full.text, label, None, known=False))
        for other in (name_draft, acronym):
            if other is not None and other is not target and not other.known:
                target.spans.extend(other.spans)
                drafts.pop(other.id, None)
        for span in (full, Span(doc, acronym_at, acronym_at + 1, label=target.label)):
            if not any((s.start, s.end) == (span.start, span.end) for s in target.spans):
                target.spans.append(span)
        taken = {i for d in drafts.values() for s in d.spans for i in range(s.start, s.end)}
        for i in tokens_at(doc, text, re.compile(rf"\b{re.escape(doc[acronym_at].text)}\b")):
            if doc[i].text == doc[acronym_at].text and i not in taken:
                target.spans.append(Span(doc, i, i + 1, label=target.label))
        owner = {i: d for d in drafts.values() for s in d.spans for i in range(s.start, s.end)}


# English words that French never uses: an agency's English photo caption kept in a French page.
_ENGLISH = frozenset({"the", "of", "and", "at", "in", "with", "from", "his", "her", "its", "is", "are", "was",
                      "were", "meets", "during", "after"})
_WORD = re.compile(r"[A-Za-z]+")


def _is_english(line: str) -> bool:
    words = [w.lower() for w in _WORD.findall(line)]
    return len(words) >= 6 and sum(w in _ENGLISH for w in words) >= max(3, len(words) // 5)


def _not_article_text(span: Span, text: str) -> bool:
    """A mention in what frames the article rather than in its sentences: a rubric or subheading that is the name
    alone on its line ("International", "Crise économique :"), a photo credit after ©, an English caption, a run
    of capitals ("PHOTO JEAN DUPONT / LE MONDE"). `text` is the doc's text (Doc.text rebuilds it at every call)."""
    start_char, end_char = span.start_char, span.start_char + len(span.text.rstrip())
    line_start = text.rfind("\n", 0, start_char) + 1
    line_end = text.find("\n", end_char)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    rest = line[:start_char - line_start] + line[end_char - line_start:]
    if not rest.strip(" \t:;.-–—•|"):
        return True
    around = line[max(0, start_char - line_start - 120):end_char - line_start + 120]  # captions mix languages
    if "©" in text[line_start:start_char] or _is_english(around):
        return True
    doc = span.doc
    if span.text.isupper():
        near = [doc[span.start - 1]] if span.start > 0 else []
        near += [doc[span.end]] if span.end < len(doc) else []
        return any(t.is_alpha and t.is_upper and len(t) > 1 for t in near)
    return False


def _without_nested(drafts: dict[str, _Draft]) -> dict[str, _Draft]:
    """A mention inside another entity's longer mention is part of that name ("Colombie" in "Forces armées
    révolutionnaires de Colombie"): dropped, and an entity left without mentions with it."""
    spans = [(s.start, s.end) for d in drafts.values() for s in d.spans]
    out = {}
    for key, draft in drafts.items():
        draft.spans = [s for s in draft.spans if not any(
            a <= s.start and s.end <= b and (a, b) != (s.start, s.end) for a, b in spans)]
        if draft.spans:
            out[key] = draft
    return out


def extract_entities(
    doc: Doc, text: str, gaz: Gazetteer, title_matches: list[tuple[str, int, int]]
) -> EntityTable:
    """`text` is the cleaned text the doc was built from (same offsets, original characters)."""
    drafts: dict[str, _Draft] = {}
    partials: list[Span] = []
    namesakes = _namesakes(doc, gaz) | _cut_by_the_ruler(doc) | _split_known_names(doc, gaz) \
        | _qualified_regions(doc, gaz)
    headed = _headed_names(doc, text, gaz)
    absorbed = {i for s in [*namesakes.values(), *headed] for i in range(s.start, s.end)}
    for span in headed:
        entry = gaz.lookup(span.text)
        if entry is not None:
            drafts.setdefault(entry.id, _Draft(entry.id, entry.name, entry.label, entry.country, known=True)
                              ).spans.append(span)
        else:
            partials.append(span)
    for span in doc.ents:
        rebuilt = namesakes.get(span.start)
        if rebuilt is None and absorbed.intersection(range(span.start, span.end)):
            continue
        span = rebuilt or span
        if _not_article_text(span, text):
            continue
        # A rebuilt span's ent_id_ is its root token's, the ruler's match: only its own text may be looked up.
        entry = gaz.lookup(_LEADING.sub("", span.text)) if rebuilt is not None else _canonical(span, gaz)
        if entry is not None:
            if not _acronym_misread(span):
                drafts.setdefault(entry.id, _Draft(entry.id, entry.name, entry.label, entry.country, known=True)
                                  ).spans.append(span)
            continue
        label = _LABELS.get(span.label_)
        cut = _trimmed(span, gaz) if label is not None else None
        if cut is None or _is_junk(cut) or _is_title(cut.text, gaz) or _is_description(cut, gaz):
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
        if owner is None and _cut_by_the_end(span, len(text.rstrip())):
            # "... a appelé à éliminer Zele": a page cut mid-word; the name is one already named, or nothing.
            last = fold(span[-1].text)
            owner = next((d for d in drafts.values() if len(last) > 2
                          and any(w.startswith(last) for w in fold(d.name).split())), None)
            if owner is None:
                continue
        if owner is not None:
            owner.spans.append(span)
            continue
        name = _LEADING.sub("", span.text).strip()
        label = _LABELS[span.label_]
        if name.split()[0].lower() in _stoplists().document_heads:
            label = "MISC"  # a treaty or a programme is named, but it never acts
        key = f"depeche:{label}:{fold(name).replace(' ', '-')}"
        if label != "MISC":  # one name is one entity, whatever label the NER gave each mention
            key = next((k for k, d in drafts.items() if not d.known and d.label != "MISC"
                        and fold(d.name) == fold(name)), key)
        drafts.setdefault(key, _Draft(key, name, label, None, known=False)).spans.append(span)
    _join_acronyms(doc, text, drafts)
    drafts = _without_nested(drafts)  # before role mentions: "président de la Banque mondiale" keeps the bank

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
