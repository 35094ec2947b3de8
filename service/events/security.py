"""Conventions of security news (threats, attacks, coups) applied after the generic steps.

Read from the `_security` block of data/lexicon.yaml. A threat always has someone it is aimed at: "la Cedeao
n'exclut pas une intervention militaire" in an article about Niger threatens Niger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import yaml
from spacy.tokens import Token

from contracts.models import Event
from service.events.context import Context, _Found, _Roles
from service.events.families import load_families
from service.events.parties import _as_target, _entity_party, _geo_of, main_country, resolve
from service.events.syntax import _case_of, _children, _is_passive, _is_verbal
from service.lexicon import DATA, TriggerSense


@dataclass(frozen=True)
class Security:
    implied_target: frozenset[str] = frozenset()  # TYPE or TYPE.mode aimed at the article's country when unnamed
    attack_place: frozenset[str] = frozenset()    # TYPE or TYPE.mode whose phrase's place is what it struck
    whose_act: frozenset[str] = frozenset()       # TYPE or TYPE.mode whose noun after "dont" is the antecedent's act
    unnamed_sides: frozenset[str] = frozenset()   # TYPE or TYPE.mode coded with a side named by kind only
    attackers: frozenset[str] = frozenset()       # lemmas of nouns (and adjectives) naming attackers by kind
    armed_kinds: frozenset[str] = frozenset()     # nouns that name attackers with one of `armed_marks` on them
    armed_marks: frozenset[str] = frozenset()
    casualty_verbs: frozenset[str] = frozenset()  # "une attaque a fait vingt morts parmi X"
    victim_cases: frozenset[str] = frozenset()
    object_senses: dict[str, dict[str, TriggerSense]] = field(default_factory=dict)
    occasion_only: frozenset[str] = frozenset()   # TYPE or TYPE.mode a clause dates itself by, not its subject's
    demand_on_holder: frozenset[str] = frozenset()  # TYPE or TYPE.mode of demands to free someone
    release_nouns: frozenset[str] = frozenset()   # noun lemmas, TYPE or TYPE.mode of freeing or reinstating


def _listed(sense: TriggerSense, names: frozenset[str]) -> bool:
    return sense.type in names or f"{sense.type}.{sense.mode}" in names


def parse_security(raw: dict[str, Any]) -> Security:
    return Security(implied_target=_words(raw, "implied_target"), attack_place=_words(raw, "attack_place"),
                    whose_act=_words(raw, "whose_act"), unnamed_sides=_words(raw, "unnamed_sides"),
                    attackers=_words(raw, "attackers"), armed_kinds=_words(raw, "armed_kinds"),
                    armed_marks=_words(raw, "armed_marks"), casualty_verbs=_words(raw, "casualty_verbs"),
                    victim_cases=_words(raw, "victim_cases"), occasion_only=_words(raw, "occasion_only"),
                    demand_on_holder=_words(raw, "demand_on_holder"), release_nouns=_words(raw, "release_nouns"),
                    object_senses={
                        str(verb): {str(kind): TriggerSense(*str(sense).split(".", 1)) for kind, sense in kinds.items()}
                        for verb, kinds in (raw.get("object_senses") or {}).items()})


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
    if not _listed(found.sense, load_security().attack_place):
        return
    if _is_verbal(tok) and _object_by_kind(ctx, tok, load_security()):
        # "a tué une dizaine de jihadistes dans la région de X": those struck are named by kind, X is only where
        if roles.target is not None and roles.target.place is not None:
            roles.location = roles.location or roles.target
            roles.target = None
        return
    if roles.target is not None:
        return
    source = roles.source.id if roles.source is not None else None
    head = found.noun if found.noun is not None else tok
    beside = ctx.lexicon.rules.relational_nouns
    words = _own_phrase(head, beside)
    if head.pos_ == "NOUN" and head.dep_ in ("obj", "nsubj:pass") and _is_verbal(head.head):
        # "a revendiqué l'attaque de mardi contre une école à Bamako": the parser hangs the noun's complements on
        # the verb that claims or announces it
        for sibling in head.head.children:
            if sibling.i > head.i and sibling.dep_ in ("obl", "obl:mod", "obl:arg") and (
                    _case_of(sibling) or "") not in _NOT_WHERE and sibling.lemma_.lower() not in beside:
                words.extend([sibling, *_own_phrase(sibling, beside)])
    for word in words:
        idx = ctx.table.token_entity.get(word.i)
        if idx is None or ctx.table.token_entity.get(word.i - 1) == idx:
            continue
        party = _entity_party(ctx, idx, word.i)
        if party is None or party.place is None or party.id == source:
            continue
        if (_case_of(word) or _case_of(word.head) or "") in _NOT_WHERE:
            continue
        target = _as_target(ctx, party)
        if target.id != source:
            roles.target = target
            if roles.location is None:
                roles.location = party
        return


def _own_phrase(head: Token, beside: frozenset[str] = frozenset()) -> list[Token]:
    """The words of a trigger's phrase after it, not those of another clause hung on it, nor those behind a
    relational noun of `beside` ("combattent aux côtés de X", "en marge de X": X stands beside the act)."""
    out: list[Token] = []
    stack = [c for c in head.children if c.i > head.i and c.dep_ not in _CLAUSES and c.lemma_.lower() not in beside]
    while stack:
        word = stack.pop()
        if word.i - head.i > _REACH:
            continue
        out.append(word)
        stack.extend(c for c in word.children if c.dep_ not in _CLAUSES and c.lemma_.lower() not in beside)
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


def _is_attacker(word: Token, sec: Security) -> bool:
    """'des jihadistes', 'des hommes armés', 'des individus non identifiés': attackers the text names by kind only."""
    lemma = word.lemma_.lower()
    if lemma in sec.attackers or word.lower_ in sec.attackers:
        return True
    if any(c.dep_ == "amod" and (c.lemma_.lower() in sec.attackers or c.lower_ in sec.attackers)
           for c in word.children) and (lemma in sec.armed_kinds or lemma in ("attaque", "attentat", "assaut")):
        return True  # "une attaque jihadiste", "un groupe terroriste"
    return lemma in sec.armed_kinds and any(
        c.dep_ == "amod" and (c.lemma_.lower() in sec.armed_marks or c.lower_ in sec.armed_marks) for c in word.children)


def _attacker_of(ctx: Context, tok: Token, sec: Security) -> bool:
    """Whether the trigger's doer is named by kind only: the subject or the 'par' agent of a verb; the 'par'/'de'
    complement or an adjective ('une attaque jihadiste') of a noun, also through a participle ('une embuscade
    tendue par des jihadistes')."""
    if _is_verbal(tok):
        doers = [c for c in _children(ctx, tok) if c.dep_ in ("nsubj", "obl:agent") or (
            c.dep_ in ("obl", "obl:mod") and _case_of(c) == "par")]
        return any(_is_attacker(d, sec) for d in doers)
    for child in _children(ctx, tok):
        if child.dep_ == "amod" and (child.lemma_.lower() in sec.attackers or child.lower_ in sec.attackers):
            return True
        if child.dep_ == "nmod" and _case_of(child) in ("par", "de", "des", "du", "d'") and _is_attacker(child, sec):
            return True
        if child.dep_ == "acl" and any(g.dep_ in ("obl:agent", "obl", "nmod") and _case_of(g) == "par"
                                       and _is_attacker(g, sec) for g in _children(ctx, child)):
            return True
    return False


def _victims(ctx: Context, tok: Token, sec: Security, roles: _Roles) -> None:
    """'Une embuscade a fait vingt morts parmi les soldats burkinabè': the casualties' side is the target."""
    if tok.pos_ != "NOUN" or tok.dep_ != "nsubj" or tok.head.lemma_.lower() not in sec.casualty_verbs:
        return
    for child in _children(ctx, tok.head):
        if child.dep_ in ("obl", "obl:mod", "obl:arg") and _case_of(child) in sec.victim_cases:
            party = resolve(ctx, child, 1)
            if party is not None and (roles.source is None or party.id != roles.source.id):
                roles.target = _as_target(ctx, party) if party.place is not None else party
                return


def unnamed_sides(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> bool:
    """Attacks whose other side the text names by kind only are events all the same: 'des hommes armés ont attaqué
    un poste de l'armée malienne' (attacker unnamed, target Mali), 'X a été attaqué' (a passive without agent),
    'l'armée a tué une dizaine de jihadistes' (target unnamed). True when the event is to be coded so."""
    sec = load_security()
    if not _listed(found.sense, sec.unnamed_sides):
        return False
    if roles.target is None:
        _victims(ctx, tok, sec, roles)
    if roles.source is None and roles.target is not None:
        passive = _is_verbal(tok) and _is_passive(tok) and not any(
            c.dep_ == "obl:agent" or _case_of(c) == "par" for c in _children(ctx, tok))
        return passive or _attacker_of(ctx, tok, sec)
    if roles.source is not None and roles.target is None and _is_verbal(tok):
        return _object_by_kind(ctx, tok, sec)
    return False


def _object_by_kind(ctx: Context, tok: Token, sec: Security) -> bool:
    """'a tué une dizaine de jihadistes': the object, or the people its quantity counts, are fighters by kind."""
    obj = next((c for c in _children(ctx, tok) if c.dep_ in ("obj", "nsubj:pass")), None)
    if obj is None:
        return False
    words = [obj, *(c for c in _children(ctx, obj) if c.dep_ == "nmod" and _case_of(c) in ("de", "d'"))]
    return any(_is_attacker(w, sec) for w in words)


def _dates_agree(a: Event, b: Event) -> bool:
    if a.date is None or b.date is None:
        return True
    n = min(len(a.date.value), len(b.date.value))
    return a.date.value[:n] == b.date.value[:n]


def absorb_unnamed(ctx: Context, events: list[Event]) -> list[Event]:
    """'L'EI a revendiqué l'attaque contre X ... 40 personnes ont été tuées dans l'attentat du Crocus': an attack told
    again with a side unnamed is the attack the article names the sides of, not another one. Dropped when an attack
    of the same article, at an agreeing date, has both sides and shares the one this telling names (a target that is
    a mere place, not a state, is shared by any)."""
    types = load_security().unnamed_sides
    states = _geo_of(ctx).countries
    named = [e for e in events if e.source is not None and e.target is not None and e.type in types]
    if not named:
        return events
    kept: list[Event] = []
    for event in events:
        if event.type in types and (event.source is None) != (event.target is None) and any(
                n.type == event.type and _shares_side(n, event, states) and _dates_agree(n, event) for n in named):
            continue
        kept.append(event)
    return kept


def _shares_side(named: Event, event: Event, states: frozenset[str]) -> bool:
    if event.source is None:
        return named.target is not None and event.target is not None and (
            named.target.id == event.target.id or event.target.id not in states)
    return named.source is not None and named.source.id == event.source.id


def object_sense(ctx: Context, tok: Token) -> TriggerSense | None:
    """'X a renversé Y' with a person as object is a coup, 'la Cedeao a suspendu le Niger' with a state is a
    suspension, 'le Niger a quitté la Cedeao' with an organisation a withdrawal: verbs whose sense is the kind of
    party their object names (`object_senses`: verb lemma -> party kind -> TYPE.mode)."""
    kinds = load_security().object_senses.get(tok.lemma_.lower())
    if not kinds or "Inf" in tok.morph.get("VerbForm", []):
        return None  # "l'opposition espère renverser X": a wish, not the act
    for child in _children(ctx, tok):
        if child.dep_ != "obj" or child.pos_ == "PRON":
            continue
        party = resolve(ctx, child, 0)  # the object itself ("le président X"), not a complement of it
        if party is not None and party.kind in kinds:
            return kinds[party.kind]
    return None


_BEFORE_AFTER = frozenset({"après", "avant", "depuis", "dès", "suite"})


def occasion_only(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'L'Union africaine a suspendu le Gabon après le coup d'État': an act the clause dates itself by ('après',
    'avant', 'depuis', 'à la suite de') is not one the clause's subject did; the subject stays out of it."""
    if tok.pos_ != "NOUN" or roles.source is None or not _listed(found.sense, load_security().occasion_only):
        return
    case = _case_of(tok)
    if case not in _BEFORE_AFTER and not (tok.head.lemma_.lower() == "suite" and _case_of(tok.head) == "à"):
        return
    if roles.source.token in {t.i for t in tok.subtree}:
        return  # its own party: "après l'attaque du JNIM"
    roles.source = None


def demand_on_holder(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'La Cedeao exige la libération de Mohamed Bazoum': a demand to free or reinstate someone is made to whoever
    holds them, the country the article is about (other than the demanding side's), not to the person freed."""
    sec = load_security()
    if not _listed(found.sense, sec.demand_on_holder) or roles.source is None or not _is_verbal(tok):
        return
    obj = next((c for c in _children(ctx, tok) if c.dep_ == "obj" and c.pos_ == "NOUN"), None)
    if obj is None:
        return
    sense = ctx.lexicon.nouns.get(obj.lemma_.lower())
    if obj.lemma_.lower() not in sec.release_nouns and not (sense is not None and _listed(sense, sec.release_nouns)):
        return
    of = next((c for c in _children(ctx, obj) if c.dep_ == "nmod" and _case_of(c) in ("de", "du", "des", "d'")), None)
    freed = resolve(ctx, of, 1) if of is not None else None
    if freed is None or (roles.target is not None and roles.target.id != freed.id):
        return
    exclude = {roles.source.id}
    own = _geo_of(ctx).by_code.get(roles.source.country or "")
    if own is not None:
        exclude.add(own)
    holder = main_country(ctx, tok.i, frozenset(exclude))
    if holder is not None:
        roles.target = holder
