"""Conventions of the event families outside diplomacy: protests, arrests, sentences, coups, condemnations.

Read from the `_families` block of data/lexicon.yaml. Each function is one convention of French news
copy, applied by `stage` around the generic steps: a word inside a name is not a trigger ("Rassemblement
national"), a civil "mobilisation" is a protest, the "de X" of an arrest noun is who is arrested, a
condemnation may name no one else, and one protest or arrest told several times is one event.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

import yaml
from spacy.tokens import Span, Token

from contracts.models import Actor, Event, EventDate
from service.events.context import Context, _Found, _Party, _Roles
from service.events.parties import _as_target, _party_of_token, _previous, resolve
from service.events.syntax import _case_of, _children, _is_time_word, _is_verbal
from service.gazetteer import fold
from service.lexicon import DATA, TriggerSense

_OF = frozenset({"de", "du", "des", "d'"})
_AGAINST = ("contre", "sur", "à", "au", "aux", "en")
_PLACE_CASES = frozenset({"à", "au", "aux", "en", "dans"})
_DEMONSTRATIVE = frozenset({"ce", "cet", "cette", "ces"})


@dataclass(frozen=True)
class Families:
    patient_nouns: frozenset[str] = frozenset()   # TYPE, TYPE.mode or noun lemma
    source_alone: frozenset[str] = frozenset()    # TYPE or TYPE.mode
    target_alone: frozenset[str] = frozenset()    # TYPE or TYPE.mode
    named_only: frozenset[str] = frozenset()      # TYPE.mode of an actorless type that needs a named party
    unnamed: frozenset[str] = frozenset()         # TYPE.mode coded with no party named
    protest_organisers: frozenset[str] = frozenset()  # verb lemmas
    protest_faced: frozenset[str] = frozenset()   # verb lemmas (and "face" of "faire face")
    state_acts: frozenset[str] = frozenset()      # TYPE.mode
    answer_types: frozenset[str] = frozenset()    # TYPE or TYPE.mode
    merge_unnamed: frozenset[str] = frozenset()   # TYPE
    merge_any_mode: frozenset[str] = frozenset()  # TYPE whose modes are one event's ("une grève pour protester")
    civil_from: frozenset[str] = frozenset()      # TYPE.mode
    civil_to: TriggerSense | None = None
    civil_words: frozenset[str] = frozenset()
    military_words: frozenset[str] = frozenset()
    force_types: frozenset[str] = frozenset()     # TYPE or TYPE.mode
    force_nouns: frozenset[str] = frozenset()     # noun lemmas ("police", "policier", "soldat")
    force_qualified: dict[str, frozenset[str]] = field(default_factory=dict)  # "force" + "ordre"
    vote_from: frozenset[str] = frozenset()       # TYPE.mode a parliament's vote turns into vote_to
    vote_to: TriggerSense | None = None
    vote_words: frozenset[str] = frozenset()      # lemmas that say the act is a parliament's
    censure_words: frozenset[str] = frozenset()   # trigger lemmas whose target is the government named nearby
    government_words: frozenset[str] = frozenset()
    member_words: frozenset[str] = frozenset()    # "les députés": the chamber the article names
    chamber_words: frozenset[str] = frozenset()   # first word of a chamber's name (folded)


def _words(raw: dict[str, Any], key: str) -> frozenset[str]:
    return frozenset(str(w) for w in raw.get(key) or ())  # types upper case, lemmas lower case, as written


def parse_families(raw: dict[str, Any]) -> Families:
    civil = raw.get("civil_mobilization") or {}
    to = str(civil.get("to") or "")
    forces = raw.get("unnamed_forces") or {}
    vote = raw.get("parliament_vote") or {}
    vote_to = str(vote.get("to") or "")
    return Families(
        patient_nouns=_words(raw, "patient_nouns"),
        source_alone=_words(raw, "source_alone"),
        target_alone=_words(raw, "target_alone"),
        named_only=_words(raw, "named_only"),
        unnamed=_words(raw, "unnamed"),
        protest_organisers=_words(raw, "protest_organisers"),
        protest_faced=_words(raw, "protest_faced"),
        state_acts=_words(raw, "state_acts"),
        answer_types=_words(raw, "answer_types"),
        merge_unnamed=_words(raw, "merge_unnamed"),
        merge_any_mode=_words(raw, "merge_any_mode"),
        civil_from=_words(civil, "from"),
        civil_to=TriggerSense(*to.split(".", 1)) if "." in to else None,
        civil_words=_words(civil, "words"),
        military_words=_words(civil, "unless"),
        force_types=_words(forces, "types"),
        force_nouns=_words(forces, "nouns"),
        force_qualified={str(k): frozenset(str(w) for w in v) for k, v in (forces.get("qualified") or {}).items()},
        vote_from=_words(vote, "from"),
        vote_to=TriggerSense(*vote_to.split(".", 1)) if "." in vote_to else None,
        vote_words=_words(vote, "words"),
        censure_words=_words(vote, "censure"),
        government_words=_words(vote, "government"),
        member_words=_words(vote, "members"),
        chamber_words=_words(vote, "chambers"),
    )


@lru_cache(maxsize=1)
def load_families() -> Families:
    raw: dict[str, Any] = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    return parse_families(raw.get("_families") or {})


def _listed(sense: TriggerSense, names: frozenset[str]) -> bool:
    return sense.type in names or f"{sense.type}.{sense.mode}" in names


def in_name(ctx: Context, tok: Token) -> bool:
    """'Rassemblement national', 'Front de libération': a capitalised word of a multi-word name is no trigger."""
    idx = ctx.table.token_entity.get(tok.i)
    if idx is None or not tok.text[:1].isupper():
        return False
    table = ctx.table.token_entity
    return table.get(tok.i - 1) == idx or table.get(tok.i + 1) == idx


def civil(ctx: Context, found: _Found, sent: Span) -> _Found:
    """'la mobilisation des agriculteurs contre la réforme' is a protest; 'la mobilisation des réservistes' is not."""
    fam = load_families()
    if fam.civil_to is None or f"{found.sense.type}.{found.sense.mode}" not in fam.civil_from:
        return found
    lemmas = {t.lemma_.lower() for t in sent}
    if lemmas & fam.military_words or not lemmas & fam.civil_words:
        return found
    return replace(found, sense=fam.civil_to)


def patient_roles(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'l'arrestation de X par la police': X undergoes the act (target), the police does it (source)."""
    fam = load_families()
    if tok.pos_ != "NOUN" or found.noun is not None or not (
            _listed(found.sense, fam.patient_nouns) or tok.lemma_.lower() in fam.patient_nouns):
        return
    of = _of_complement(ctx, tok)
    if of is None:
        return
    of_tokens = {t.i for t in of.subtree}
    swapped = roles.source is not None and roles.source.token in of_tokens
    if not swapped and roles.target is not None:
        return
    # "la mise à l'écart du chef de la junte X": deeper than the generic step looks
    deep = resolve(ctx, of, 3)  # "du patron de Telegram, Pavel Durov": the person, not the company
    if deep is None:
        # "l'arrestation de l'opposant Jean Moreau": the parser may hang the name on the event noun itself
        named = (resolve(ctx, c, 1) for c in _children(ctx, tok) if c.dep_ == "appos" and c.i > of.i)
        deep = next((p for p in named if p is not None and p.kind == "PER"), None)
    if deep is None or deep.kind != "PER":
        deep = _apposed_person(ctx, of) or deep
    patient: _Party | None = deep if deep is not None and (not swapped or deep.kind == "PER") else roles.source
    if patient is None or patient.kind == "LOC":
        return
    if swapped:
        other = roles.target  # the generic step's target: the doer, unless it is only where it happened
        roles.source = other if other is not None and other.place is None and other.id != patient.id else None
    agent = next((c for c in _children(ctx, tok) if _case_of(c) == "par"), None)
    doer = resolve(ctx, agent) if agent is not None else None
    if doer is not None and doer.id != patient.id:
        roles.source = doer
    if roles.source is not None and roles.source.id == patient.id:
        roles.source = None
    roles.target = patient


def _apposed_person(ctx: Context, of: Token) -> _Party | None:
    """'l'arrestation du patron de Telegram, Pavel Durov': the person named between commas right after the
    patient's phrase, wherever the parser hung the name."""
    doc = of.doc
    comma = of.right_edge.i if of.right_edge.text == "," else of.right_edge.i + 1  # the comma may be in the phrase
    if comma + 1 >= min(len(doc), of.sent.end) or doc[comma].text != ",":
        return None
    party = _party_of_token(ctx, doc[comma + 1])
    return party if party is not None and party.kind == "PER" else None


def family_roles(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """The family conventions on who did it to whom, after the generic step."""
    patient_roles(ctx, tok, found, roles)
    threat_target(ctx, tok, found, roles)
    protest_source(ctx, tok, found, roles)
    struck_place(ctx, tok, found, roles)
    arrest_place(ctx, found, roles)
    answered_party(ctx, tok, found, roles)


def answered_party(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'X a qualifié les résultats d'irréversibles. Y a contesté cette déclaration': a rejection or accusation of
    'cette déclaration', 'ces accusations' answers the party named in the sentence before."""
    fam = load_families()
    if not _listed(found.sense, fam.answer_types) or roles.source is None or roles.target is not None:
        return
    obj = next((c for c in _children(ctx, tok) if c.dep_ == "obj"), None) if _is_verbal(tok) else None
    if obj is None or not any(c.dep_ == "det" and c.lower_ in _DEMONSTRATIVE for c in obj.children):
        return
    sent = tok.sent
    if sent.start == 0:
        return
    before = ctx.doc[sent.start - 1].sent.start
    for party in _previous(ctx, sent.start, ("PER", "ORG", "GOV"), 3):
        if party.token < before:
            return
        if party.id != roles.source.id:
            roles.target = party
            return


def protest_source(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'X a qualifié les résultats d'irréversibles, malgré les protestations de l'opposition': the subject of
    the clause a protest noun sits in is not the protesters, unless it organises, calls or joins the protest."""
    if found.sense.type != "PROTEST" or roles.source is None:
        return
    if tok.pos_ != "NOUN":
        if tok.dep_ not in ("acl", "advcl"):
            return
        noun = tok.head  # "une grève (d'une journée) pour protester contre X": the strikers protest
        if noun.dep_ == "nmod" and noun.lemma_.lower() not in ctx.lexicon.nouns:
            noun = noun.head
        noun_sense = ctx.lexicon.nouns.get(noun.lemma_.lower())
        if noun.pos_ != "NOUN" or noun_sense is None or noun_sense.type != "PROTEST":
            return
        tok = noun
    if roles.source.token in {t.i for t in tok.subtree}:
        return  # its own party: "la mobilisation des agriculteurs", "les protestations de l'opposition"
    head = tok.head
    while head.pos_ in ("ADP", "ADV") and head.head.i != head.i:
        head = head.head
    fam = load_families()
    faced = head.lemma_.lower() in fam.protest_faced or (
        head.lemma_.lower() == "faire" and head.i + 1 < len(head.doc) and head.doc[head.i + 1].lower_ == "face")
    if faced and (roles.target is None or roles.target.place is not None):
        roles.target = roles.source  # "X a été confronté à une grève", "X fait face à des manifestations"
    if head.lemma_.lower() not in fam.protest_organisers:
        roles.source = None


def struck_place(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'une frappe ciblant des infrastructures situées au Pakistan': where the target lies names who is hit."""
    if found.sense.type != "ASSAULT" or roles.target is not None or not _is_verbal(tok):
        return
    # "ciblant des infrastructures": the parser may file a partitive object as "obl:arg" with "des" as its case
    obj = next((c for c in _children(ctx, tok) if c.dep_ in ("obj", "nsubj:pass") or (
        c.dep_ == "obl:arg" and _case_of(c) in ("des", "de", "du", "d'"))), None)
    if obj is None:
        return
    for word in obj.subtree:
        if word.i - obj.i > 12:
            break
        party = _party_of_token(ctx, word)
        if party is not None and party.kind in ("GOV", "LOC") and _case_of(word) in _PLACE_CASES and (
                roles.source is None or party.id != roles.source.id):
            target = _as_target(ctx, party)  # a sea or a region of no country hits no one
            if target.kind == "GOV" and (roles.source is None or target.id != roles.source.id):
                roles.target = target
            return


_DRILLS = frozenset({"exercice", "manœuvre"})
_PARTNER_CASES = (None, "avec", "entre")


def lone_drill(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> _Found:
    """'La Chine a mené des exercices militaires autour de Taïwan': a drill without a partner is a show of force
    (PLOVER MOBILIZE), not military cooperation; a place it is held near or around is not a partner."""
    if (found.sense.type, found.sense.mode) != ("COOPERATE", "military") or roles.source is None:
        return found
    noun = found.noun if found.noun is not None else tok
    if noun.lemma_.lower() not in _DRILLS:
        return found
    if roles.target is not None and _case_of(ctx.doc[roles.target.token]) in _PARTNER_CASES:
        return found
    roles.target = None
    return replace(found, sense=TriggerSense("MOBILIZE", "exercise"))


_LAUNCHES = frozenset({"tirer", "tir", "lancer", "lancement"})
# What is fired at people, not launched into a sea: "ont tiré à balles réelles sur la foule à Mombasa" (H-pol)
_SHOTS = frozenset({"balle", "foule", "manifestant", "civil", "protestataire"})


def sea_launch(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> _Found:
    """'a tiré deux missiles balistiques en mer du Japon': missiles fired into a sea or a place of no state hit
    no one; it is a weapons test (PLOVER MOBILIZE), not a strike."""
    if found.sense.type != "ASSAULT" or tok.lemma_.lower() not in _LAUNCHES or (
            found.noun is not None and found.noun.lemma_.lower() in _SHOTS):
        return found
    place = roles.target
    if place is None and roles.source is not None:
        # "a tiré deux missiles qui se sont abattus en mer du Japon": where the missiles fell, in their phrase
        obj = next((c for c in _children(ctx, tok) if c.dep_ == "obj"), None)
        words = [w for w in obj.subtree if w.i - obj.i <= 12] if obj is not None else []
        place = next((p for p in (_party_of_token(ctx, w) for w in words) if p is not None), None)
    if place is None or place.kind != "LOC" or _as_target(ctx, place).kind != "LOC":
        return found
    roles.target = None
    return replace(found, sense=TriggerSense("MOBILIZE", "weapons_test"))


def arrest_place(ctx: Context, found: _Found, roles: _Roles) -> None:
    """'X a été arrêté en France': an arrest or a sentence is the act of the state where it happens."""
    if f"{found.sense.type}.{found.sense.mode}" not in load_families().state_acts or roles.source is not None:
        return
    place = roles.location
    if place is None or place.place is None:
        return
    state = _as_target(ctx, place)
    if state.kind == "GOV" and (roles.target is None or state.id != roles.target.id):
        roles.source = state


def threat_target(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'se réserve le droit de riposter contre X', 'des interdictions de voyager à des dirigeants de X': the
    complement of the act a threat or a measure names is its target."""
    if found.sense.type not in ("THREATEN", "SANCTION") or roles.target is not None:
        return
    base = found.noun if found.noun is not None else (tok if tok.pos_ == "NOUN" else None)
    if base is None:
        return
    for act in (c for c in _children(ctx, base) if c.dep_ in ("acl", "nmod")):
        for child in _children(ctx, act):
            if child.dep_ in ("obj", "obl:arg", "obl", "obl:mod", "nmod") and _case_of(child) in (None, *_AGAINST):
                party = resolve(ctx, child, 2)
                if party is not None and party.kind != "LOC" and (roles.source is None or party.id != roles.source.id):
                    roles.target = party
                    return


def _of_complement(ctx: Context, tok: Token) -> Token | None:
    """The 'de X' of an event noun, also behind a multi-word noun ('la mise à l'écart de X')."""
    inner = [tok, *(c for c in _children(ctx, tok) if c.dep_ == "nmod" and _case_of(c) in ("à", "en"))]
    for word in inner:
        of = next((c for c in _children(ctx, word) if c.dep_ == "nmod" and _case_of(c) in _OF), None)
        if of is not None:
            return of
    return None


_POSSESSIVE = frozenset({"nos", "notre", "leurs", "leur", "ses", "sa", "son", "vos", "votre"})
_NOUN_PATH = frozenset({"obj", "nmod", "obl", "obl:arg", "obl:mod"})


def _is_force(ctx: Context, word: Token | None) -> bool:
    """'la police', 'des policiers', 'les forces de l'ordre': security forces named by their kind only
    ('nos soldats', 'des soldats russes', 'la police de Paris' name their side)."""
    if word is None or word.pos_ not in ("NOUN", "PROPN") or word.i in ctx.table.token_entity:
        return False
    fam = load_families()
    lemma = word.lemma_.lower()
    qualifiers = fam.force_qualified.get(lemma)
    if not (lemma in fam.force_nouns or word.lower_ in fam.force_nouns or (
            qualifiers is not None and any(c.lemma_.lower() in qualifiers for c in _children(ctx, word)))):
        return False
    return not any(c.dep_ == "det" and c.lower_ in _POSSESSIVE for c in word.children) and (
        resolve(ctx, word, 1) is None)


def _doers(ctx: Context, word: Token, verbal: bool) -> list[Token]:
    """A word's dependents, and for a verb those the parser hung on its date ('dispersés mercredi par des
    gendarmes')."""
    children = _children(ctx, word)
    if not verbal:
        return children
    return [*children, *(g for c in children if _is_time_word(c) for g in _children(ctx, c) if g.dep_ == "obl:agent")]


def unnamed_force(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> bool:
    """'Les forces de l'ordre ont fait usage de gaz lacrymogènes', 'les policiers ont tiré à balles réelles sur la
    foule': crowd control, arrests and shootings by police or soldiers the text names by their kind only are
    events with no party named (the corpus codes them with a null source). A bare noun ('des tirs de gaz
    lacrymogène', 'la répression') counts only as a coercion and only as its verb's object or complement."""
    fam = load_families()
    if roles.source is not None or not _listed(found.sense, fam.force_types):
        return False
    verbal = _is_verbal(tok)
    if not verbal and found.sense.type != "COERCE":
        return False  # "des affrontements avec les forces de l'ordre", "compétences de combat": not coded alone
    word = tok
    for hop in range(4):
        for child in _doers(ctx, word, verbal):
            if child.dep_ in ("nsubj", "obl:agent") or (
                    hop == 0 and not verbal and child.dep_ in ("nmod", "obl", "obl:mod")
                    and _case_of(child) in ("par", *_OF)):
                if _is_force(ctx, child):
                    if roles.target is not None and roles.target.place is not None:
                        roles.location = roles.location or roles.target  # "sur la foule à Mombasa": where
                        roles.target = None
                    return True
                if child.dep_ in ("nsubj", "obl:agent"):
                    return False
        if word.head.i == word.i or word.dep_ in ("ccomp", "parataxis", "acl:relcl", "acl"):
            return False
        if not verbal and (word.dep_ not in _NOUN_PATH or hop >= 2):
            return False
        word = word.head
        if not verbal and _is_verbal(word):
            verbal = True  # from the noun's verb on, look for that verb's subject like a verb trigger's
    return False


def parliament_vote(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> _Found:
    """'Les députés ont renversé le gouvernement de X', 'l'Assemblée a adopté une motion de censure': a parliament
    bringing a government down rejects it (PLOVER REJECT), it does not seize power; the censure's target is the
    government named in its sentence or the one before, and 'les députés' stand for the chamber the article
    names."""
    fam = load_families()
    key = f"{found.sense.type}.{found.sense.mode}"
    sent = tok.sent
    if key in fam.vote_from and fam.vote_to is not None:
        if not {t.lemma_.lower() for t in sent} & fam.vote_words:
            return found
        found = replace(found, sense=fam.vote_to)
    elif not (tok.lemma_.lower() in fam.censure_words or (
            found.noun is not None and found.noun.lemma_.lower() in fam.censure_words)):
        return found
    if roles.target is None:
        roles.target = _government_near(ctx, sent, roles.source)
    if roles.source is None:
        roles.source = _chamber_of(ctx, tok)
    return found


def _government_near(ctx: Context, sent: Span, source: _Party | None) -> _Party | None:
    """'Le gouvernement de X est tombé : les députés ont adopté une motion de censure': the government named in the
    censure's sentence, else in the sentence before."""
    fam = load_families()
    spans = [sent]
    if sent.start > 0:
        spans.append(ctx.doc[sent.start - 1].sent)
    for span in spans:
        for word in span:
            if word.lemma_.lower() in fam.government_words and word.pos_ == "NOUN":
                party = resolve(ctx, word, 2)
                if party is not None and party.kind in ("PER", "GOV") and (source is None or party.id != source.id):
                    return party
    return None


def _chamber_of(ctx: Context, tok: Token) -> _Party | None:
    """'les députés ont voté la censure': the members of a chamber stand for the chamber the article names."""
    fam = load_families()
    verb = tok if _is_verbal(tok) else tok.head
    subj = next((c for c in _children(ctx, verb) if c.dep_ in ("nsubj", "obl:agent")), None)
    if subj is None or subj.lemma_.lower() not in fam.member_words:
        return None
    for i, idx in ctx.starts:
        entity = ctx.table.entities[idx]
        if entity.label == "ORG" and fold(entity.name).split(" ", 1)[0] in fam.chamber_words:
            return _party_of_token(ctx, ctx.doc[i])
    return None


def complete(sense: TriggerSense, roles: _Roles, generic: bool) -> bool:
    """The generic completeness test, widened for condemnations (their author alone suffices) and for
    sentences and coups (who is sentenced or ousted suffices), narrowed for coups with no one named
    ('une tentative de coup d'État' is background, not an event)."""
    fam = load_families()
    if _listed(sense, fam.named_only) and roles.source is None and roles.target is None:
        return False
    if generic:
        return True
    if roles.source is not None and roles.target is None:
        return _listed(sense, fam.source_alone)
    if roles.source is None and roles.target is not None:
        return _listed(sense, fam.target_alone)
    return roles.source is None and roles.target is None and _listed(sense, fam.unnamed)


def _date_ok(a: EventDate | None, b: EventDate | None) -> bool:
    if a is None or b is None:
        return True
    n = min(len(a.value), len(b.value))
    return a.value[:n] == b.value[:n]


def _side_ok(a: Actor | None, b: Actor | None) -> bool:
    return a is None or b is None or a.id == b.id


def _same_unnamed(kept: Event, event: Event) -> bool:
    # two kinds of act (an arrest, a ban) are one event only when neither names anyone: "la police a interpellé 40
    # personnes" and "des gaz lacrymogènes ont été tirés", not "X a été interpellé" and "le Mali suspend LCI"
    modes_ok = kept.mode == event.mode or kept.type in load_families().merge_any_mode or not (
        kept.source or kept.target or event.source or event.target)
    return (kept.type == event.type and modes_ok and _side_ok(kept.source, event.source)
            and _side_ok(kept.target, event.target) and _side_ok(kept.location, event.location)
            and _date_ok(kept.date, event.date))


def _joined(kept: Event, event: Event) -> Event:
    """One report of the event, with what the other report knows besides (a named party, a place, a finer date)."""
    update: dict[str, Any] = {}
    other: dict[str, Actor | None] = {"source": kept.target, "target": kept.source, "location": None}
    for side in ("source", "target", "location"):
        new = getattr(event, side)
        facing = other[side]
        if getattr(kept, side) is None and new is not None and (facing is None or facing.id != new.id):
            update[side] = new  # never the party already on the other side ("X a été interpellé puis placé...")
    if kept.date is None or (event.date is not None and len(event.date.value) > len(kept.date.value)):
        update["date"] = event.date if event.date is not None else kept.date
    return kept.model_copy(update=update) if update else kept


def _same_custody(kept: Event, event: Event) -> bool:
    """'l'arrestation de X, dont la garde à vue a été prolongée', 'X a été interpellé puis placé en garde à vue':
    one sentence telling how one person was taken and held is one arrest, whatever date each clause picks up."""
    return (kept.type == event.type and kept.mode == event.mode == "arrest" and kept.target is not None
            and event.target is not None and kept.target.id == event.target.id and kept.sentence == event.sentence
            and _side_ok(kept.source, event.source))


def merge_unnamed(events: list[Event]) -> list[Event]:
    """Repeated mentions of one protest or one arrest (crowds and police unnamed) are one event."""
    types = load_families().merge_unnamed
    kept: list[Event] = []
    for event in events:  # in text order: the first report is the one the article leads with
        twin = next((i for i, k in enumerate(kept) if k.type in types and (
            _same_unnamed(k, event) or _same_custody(k, event))), None)
        if twin is None:
            kept.append(event)
        else:
            kept[twin] = _joined(kept[twin], event)
    return kept
