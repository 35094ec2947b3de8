"""The per-document context of the events stage, and the records passed between its steps."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Token

from contracts.models import Actor, Event
from service.dates import Reference
from service.entities import EntityTable
from service.gazetteer import Gazetteer
from service.lexicon import Cues, Lexicon, TriggerSense

_SUBJ = ("nsubj", "nsubj:pass", "expl:subj")
_OBLIQUE = ("obl", "obl:arg", "obl:mod", "nmod", "iobj")


@dataclass(frozen=True)
class _Party:
    actor: Actor          # who acts: a capital or seat of power is replaced by its government
    name: str             # the entity as written ("Kremlin"): attribution keeps it
    kind: str             # PER, ORG, GOV (country or seat of power) or LOC (any other place)
    token: int
    country: str | None = None  # ISO code, to tell the two sides of "entre la Russie et l'Iran" apart
    place: Actor | None = None  # the place itself, when the party is a place

    @property
    def id(self) -> str:
        return self.actor.id


@dataclass
class Context:
    """One article's inputs, and the facts about it that the steps compute once and share."""

    doc: Doc
    text: str
    table: EntityTable
    gaz: Gazetteer
    lexicon: Lexicon
    cues: Cues
    published: date | Reference | None  # Reference: the publication date with its precision
    # tokens whose parser head lies in another paragraph: those arcs are ignored
    cross: frozenset[int] = field(init=False, default=frozenset())
    starts: tuple[tuple[int, int], ...] = field(init=False, default=())  # (token, entity index) of each mention
    parties: dict[tuple[int, int], _Party | None] = field(init=False, default_factory=dict)
    mentions: dict[int, list[tuple[Token, _Party, str]]] = field(init=False, default_factory=dict)
    senses: dict[int, _Found | None] = field(init=False, default_factory=dict)
    sources: list[_Party] = field(init=False, default_factory=list)  # who committed acts one may condemn, so far
    # (token, country id) of every country the article names, itself or through a capital or a person: for the
    # phrases that stand for "the" government without naming it ("la junte"); computed on first use
    countries: tuple[tuple[int, str], ...] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.cross = _cross_paragraph(self.doc)
        table = self.table.token_entity
        self.starts = tuple((i, idx) for i, idx in sorted(table.items()) if table.get(i - 1) != idx)


def _cross_paragraph(doc: Doc) -> frozenset[int]:
    """The parser sometimes attaches a word to a head in another paragraph: those tokens."""
    cross: set[int] = set()
    text = doc.text
    breaks = [i for i, ch in enumerate(text) if ch == "\n"]
    for sent in doc.sents:
        end = sent.end_char
        while end > sent.start_char and text[end - 1].isspace():
            end -= 1
        inner = bisect_left(breaks, sent.start_char)
        if inner == len(breaks) or breaks[inner] >= end:
            continue
        lines, line = {}, 0
        for tok in sent:
            lines[tok.i] = line
            if tok.is_space and "\n" in tok.text:
                line += 1
        cross.update(t.i for t in sent if lines[t.i] != lines.get(t.head.i, -1))
    return frozenset(cross)


@dataclass
class _Found:
    sense: TriggerSense
    noun: Token | None = None  # the noun of a verb+noun phrase ("effectuer une visite")
    visit_of: Token | None = None  # "a salué la visite de X": the visit is the event
    carried: Event | None = None  # "les négociations ont abouti à la signature": parties of the last meeting


@dataclass
class _Roles:
    source: _Party | None = None
    target: _Party | None = None
    location: _Party | None = None
