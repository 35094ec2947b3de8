"""Conventions of security news (threats, attacks, coups) applied after the generic steps.

Read from the `_security` block of data/lexicon.yaml. A threat always has someone it is aimed at: "la Cedeao
n'exclut pas une intervention militaire" in an article about Niger threatens Niger.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from spacy.tokens import Token

from service.events.context import Context, _Found, _Roles
from service.events.families import load_families
from service.events.parties import _as_target, _entity_party, _geo_of, main_country
from service.events.syntax import _case_of, _is_verbal
from service.lexicon import DATA, TriggerSense


@dataclass(frozen=True)
class Security:
    implied_target: frozenset[str] = frozenset()  # TYPE or TYPE.mode aimed at the article's country when unnamed
    attack_place: frozenset[str] = frozenset()    # TYPE or TYPE.mode whose phrase's place is what it struck
    whose_act: frozenset[str] = frozenset()       # TYPE or TYPE.mode whose noun after "dont" is the antecedent's act


def _listed(sense: TriggerSense, names: frozenset[str]) -> bool:
    return sense.type in names or f"{sense.type}.{sense.mode}" in names


def parse_security(raw: dict[str, Any]) -> Security:
    return Security(implied_target=_words(raw, "implied_target"), attack_place=_words(raw, "attack_place"),
                    whose_act=_words(raw, "whose_act"))


def _words(raw: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(str(w) for w in raw.get(key) or ())


@lru_cache(maxsize=1)
def load_security() -> Security:
    raw: dict[str, Any] = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    return parse_security(raw.get("_security") or {})


def implied_target(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'La Cedeao n'exclut pas une intervention militaire': a threat whose sentence names no one it is aimed at
    is aimed at the country the article names most, other than the threatening side's own."""
    if roles.source is None or roles.target is not None or not _listed(found.sense, load_security().implied_target):
        return
    if not _is_verbal(tok):
        return  # a noun ("face aux menaces de fermeture") is mostly a threat in passing, not one the side utters
    exclude = {roles.source.id}
    own = _geo_of(ctx).by_code.get(roles.source.country or "")
    if own is not None:
        exclude.add(own)
    roles.target = main_country(ctx, tok.i, frozenset(exclude))


# Phrases behind these name a reporter, an agent, a partner or a time, never where an attack struck.
_NOT_WHERE = frozenset({"selon", "par", "d'après", "avec", "pour", "depuis", "après", "avant", "malgré", "comme"})
_CLAUSES = frozenset({"advcl", "ccomp", "acl:relcl", "parataxis", "csubj", "xcomp"})
_REACH = 20


def attack_place(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'X a revendiqué une attaque et l'incendie d'une salle de concert de la banlieue de Moscou': an attack whose
    parse gives no target struck the place its own phrase names (the place stands for its country)."""
    if not _listed(found.sense, load_security().attack_place) or roles.source is None or roles.target is not None:
        return
    head = found.noun if found.noun is not None else tok
    for word in _own_phrase(head):
        idx = ctx.table.token_entity.get(word.i)
        if idx is None or ctx.table.token_entity.get(word.i - 1) == idx:
            continue
        party = _entity_party(ctx, idx, word.i)
        if party is None or party.place is None or party.id == roles.source.id:
            continue
        if (_case_of(word) or _case_of(word.head) or "") in _NOT_WHERE:
            continue
        target = _as_target(ctx, party)
        if target.id != roles.source.id:
            roles.target = target
            if roles.location is None:
                roles.location = party
        return


def _own_phrase(head: Token) -> list[Token]:
    """The words of a trigger's phrase after it, not those of another clause hung on it."""
    out: list[Token] = []
    stack = [c for c in head.children if c.i > head.i and c.dep_ not in _CLAUSES]
    while stack:
        word = stack.pop()
        if word.i - head.i > _REACH:
            continue
        out.append(word)
        stack.extend(c for c in word.children if c.dep_ not in _CLAUSES)
    return sorted(out, key=lambda w: w.i)


_WHOSE = frozenset({"dont"})


def whose_act(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'le mouvement Hamas, dont l'attaque du 7 octobre contre Israël...': the act of 'dont' is its antecedent's, the
    party named right before the pronoun ('X, dont l'arrestation...': X undergoes it)."""
    if tok.pos_ != "NOUN" or not _listed(found.sense, load_security().whose_act):
        return
    patients = load_families().patient_nouns
    undergoes = _listed(found.sense, patients) or tok.lemma_.lower() in patients  # "X, dont l'arrestation"
    if (roles.target if undergoes else roles.source) is not None:
        return
    rel = next((c for c in tok.children if c.lower_ in _WHOSE and c.i < tok.i), None)
    if rel is None:
        return
    for i in range(rel.i - 1, max(rel.i - 4, tok.sent.start - 1), -1):
        idx = ctx.table.token_entity.get(i)
        if idx is not None:
            party = _entity_party(ctx, idx, i)
            if party is None or party.kind == "LOC":
                return
            if undergoes and (roles.source is None or party.id != roles.source.id):
                roles.target = party
            elif not undergoes and (roles.target is None or party.id != roles.target.id):
                roles.source = party
            return
        if not ctx.doc[i].is_punct:
            return
