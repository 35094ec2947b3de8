"""How sure the report is: denied, hypothetical, alleged, planned, speculative or asserted."""

from __future__ import annotations

from spacy.tokens import Span, Token

from service.events.attribution import _attribution
from service.events.context import Context
from service.events.syntax import _children, _clause_head, _governors, _has_reflexive, _is_verbal
from service.lexicon import TriggerSense

# "plus", "rien", "personne" negate only with "ne"; these negate on their own.
_STRONG_NEGATION = frozenset({"ne", "n'", "jamais", "aucun", "aucune", "nul", "nulle", "nullement", "aucunement"})


_LITOTES = frozenset({"exclure", "écarter"})


def _negated(ctx: Context, tok: Token, verb: Token) -> bool:
    scope = [tok, verb, *_children(ctx, verb)] if verb.i != tok.i else [tok, *_children(ctx, tok)]
    if tok.pos_ == "NOUN":
        scope += list(_children(ctx, tok))
    negators = {c.lower_ for c in scope if c.dep_ in ("advmod", "det", "neg", "nsubj", "obj", "nsubj:pass")}
    negators &= ctx.cues.negation
    if any(c.lower_ == "que" for c in _children(ctx, verb) if c.i > verb.i):
        return False  # "n'a livré que des obus" restricts, it does not deny
    return bool(negators & _STRONG_NEGATION) or bool(negators and {"ne", "n'"} & negators)


def _opener(tok: Token) -> str:
    """The words opening a clause, for multi-word markers ("au cas où", "dans l'hypothèse où")."""
    first = tok.left_edge.i
    words = [t.lower_ for t in tok.doc[max(first - 1, 0):min(first + 4, tok.i + 1)]]
    return " ".join(words).replace("' ", "'")


def _hypothetical(ctx: Context, verb: Token) -> bool:
    markers = ctx.cues.hypothetical_markers
    clauses = [verb, *(c for c in _children(ctx, verb) if c.dep_ == "advcl")]
    for clause in clauses:
        if any(c.dep_ == "mark" and c.lower_ in ("si", "s'") and c.i < clause.i for c in _children(ctx, clause)):
            return True
        opener = _opener(clause)
        if any(f" {m} " in f" {opener} " for m in markers if " " in m):
            return True
    return False


def _modality(ctx: Context, tok: Token, sent: Span, sense: TriggerSense | None = None) -> str:
    cues = ctx.cues
    governor = tok.head
    lex = ctx.lexicon
    if sense is not None and tok.dep_ == "xcomp" and governor.i != tok.i:
        outer = lex.verbs.get(governor.lemma_.lower()) or (
            lex.reflexive_verbs.get(governor.lemma_.lower()) if _has_reflexive(governor) else None)
        if outer == sense:
            tok = governor  # "a promis de renforcer l'alliance": the promise is the event, and it was made
    verb = tok
    if not _is_verbal(tok):
        head = tok.head
        while head.pos_ in ("ADV", "ADP") and head.head.i != head.i:
            head = head.head
        verb = head if _is_verbal(head) or head.pos_ == "AUX" else tok
    governors = list(_governors(verb))
    # "n'exclut pas une intervention": not ruling it out is the threat itself, said, not denied
    if _negated(ctx, tok, verb) and verb.lemma_.lower() not in _LITOTES:
        return "denied"
    if any(g.lemma_.lower() in cues.denial_verbs for g in governors):
        return "denied"
    if _hypothetical(ctx, verb):
        return "hypothetical"
    if any(g.lemma_.lower() in cues.alleged_verbs and g.i != tok.i for g in governors) or any(
        t.lower_ in cues.alleged_markers for t in (tok, verb, tok.head, *_children(ctx, tok), *_children(ctx, verb))
    ):
        return "alleged"
    moods = {m for t in (verb, *_children(ctx, verb)) if t.dep_ in ("aux", "aux:tense", "cop") or t.i == verb.i
             for m in t.morph.get("Mood", [])}
    tenses = set(verb.morph.get("Tense", [])) | {m for t in _children(ctx, verb) if t.dep_ in ("aux", "aux:tense")
                                             for m in t.morph.get("Tense", [])}
    if "Cnd" in moods and any(g.lemma_.lower() == "pouvoir" for g in governors):
        return "speculative"
    if (any(g.lemma_.lower() in cues.planned_verbs for g in governors) and not _perfect_infinitive(verb)) \
            or "Fut" in tenses:
        return "planned"
    if any(g.lemma_.lower() in cues.speculative_verbs for g in governors) or any(
        t.lower_ in cues.speculative_markers for t in (tok, *_children(ctx, tok), *_children(ctx, verb))
    ):
        return "speculative"
    if "Cnd" in moods:
        return "alleged" if _attribution(ctx, sent) else "speculative"
    return "asserted"


def _background(ctx: Context, tok: Token) -> bool:
    """Inside 'depuis que...', 'étant donné que...': context the article recalls, not what it reports."""
    clause = _clause_head(tok)
    for _ in range(4):
        # the parser hangs "alors que" on either clause: look just before the clause too
        first = clause.left_edge.i
        opener = " ".join(t.lower_ for t in tok.doc[max(first - 2, tok.sent.start):min(first + 3, clause.i)])
        if any(f" {m} " in f" {opener} " for m in ctx.cues.background_markers):
            return True
        if clause.dep_ not in ("xcomp", "ccomp", "acl", "obj", "obl", "nmod") or clause.head.i == clause.i:
            return False
        clause = _clause_head(clause.head)
    return False


def _perfect_infinitive(verb: Token) -> bool:
    """'a annoncé avoir mené une frappe': an infinitive with its auxiliary reports a done act, not a plan."""
    return any(c.dep_ in ("aux", "aux:tense") and "Inf" in c.morph.get("VerbForm", []) for c in verb.children)
