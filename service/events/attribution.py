"""Who the sentence's claims come from: 'selon KCNA', 'a rapporté Interfax', 'cité par Tass'."""

from __future__ import annotations

from spacy.tokens import Span

from service.events.context import _SUBJ, Context, _Party
from service.events.parties import resolve
from service.events.syntax import _children


def _attribution(ctx: Context, sent: Span) -> str | None:
    """Who the sentence's claims come from: 'selon KCNA', 'a rapporté Interfax', 'cité par Tass'.

    The outermost source wins: a wire quoting a minister is the wire; a speaker
    outranks a party that merely denies ("le Kremlin a nié que...").
    """
    cues = ctx.cues
    best: tuple[int, str] | None = None

    def offer(rank: int, party: _Party | None) -> None:
        nonlocal best
        if party is not None and (best is None or rank < best[0]):
            best = (rank, party.name)

    for tok in sent:
        low = tok.lower_
        lemma = tok.lemma_.lower()
        if low in cues.attribution_prepositions or (low == "après" and tok.i > 0 and tok.nbor(-1).lower_ == "d'"):
            head = tok.head.head if tok.dep_ == "fixed" else tok.head  # "d'" + fixed "après"
            offer(0, resolve(ctx, head, 3))
        elif low in cues.attribution_participles and any(c.dep_ == "obl:agent" for c in _children(ctx, tok)):
            offer(0, resolve(ctx, next((c for c in _children(ctx, tok) if c.dep_ == "obl:agent"), None), 3))
        elif tok.pos_ == "VERB" and lemma in cues.attribution_verbs:
            subj = next((c for c in _children(ctx, tok) if c.dep_ in _SUBJ), None)
            lead = tok.doc[max(tok.left_edge.i - 1, sent.start):tok.left_edge.i + 1]
            inverted = tok.i > sent.start + 2 and (tok.dep_ in ("parataxis", "conj", "advcl")
                                                   or any(t.text in (",", '"', "»") for t in lead))
            if subj is None and inverted:
                subj = next((c for c in _children(ctx, tok) if c.dep_ == "obj" and c.i > tok.i), None)  # "a rapporté l'AFP"
            reporting = subj is not None and (subj.i > tok.i or inverted
                                              or any(c.dep_ == "ccomp" for c in _children(ctx, tok)))
            if not reporting:
                continue
            party = resolve(ctx, subj, 3)
            offer(1 if party is not None and party.kind in ("ORG", "GOV") else 2, party)
            offer(0, resolve(ctx, next((c for c in _children(ctx, tok) if c.dep_ == "obl:agent"), None), 3))
        elif tok.pos_ == "VERB" and lemma in cues.denial_verbs and any(
                c.dep_ in ("ccomp", "xcomp") for c in _children(ctx, tok)):
            offer(3, resolve(ctx, next((c for c in _children(ctx, tok) if c.dep_ in _SUBJ), None), 3))
    return best[1] if best else None
