"""Which words report an event: verbs, pronominal verbs, nouns, compound nouns, verb+noun phrases."""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Span, Token

from service.events.context import _OBLIQUE, Context, _Found
from service.events.security import object_sense
from service.events.syntax import _case_of, _children, _complements, _has_reflexive, _is_verbal
from service.lexicon import TriggerSense

_PHRASE_DEPS = ("obj", "obl:arg", "obl:mod", "obl", "xcomp", "nsubj:pass", "iobj", "dep", "nmod")
_DEFINITE = frozenset({"le", "la", "les", "l'", "ce", "cet", "cette", "ces", "leur", "leurs"})


def _phrase_nouns(ctx: Context, tok: Token) -> Iterator[Token]:
    for child in _complements(ctx, tok):
        if child.dep_ in _PHRASE_DEPS and child.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "X"):
            yield child
            if child.dep_ in ("obj", "nmod", "obl:mod", "obl:arg"):
                yield from (g for g in _children(ctx, child) if g.dep_ == "nmod")  # "adopter un paquet de sanctions"
            if child.dep_ == "xcomp" and child.pos_ == "VERB":
                yield from (g for g in _children(ctx, child) if g.dep_ == "obj")  # "souhaiter à X de remporter la victoire"


def _compound(ctx: Context, tok: Token) -> TriggerSense | None:
    """Longest multi-word noun starting at tok ("aide militaire", "visite d'État")."""
    lex = ctx.lexicon
    doc = tok.doc
    if tok.lemma_.lower() not in lex.compound_heads:
        return None
    for n in range(min(lex.longest_compound, len(doc) - tok.i), 1, -1):
        key = tuple(t.lemma_.lower() for t in doc[tok.i:tok.i + n])
        if key in lex.compound_nouns:
            return lex.compound_nouns[key]
    return None


def _complement_ok(ctx: Context, tok: Token, lemma: str) -> bool:
    needed = ctx.lexicon.rules.requires_complement.get(lemma)
    if needed is None:
        return True
    return any(c.dep_ in (*_OBLIQUE, "xcomp", "obj") and (_case_of(c) or "") in needed for c in tok.children)


def _verb_sense(ctx: Context, tok: Token) -> _Found | None:
    if tok.i not in ctx.senses:
        ctx.senses[tok.i] = _find_verb_sense(ctx, tok)
    return ctx.senses[tok.i]


def _find_verb_sense(ctx: Context, tok: Token) -> _Found | None:
    lex = ctx.lexicon
    lemma = tok.lemma_.lower()
    if lemma in lex.rules.not_triggers:
        return None
    for noun in _phrase_nouns(ctx, tok):
        sense = lex.phrases.get((lemma, noun.lemma_.lower()))
        if sense is not None:
            return _Found(sense, noun)
    plain = lex.verbs.get(lemma)
    if plain is not None and f"{plain.type}.{plain.mode}" in lex.rules.praise_of_visit:
        for obj in (c for c in _children(ctx, tok) if c.dep_ == "obj"):
            visit = lex.nouns.get(obj.lemma_.lower())
            if visit is not None and visit.type == "CONSULT":
                return _Found(visit, visit_of=obj)
    if _has_reflexive(tok) and lemma in lex.reflexive_verbs:
        return _Found(lex.reflexive_verbs[lemma]) if _complement_ok(ctx, tok, lemma) else None
    sense = lex.verbs.get(lemma) or lex.verbs.get(tok.lower_)
    if sense is not None and _complement_ok(ctx, tok, lemma):
        return _Found(sense)
    if lemma in _CALL_VERBS and not _has_reflexive(tok) and _calls_a_person(ctx, tok):
        phone = lex.verbs.get("téléphoner")
        return _Found(phone) if phone is not None else None
    by_object = object_sense(ctx, tok)  # "a renversé X" (a person), "a quitté la Cedeao" (a body)
    return _Found(by_object) if by_object is not None else None


# "X a appelé Y" with a person as the object and no "à" complement is a phone call ("appeler Y à la retenue"
# is an appeal, "s'appeler" a name).
_CALL_VERBS = frozenset({"appeler"})


def _calls_a_person(ctx: Context, tok: Token) -> bool:
    for child in _complements(ctx, tok):
        idx = ctx.table.token_entity.get(child.i)
        if child.dep_ == "obj" and idx is not None and ctx.table.entities[idx].label == "PER":
            return True
    return False


def _sense(ctx: Context, tok: Token) -> _Found | None:
    if tok.pos_ not in ("VERB", "NOUN", "ADJ") or (
            tok.lemma_.lower() not in ctx.lexicon.trigger_words and tok.lower_ not in ctx.lexicon.trigger_words):
        return None
    if _is_verbal(tok):
        found = _verb_sense(ctx, tok)
        if found is not None or tok.pos_ == "VERB":
            return found
    if tok.pos_ != "NOUN":
        return None
    head = tok.head
    if head.i != tok.i and _is_verbal(head):
        carried = _verb_sense(ctx, head)
        if carried is not None and ((carried.noun is not None and carried.noun.i == tok.i) or tok.dep_ == "obj"):
            return None  # "a signé un accord", "effectuer une visite": the verb carries the event
    sense = _compound(ctx, tok) or ctx.lexicon.nouns.get(tok.lemma_.lower())
    return _Found(sense) if sense is not None else None


def _switch_mode(ctx: Context, sense: TriggerSense, sent: Span) -> TriggerSense:
    switch = ctx.lexicon.rules.mode_switch.get(f"{sense.type}.{sense.mode}")
    if switch is not None and any(t.lower_ in switch[1] for t in sent):
        return TriggerSense(sense.type, switch[0])
    return sense


def _anaphoric(ctx: Context, tok: Token, found: _Found) -> bool:
    """'les négociations', 'la signature': a definite meeting or agreement noun with no party of its own."""
    return (tok.pos_ == "NOUN" and found.sense.type in ("CONSULT", "AGREE")
            and any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in _children(ctx, tok)))


def _topic(ctx: Context, tok: Token) -> bool:
    """'les discussions ont porté sur la coopération': an event noun that is only what talks are about."""
    current = tok
    for _ in range(3):
        head = current.head
        if head.i == current.i or current.dep_ not in ("obl", "obl:arg", "obl:mod", "obj", "nmod"):
            return False
        case = _case_of(current)
        if _is_verbal(head) or head.pos_ == "VERB":
            return head.lemma_.lower() in ctx.lexicon.rules.topic_verbs and (
                current.dep_ == "obj" or case in ("sur", "de", "du", "des", "d'"))
        current = head
    return False
