"""Conventions of economic and trade news (sanctions packages, tariffs, trade complaints) applied around the
generic steps.

Read from the `_trade` block of data/lexicon.yaml. An agreement on a sanctions package is the sanctions
("les Vingt-Sept se sont accordés sur un paquet de sanctions contre X" is the EU sanctioning X, not a deal with
X); tariffs name whom they hit by the goods they tax ("des droits de douane sur l'acier canadien" hit Canada); a
complaint is aimed at the party it is lodged against, not at the forum it is lodged with ("a porté plainte
devant l'OMC contre X").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from spacy.tokens import Token

from service.events.context import Context, _Found, _Party, _Roles
from service.events.parties import _as_target, resolve
from service.events.syntax import _case_of, _children, _complements, _is_time_word, _is_verbal
from service.lexicon import DATA, TriggerSense

# Dependents that open another clause: goods or the party complained against are never looked for through them.
_CLAUSAL = frozenset({"acl:relcl", "ccomp", "advcl", "parataxis", "csubj", "conj", "cc"})
_SCOPE = 16  # tokens: how far from its trigger a tariff's goods or a complaint's "contre" may stand


@dataclass(frozen=True)
class Trade:
    containers: frozenset[str] = frozenset()     # "un paquet de sanctions": nouns that only count what they hold
    measure_types: frozenset[str] = frozenset()  # TYPE or TYPE.mode an agreement ON is that measure, not a deal
    goods_types: frozenset[str] = frozenset()    # TYPE or TYPE.mode whose "sur <goods>" names whom it hits
    goods_cases: frozenset[str] = frozenset()    # prepositions introducing the goods ("sur")
    goods_verbs: frozenset[str] = frozenset()    # "visant les produits chinois": participles whose object is the goods
    complaint_nouns: frozenset[str] = frozenset()  # "plainte", "recours": aimed at "contre X", lodged with a forum
    complaint_verbs: frozenset[str] = frozenset()  # "saisir l'OMC": the object is the forum
    forum_cases: frozenset[str] = frozenset()    # "auprès de", "devant": where a complaint is lodged
    decided_types: frozenset[str] = frozenset()  # TYPE or TYPE.mode: "a annoncé des sanctions" takes them
    deciding_verbs: frozenset[str] = frozenset()  # "annoncer", "décider": in a past tense, the measure is taken


def _listed(sense: TriggerSense, names: frozenset[str]) -> bool:
    return sense.type in names or f"{sense.type}.{sense.mode}" in names


def _words(raw: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(str(w) for w in raw.get(key) or ())


def parse_trade(raw: dict[str, Any]) -> Trade:
    return Trade(
        containers=_words(raw, "containers"),
        measure_types=_words(raw, "measure_types"),
        goods_types=_words(raw, "goods_types"),
        goods_cases=_words(raw, "goods_cases"),
        goods_verbs=_words(raw, "goods_verbs"),
        complaint_nouns=_words(raw, "complaint_nouns"),
        complaint_verbs=_words(raw, "complaint_verbs"),
        forum_cases=_words(raw, "forum_cases"),
        decided_types=_words(raw, "decided_types"),
        deciding_verbs=_words(raw, "deciding_verbs"),
    )


@lru_cache(maxsize=1)
def load_trade() -> Trade:
    raw: dict[str, Any] = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    return parse_trade(raw.get("_trade") or {})


_OF = frozenset({"de", "d'", "des", "du"})


def through_container(noun: Token) -> tuple[Token, str]:
    """Where an event noun stands in its clause: 'adopter un paquet de sanctions', 'a adopté mercredi des
    sanctions', 'a annoncé le 1er août des droits de douane' put the noun where its container or its date stands.
    Its governor and the dependency it would have there."""
    containers = load_trade().containers
    child, head = noun, noun.head
    timed = False
    for _ in range(4):
        if head.i == child.i or head.head.i == head.i:
            break
        if child.dep_ == "nmod" and head.lemma_.lower() in containers and _case_of(child) in _OF:
            child, head = head, head.head
            continue
        if child.dep_ in ("nmod", "appos") and child.i > head.i and (_is_time_word(head) or _date_number(head)):
            child, head, timed = head, head.head, True  # the object the parser hung on the weekday or the date
            continue
        break
    return head, ("obj" if timed else child.dep_)


def _date_number(tok: Token) -> bool:
    """'le 1er août': an ordinal day the tagger takes for an adjective."""
    return tok.lower_ in ("1er", "1re", "premier") and any(_is_time_word(c) for c in tok.children)


def agreed_measure(ctx: Context, tok: Token, found: _Found) -> bool:
    """'Les Vingt-Sept se sont accordés sur un nouveau paquet de sanctions contre X', 'un accord sur de nouvelles
    sanctions': an agreement whose content is a sanction is that sanction (coded by the sanction noun), not a
    deal with the sanctioned side."""
    if found.sense.type != "AGREE":
        return False
    trade = load_trade()
    base = found.noun if found.noun is not None else tok
    for word in (tok, base):
        for child in _complements(ctx, word):
            if child.dep_ not in ("obl", "obl:arg", "obl:mod", "nmod") or _case_of(child) != "sur":
                continue
            inner = child
            if inner.lemma_.lower() in trade.containers:
                inner = next((g for g in _children(ctx, inner) if g.dep_ == "nmod" and _case_of(g) in (
                    "de", "d'", "des", "du")), inner)
            sense = ctx.lexicon.nouns.get(inner.lemma_.lower())
            compound = _compound_sense(ctx, inner)
            if (compound or sense) is not None and _listed(compound or sense, trade.measure_types):  # type: ignore[arg-type]
                return True
    return False


def _compound_sense(ctx: Context, tok: Token) -> TriggerSense | None:
    lex = ctx.lexicon
    if tok.lemma_.lower() not in lex.compound_heads:
        return None
    doc = tok.doc
    for n in range(min(lex.longest_compound, len(doc) - tok.i), 1, -1):
        key = tuple(t.lemma_.lower() for t in doc[tok.i:tok.i + n])
        if key in lex.compound_nouns:
            return lex.compound_nouns[key]
    return None


def _scope_words(ctx: Context, root: Token) -> list[Token]:
    """The words of a trigger's own clause near it: its subtree without the clauses hung on it."""
    out: list[Token] = []
    stack = [root]
    while stack:
        word = stack.pop()
        for child in _children(ctx, word):
            if child.dep_ in _CLAUSAL or abs(child.i - root.i) > _SCOPE:
                continue
            out.append(child)
            stack.append(child)
    return out


def _roots(ctx: Context, tok: Token, found: _Found) -> list[Token]:
    """The trigger and, for a noun, the verb its clause hangs on ('a imposé des droits de douane ... sur X')."""
    roots = [tok]
    noun = found.noun if found.noun is not None else (None if _is_verbal(tok) else tok)
    if noun is not None and noun.i != tok.i:
        roots.append(noun)
    if noun is not None and not _is_verbal(tok):
        head, dep = through_container(noun)
        if head.i != noun.i and _is_verbal(head) and dep in ("obj", "obl", "obl:arg", "obl:mod", "nmod"):
            roots.append(head)
    return roots


def _behind(word: Token, cases: frozenset[str], verbs: frozenset[str]) -> bool:
    """A word introduced by one of the cases ("sur l'acier canadien"), or the object of a participle among verbs
    ("visant les produits chinois")."""
    if _case_of(word) in cases:
        return True
    return word.dep_ == "obj" and word.head.dep_ == "acl" and word.head.lemma_.lower() in verbs


def _party_behind(ctx: Context, tok: Token, found: _Found, roles: _Roles, cases: frozenset[str],
                  verbs: frozenset[str] = frozenset()) -> _Party | None:
    exclude = frozenset({roles.source.id}) if roles.source is not None else frozenset()
    for root in _roots(ctx, tok, found):
        for word in sorted(_scope_words(ctx, root), key=lambda w: w.i):
            if not _behind(word, cases, verbs):
                continue
            party = resolve(ctx, word, 2, exclude)
            if party is None:
                continue
            party = _as_target(ctx, party)
            if party.kind != "LOC" and party.id not in exclude:
                return party
    return None


def _lodged_with(ctx: Context, party: _Party, forum_cases: frozenset[str]) -> bool:
    """'devant l'OMC', 'auprès de l'Organisation mondiale du commerce (OMC)': the forum a complaint goes to."""
    word = ctx.doc[party.token]
    for _ in range(3):
        if _case_of(word) in forum_cases or word.head.lower_ in forum_cases:
            return True
        if word.head.i == word.i or word.dep_ not in ("appos", "nmod", "flat:name"):
            return False
        word = word.head
    return False


def trade_roles(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """Tariffs aimed at the country of the goods they tax; complaints aimed at whom they are lodged against."""
    trade = load_trade()
    if found.sense.type == "SANCTION" and roles.target is None and _listed(found.sense, trade.goods_types):
        party = _party_behind(ctx, tok, found, roles, trade.goods_cases, trade.goods_verbs)
        if party is not None:
            roles.target = party
        return
    noun = found.noun if found.noun is not None else tok
    seized = found.noun is not None and tok.lemma_.lower() in trade.complaint_verbs
    if found.sense.type != "ACCUSE" or not (seized or noun.lemma_.lower() in trade.complaint_nouns):
        return
    against = _party_behind(ctx, tok, found, roles, frozenset({"contre"}))
    if against is not None:
        roles.target = against
    elif roles.target is not None and (_lodged_with(ctx, roles.target, trade.forum_cases) or (
            seized and ctx.doc[roles.target.token].head.i == tok.i)):
        roles.target = None  # a complaint lodged with a forum against no one named: not a complaint against it


def decided(ctx: Context, tok: Token, found: _Found, modality: str) -> str:
    """'Ottawa a annoncé mercredi des surtaxes', 'l'UE a décidé de nouvelles sanctions': a measure a government
    has announced is a measure taken that day (asserted, dated by the announcement), not a plan."""
    trade = load_trade()
    if modality != "planned" or not _listed(found.sense, trade.decided_types) or _is_verbal(tok):
        return modality
    head, dep = through_container(tok)
    if dep != "obj" or head.lemma_.lower() not in trade.deciding_verbs or not _past(head):
        return modality
    return "asserted"


def _past(verb: Token) -> bool:
    """A passé composé or simple past ('a annoncé', 'annonça'), not a future or a present of intent."""
    if "Past" in verb.morph.get("Tense", []) and "Part" not in verb.morph.get("VerbForm", []):
        return True
    return any(c.dep_ == "aux:tense" and c.lemma_ == "avoir" and not {"Fut", "Cnd"} & set(
        c.morph.get("Tense", []) + c.morph.get("Mood", [])) for c in verb.children)
