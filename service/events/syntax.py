"""Parse helpers shared by every step: dependents (ignoring arcs across paragraphs), prepositions, voice."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.tokens import Token

from service.events.context import Context
from service.french import MONTH_NAMES, WEEKDAY_NAMES

_TIME_WORDS = frozenset({*WEEKDAY_NAMES, *MONTH_NAMES, *(f"mi-{m}" for m in MONTH_NAMES), "hier",
                         "matin", "soir", "début", "fin", "an", "année", "semaine",
                         "mois", "jour", "nuit", "veille", "lendemain"})
_REFLEXIVE = frozenset({"se", "s'", "me", "m'", "te", "t'", "nous", "vous"})
_CLITIC_DEPS = frozenset({"expl:comp", "expl:pv", "expl", "obj", "iobj", "expl:pass", "dep"})


def _children(ctx: Context, tok: Token) -> list[Token]:
    cross = ctx.cross
    return [c for c in tok.children if c.i not in cross] if cross else list(tok.children)


def _case_of(tok: Token) -> str | None:
    for child in tok.children:
        if child.dep_ in ("case", "mark") and child.i < tok.i:
            if any(f.dep_ == "fixed" for f in child.children):
                return "~"  # "face à", "grâce à": a complex preposition never introduces a party
            return child.lower_
    return None


def _has_reflexive(tok: Token) -> bool:
    return any(c.lower_ in _REFLEXIVE and c.dep_ in _CLITIC_DEPS and c.i < tok.i for c in tok.children)


def _is_verbal(tok: Token) -> bool:
    """A verb, or a participle the tagger took for a noun/adjective ("a téléphoné", "a gelé")."""
    if tok.pos_ == "VERB":
        return True
    return tok.pos_ in ("NOUN", "ADJ") and any(c.dep_ in ("aux:tense", "aux", "aux:pass") for c in tok.children)


def _is_time_word(tok: Token) -> bool:
    return tok.like_num or tok.lower_ in _TIME_WORDS


def _complements(ctx: Context, tok: Token) -> Iterator[Token]:
    """A word's dependents, looking through the date the parser hung them on ('signé lundi un accord')."""
    for child in _children(ctx, tok):
        yield child
        current = child
        for _ in range(3):
            if not _is_time_word(current):
                break
            nested = [g for g in _children(ctx, current) if g.dep_ in ("nmod", "obj", "appos") and not _is_time_word(g)]
            yield from nested
            following = [g for g in _children(ctx, current) if g.dep_ == "nmod" and _is_time_word(g)]
            if not following:
                break
            current = following[0]


def _is_passive(tok: Token) -> bool:
    if _has_reflexive(tok):
        return False  # "s'est retirée": a pronominal verb with être, not a passive
    return "Pass" in tok.morph.get("Voice", []) or any(c.dep_ in ("aux:pass", "nsubj:pass") for c in tok.children)


def _clause_head(tok: Token) -> Token:
    current = tok
    for _ in range(8):
        if current.pos_ in ("VERB", "AUX") or current.head.i == current.i:
            return current
        current = current.head
    return current


def _governors(tok: Token) -> Iterable[Token]:
    current = tok
    for _ in range(4):
        if current.head.i == current.i:
            return
        yield current.head
        current = current.head
