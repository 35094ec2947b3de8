"""Events stage: PLOVER events with actors, place, date, attribution and modality.

Pure: a parsed Doc, the article's entities and its publication date in, events
out. Triggers come from the lexicon (verbs, pronominal verbs, nouns, compound
nouns, verb+noun phrases); actors from the dependency parse, resolved to the
article's canonical entities, with capitals and seats of power standing for
their governments. The parse of news French is often wrong in places, so each
step has a narrower fallback rather than giving up.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from contracts.models import Actor, Entity, Event, EventDate, Mention
from service.dates import TimeExpression, find_time_expressions
from service.entities import EntityTable
from service.gazetteer import Gazetteer, fold
from service.lexicon import Cues, Lexicon, TriggerSense

SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
_SUBJ = ("nsubj", "nsubj:pass", "expl:subj")
# Dependents that open another clause: an actor is never looked for through them.
_CLAUSAL = frozenset({"acl:relcl", "ccomp", "advcl", "parataxis", "xcomp", "conj", "cc", "punct", "acl",
                      "csubj", "dep", "discourse", "vocative", "reparandum", "dislocated"})
_OBLIQUE = ("obl", "obl:arg", "obl:mod", "nmod", "iobj")
_PHRASE_DEPS = ("obj", "obl:arg", "obl:mod", "obl", "xcomp", "nsubj:pass", "iobj", "dep", "nmod")
_TARGET_CASES = frozenset({"avec", "à", "au", "aux", "contre", "auprès", "envers", "vers", "entre", "pour", "sur",
                           "chez", "de", "du", "des", "d'"})
_RECIPIENT_CASES = frozenset({"à", "au", "aux", "avec", "contre", "auprès", "envers", "vers", "entre", "chez"})
_PLACE_CASES = frozenset({"à", "au", "aux", "en", "dans", "sur", "près", "vers"})
_OF_CASES = frozenset({"de", "du", "des", "d'"})
# A place after these is the receiving side even for types that otherwise take places as settings.
_ONLY_RECIPIENT = frozenset({"pour", "contre", "avec", "envers", "vers"})
# Phrases behind these name a reporter or a reason, never a party to the event.
_NOT_WITHIN = frozenset({"selon", "par", "sauf", "malgré", "comme", "après", "d'après", "citant"})
# A phrase's own party hangs on it bare or behind these ("le parti au pouvoir en Russie", "l'armée de X");
# "avec", "contre", "à"... introduce the other side of the event.
_WITHIN = frozenset({"de", "du", "des", "d'", "en", "au"})
_TIME_WORDS = frozenset({"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier",
                         "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                         "octobre", "novembre", "décembre", "mi-janvier", "mi-février", "mi-mars", "mi-avril",
                         "mi-mai", "mi-juin", "mi-juillet", "mi-août", "mi-septembre", "mi-octobre",
                         "mi-novembre", "mi-décembre", "matin", "soir", "début", "fin", "an", "année", "semaine",
                         "mois", "jour", "nuit", "veille", "lendemain"})
_REFLEXIVE = frozenset({"se", "s'", "me", "m'", "te", "t'", "nous", "vous"})
_CLITIC_DEPS = frozenset({"expl:comp", "expl:pv", "expl", "obj", "iobj", "expl:pass", "dep"})
_PERSON_PRONOUNS = frozenset({"il", "elle", "celui-ci", "celle-ci", "lui", "lui-même", "elle-même"})
_FIRST_PERSON = frozenset({"nous", "je", "j'", "on"})
_RELATIVE = frozenset({"qui", "lequel", "laquelle", "lesquels", "lesquelles"})
_TRIGGER_POS = frozenset({"VERB", "NOUN", "ADJ"})
_RANK = {"PER": 0, "ORG": 1, "GOV": 2, "LOC": 3}
_LABEL_RANK = {"PER": 0.0, "ORG": 0.6, "GOV": 0.5, "LOC": 1.2}
# "plus", "rien", "personne" negate only with "ne"; these negate on their own.
_STRONG_NEGATION = frozenset({"ne", "n'", "jamais", "aucun", "aucune", "nul", "nulle", "nullement", "aucunement"})
_DEFINITE = frozenset({"le", "la", "les", "l'", "ce", "cet", "cette", "ces", "leur", "leurs"})
_ENDS = frozenset({".", "!", "?", "…", "»", '"'})


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
    doc: Doc
    text: str
    table: EntityTable
    gaz: Gazetteer
    lexicon: Lexicon
    cues: Cues
    published: date | None


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


# ---- places and governments ----------------------------------------------------------------------

@dataclass(frozen=True)
class _Geo:
    countries: frozenset[str]
    by_code: dict[str, str]


_GEO: dict[int, tuple[Gazetteer, _Geo]] = {}


def _geo(gaz: Gazetteer) -> _Geo:
    """Which gazetteer places are countries, and the country entry for each ISO code (cached per gazetteer)."""
    cached = _GEO.get(id(gaz))
    if cached is not None and cached[0] is gaz:
        return cached[1]
    countries = set(gaz.demonyms.values())
    countries.update(e.stands_for for e in gaz.entries.values() if e.stands_for)
    countries = {c for c in countries if c in gaz.entries and gaz.entries[c].label == "LOC"}
    by_code: dict[str, str] = {}
    for cid in sorted(countries):
        code = gaz.entries[cid].country
        if code and code not in by_code:
            by_code[code] = cid
    geo = _Geo(frozenset(countries), by_code)
    _GEO[id(gaz)] = (gaz, geo)
    return geo


def _geo_of(ctx: Context) -> _Geo:
    return _geo(ctx.gaz)


def _entity_party(ctx: Context, idx: int, token: int) -> _Party | None:
    key = (idx, token)
    if key not in _STATE.parties:
        _STATE.parties[key] = _make_entity_party(ctx, idx, token)
    return _STATE.parties[key]


def _make_entity_party(ctx: Context, idx: int, token: int) -> _Party | None:
    entity: Entity = ctx.table.entities[idx]
    if entity.label not in ("PER", "ORG", "LOC"):
        return None  # a treaty, an operation, a weapon: never an actor
    own = Actor(id=entity.id, name=entity.name)
    government = ctx.gaz.government_of(entity.id)
    if government is not None:
        return _Party(Actor(id=government.id, name=government.name), entity.name, "GOV", token,
                      government.country, own)
    if entity.label == "LOC":
        kind = "GOV" if entity.id in _geo_of(ctx).countries else "LOC"
        return _Party(own, entity.name, kind, token, entity.country, own)
    return _Party(own, entity.name, entity.label, token, entity.country)


@lru_cache(maxsize=8192)
def _folded(word: str) -> str:
    return fold(word)


def _demonym_party(ctx: Context, tok: Token) -> _Party | None:
    if tok.pos_ not in ("ADJ", "VERB", "NOUN", "PROPN"):
        return None
    country_id = ctx.gaz.demonyms.get(_folded(tok.lower_))
    if country_id is None or (tok.pos_ in ("NOUN", "PROPN") and tok.dep_ not in ("amod", "conj")):
        return None  # "les Russes" as a people is not a state actor
    if tok.dep_ == "amod" and tok.head.lemma_.lower() in ctx.lexicon.rules.abstract_nouns:
        return None  # "l'impérialisme américain" is an idea, not the United States
    entry = ctx.gaz.entries[country_id]
    return _Party(Actor(id=entry.id, name=entry.name), entry.name, "GOV", tok.i, entry.country)


def _party_of_token(ctx: Context, tok: Token) -> _Party | None:
    idx = ctx.table.token_entity.get(tok.i)
    if idx is not None:
        return _entity_party(ctx, idx, tok.i)
    return _demonym_party(ctx, tok)


def _as_target(ctx: Context, party: _Party) -> _Party:
    """A place as the receiving side stands for its country ("frappé Kharkiv" hits Ukraine)."""
    if party.kind != "LOC" or party.place is None:
        return party
    country = _geo_of(ctx).by_code.get(party.country or "")
    if country is None:
        return party
    entry = ctx.gaz.entries[country]
    return _Party(Actor(id=entry.id, name=entry.name), party.name, "GOV", party.token, entry.country, party.place)


# ---- resolving a phrase to a party ---------------------------------------------------------------

def _previous(ctx: Context, before: int, kinds: tuple[str, ...], n: int) -> list[_Party]:
    """The n most recently named distinct parties of the given kinds before a token."""
    found: list[_Party] = []
    seen: set[str] = set()
    for i, idx in reversed(_STATE.starts):
        if i >= before:
            continue
        party = _entity_party(ctx, idx, i)
        if party is None or party.kind not in kinds or party.id in seen:
            continue
        seen.add(party.id)
        found.append(party)
        if len(found) == n:
            break
    return found


def _pair(ctx: Context, tok: Token) -> list[_Party]:
    """'les deux dirigeants', 'leurs deux pays', 'les deux parties': the two parties last named."""
    lemma = tok.lemma_.lower()
    rules = ctx.lexicon.rules
    if lemma in rules.pair_persons:
        kinds: tuple[str, ...] = ("PER",)
    elif lemma in rules.pair_countries:
        kinds = ("GOV",)
    elif lemma in rules.pair_any:
        kinds = ("PER", "GOV")
    else:
        return []
    if not any(c.lower_ in ("deux", "2") for c in _children(tok)):
        return []
    return _main_pair(ctx, tok.i, kinds)


def _main_pair(ctx: Context, before: int, kinds: tuple[str, ...]) -> list[_Party]:
    """The two parties of these kinds the article has named most so far (the latest first on a tie)."""
    counts: dict[str, tuple[int, int, _Party]] = {}
    for i, idx in _STATE.starts:
        if i >= before:
            break
        party = _entity_party(ctx, idx, i)
        if party is None or party.kind not in kinds:
            continue
        n = counts.get(party.id, (0, 0, party))[0]
        counts[party.id] = (n + 1, i, party)
    ranked = sorted(counts.values(), key=lambda c: (-c[0], -c[1]))
    return [c[2] for c in ranked[:2]] if len(ranked) >= 2 else []


def _pronoun(ctx: Context, tok: Token) -> _Party | None:
    low = tok.lower_
    if low in _PERSON_PRONOUNS:
        # "Poutine a offert une voiture à Kim, et lui-même a reçu...": the pronoun continues the subject
        window = max(tok.sent.start - 40, 0)
        for i in range(tok.i - 1, window - 1, -1):
            idx = ctx.table.token_entity.get(i)
            if idx is not None and ctx.doc[i].dep_ in _SUBJ:
                party = _entity_party(ctx, idx, i)
                if party is not None and party.kind == "PER":
                    return party
        found = _previous(ctx, tok.i, ("PER",), 1)
        return found[0] if found else None
    if low in _RELATIVE and tok.head.dep_ in ("acl:relcl", "acl"):
        return resolve(ctx, tok.head.head)  # "Kim, qui a reçu..." -> Kim
    return None


def resolve(ctx: Context, head: Token | None, depth_limit: int = 3,
            exclude: frozenset[str] = frozenset()) -> _Party | None:
    """The most specific named party in a phrase: a person if named, else an organisation or place."""
    if head is None:
        return None
    direct = _party_of_token(ctx, head)
    if direct is not None and direct.kind == "PER" and direct.id not in exclude:
        return direct
    if head.pos_ == "PRON" and direct is None:
        return _pronoun(ctx, head)
    best: tuple[float, _Party] | None = None
    frontier: list[tuple[Token, int]] = [(head, 0)]
    while frontier:
        tok, depth = frontier.pop(0)
        party = _party_of_token(ctx, tok)
        if party is not None and party.id not in exclude:
            score = depth + _LABEL_RANK.get(party.kind, 2.0)
            if best is None or score < best[0]:
                best = (score, party)
        if depth < depth_limit:
            for child in _children(tok):
                if child.dep_ == "acl":
                    # "la proposition avancée par Kiev", "une délégation dirigée par X": the agent counts
                    frontier.extend((c, depth + 1) for c in _children(child) if c.dep_ == "obl:agent")
                elif child.dep_ not in _CLAUSAL and (_case_of(child) or "de") in _WITHIN:
                    frontier.append((child, depth + 1))
    return best[1] if best else None


class _DocState(threading.local):
    """Per-document facts computed once by extract_events (thread-local: workers may run stages in threads)."""

    def __init__(self) -> None:
        self.cross: frozenset[int] = frozenset()
        self.starts: tuple[tuple[int, int], ...] = ()  # (token, entity index) of each mention's first token
        self.parties: dict[tuple[int, int], _Party | None] = {}
        self.mentions: dict[int, list[tuple[Token, _Party, str]]] = {}
        self.senses: dict[int, _Found | None] = {}


_STATE = _DocState()


def _prepare(ctx: Context) -> None:
    doc = ctx.doc
    cross: set[int] = set()
    # the parser sometimes attaches a word to a head in another paragraph: those arcs are ignored
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
    _STATE.cross = frozenset(cross)
    _STATE.parties = {}
    _STATE.mentions = {}
    _STATE.senses = {}
    table = ctx.table.token_entity
    _STATE.starts = tuple((i, idx) for i, idx in sorted(table.items()) if table.get(i - 1) != idx)


def _children(tok: Token) -> list[Token]:
    cross = _STATE.cross
    return [c for c in tok.children if c.i not in cross] if cross else list(tok.children)


def _case_of(tok: Token) -> str | None:
    for child in tok.children:
        if child.dep_ in ("case", "mark") and child.i < tok.i:
            if any(f.dep_ == "fixed" for f in child.children):
                return "~"  # "face à", "grâce à": a complex preposition never introduces a party
            return child.lower_
    return None


def _conj_party(ctx: Context, tok: Token | None) -> _Party | None:
    """'X et Y': Y, whether the parser hung it on X or on the last word of X's name."""
    if tok is None:
        return None
    for holder in (tok, *(c for c in _children(tok) if c.dep_ in ("flat:name", "flat", "nmod") and c.i > tok.i)):
        for child in _children(holder):
            if child.dep_ == "conj":
                party = resolve(ctx, child, 1)
                if party is not None:
                    return party
    return None


def _adjacent_party(ctx: Context, subj: Token, first: _Party) -> _Party | None:
    """'X et Y' that the parser broke apart: a named party joined to the subject by 'et'."""
    doc = subj.doc
    left = subj.left_edge.i - 1
    if left >= 1 and doc[left].lower_ == "et":
        j = left - 1
        party = _party_of_token(ctx, doc[j])
        if party is not None and party.id != first.id:
            return party
    right = subj.right_edge.i + 1
    if right + 1 < len(doc) and doc[right].lower_ == "et":
        for j in (right + 1, right + 2):
            party = _party_of_token(ctx, doc[j]) if j < len(doc) else None
            if party is not None and party.id != first.id:
                return party
    # "les forces américaines et sud-coréennes": two demonyms on one noun
    if first.token in ctx.table.token_entity:
        return None
    for tok in subj.subtree:
        party = _demonym_party(ctx, tok)
        if party is not None and party.id != first.id and tok.i > first.token and doc[tok.i - 1].lower_ == "et":
            return party
    return None


# ---- trigger detection ---------------------------------------------------------------------------

def _has_reflexive(tok: Token) -> bool:
    return any(c.lower_ in _REFLEXIVE and c.dep_ in _CLITIC_DEPS and c.i < tok.i for c in tok.children)


def _is_verbal(tok: Token) -> bool:
    """A verb, or a participle the tagger took for a noun/adjective ("a téléphoné", "a gelé")."""
    if tok.pos_ == "VERB":
        return True
    return tok.pos_ in ("NOUN", "ADJ") and any(c.dep_ in ("aux:tense", "aux", "aux:pass") for c in tok.children)


def _is_time_word(tok: Token) -> bool:
    return tok.like_num or tok.lower_ in _TIME_WORDS


def _complements(tok: Token) -> Iterator[Token]:
    """A word's dependents, looking through the date the parser hung them on ('signé lundi un accord')."""
    for child in _children(tok):
        yield child
        current = child
        for _ in range(3):
            if not _is_time_word(current):
                break
            nested = [g for g in _children(current) if g.dep_ in ("nmod", "obj", "appos") and not _is_time_word(g)]
            yield from nested
            following = [g for g in _children(current) if g.dep_ == "nmod" and _is_time_word(g)]
            if not following:
                break
            current = following[0]


def _phrase_nouns(tok: Token) -> Iterator[Token]:
    for child in _complements(tok):
        if child.dep_ in _PHRASE_DEPS and child.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "X"):
            yield child
            if child.dep_ in ("obj", "nmod"):
                yield from (g for g in _children(child) if g.dep_ == "nmod")  # "adopter un paquet de sanctions"
            if child.dep_ == "xcomp" and child.pos_ == "VERB":
                yield from (g for g in _children(child) if g.dep_ == "obj")  # "souhaiter à X de remporter la victoire"


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
    if tok.i not in _STATE.senses:
        _STATE.senses[tok.i] = _find_verb_sense(ctx, tok)
    return _STATE.senses[tok.i]


def _find_verb_sense(ctx: Context, tok: Token) -> _Found | None:
    lex = ctx.lexicon
    lemma = tok.lemma_.lower()
    if lemma in lex.rules.not_triggers:
        return None
    for noun in _phrase_nouns(tok):
        sense = lex.phrases.get((lemma, noun.lemma_.lower()))
        if sense is not None:
            return _Found(sense, noun)
    plain = lex.verbs.get(lemma)
    if plain is not None and f"{plain.type}.{plain.mode}" in lex.rules.praise_of_visit:
        for obj in (c for c in _children(tok) if c.dep_ == "obj"):
            visit = lex.nouns.get(obj.lemma_.lower())
            if visit is not None and visit.type == "CONSULT":
                return _Found(visit, visit_of=obj)
    if _has_reflexive(tok) and lemma in lex.reflexive_verbs:
        return _Found(lex.reflexive_verbs[lemma]) if _complement_ok(ctx, tok, lemma) else None
    sense = lex.verbs.get(lemma) or lex.verbs.get(tok.lower_)
    if sense is not None and _complement_ok(ctx, tok, lemma):
        return _Found(sense)
    return None


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


# ---- actors --------------------------------------------------------------------------------------

def _controller(verb: Token) -> Token | None:
    """Who performs an embedded infinitive: the object of 'accuser X de', else the subject."""
    for child in _children(verb):
        if child.dep_ == "nsubj:pass":
            return child
    for child in _complements(verb):
        if child.dep_ in ("obj", "iobj") and child.pos_ != "PRON":
            return child
    for child in _children(verb):
        if child.dep_ in ("obl:arg", "obl") and _case_of(child) in ("à", "au", "aux"):
            return child
    return None


def _object(verb: Token) -> Token | None:
    """The direct object, or the noun the parser hung on a date ("a expulsé ce 3 février deux diplomates")."""
    nested = None
    for child in _complements(verb):
        if child.pos_ == "PRON" or _is_time_word(child):
            continue
        if child.dep_ in ("obj", "iobj") and child.head.i == verb.i:
            return child
        if nested is None and child.head.i != verb.i and child.dep_ in ("nmod", "obj") and _case_of(child) in (
                None, "des", "de", "du", "d'"):
            nested = child
    return nested


def _is_passive(tok: Token) -> bool:
    if _has_reflexive(tok):
        return False  # "s'est retirée": a pronominal verb with être, not a passive
    return "Pass" in tok.morph.get("Voice", []) or any(c.dep_ in ("aux:pass", "nsubj:pass") for c in tok.children)


def _subject(ctx: Context, tok: Token) -> Token | None:
    """Subject of a verb, climbing to the governing verb for infinitives, gerunds and conjoined verbs."""
    current = tok
    for _ in range(5):
        for child in _children(current):
            if child.dep_ in _SUBJ:
                return child
        head = current.head
        if head.i == current.i or current.i in _STATE.cross:
            break
        if current.dep_ == "acl:relcl" or head.i in ctx.table.token_entity:
            return head  # a relative clause's antecedent; a name the tagger took for a verb
        if current.dep_ == "xcomp" and head.lemma_.lower() in ctx.lexicon.rules.object_control:
            controller = _controller(head)
            if controller is not None:
                return controller
        if current.dep_ in ("xcomp", "conj", "advcl", "ccomp", "acl", "obl:arg", "obl", "obj", "nmod") \
                or head.pos_ in ("NOUN", "ADV"):
            current = head
            continue
        break
    return None


def _mentions(ctx: Context, sent: Span) -> list[tuple[Token, _Party, str]]:
    """Actor mentions of a sentence: (first token, party, preposition governing it or '')."""
    cached = _STATE.mentions.get(sent.start)
    if cached is not None:
        return cached
    out: list[tuple[Token, _Party, str]] = []
    last: int | None = None
    doc = sent.doc
    for tok in sent:
        idx = ctx.table.token_entity.get(tok.i)
        if idx is None or idx == last:
            last = idx
            continue
        last = idx
        party = _entity_party(ctx, idx, tok.i)
        if party is None:
            continue
        j = tok.i - 1
        while j >= sent.start and doc[j].pos_ == "DET":
            j -= 1
        prep = doc[j].lower_ if j >= sent.start and doc[j].pos_ == "ADP" else ""
        if prep == "après" and j > sent.start and doc[j - 1].lower_ == "d'":
            prep = "d'après"
        out.append((tok, party, prep))
    _STATE.mentions[sent.start] = out
    return out


def _linear_subject(ctx: Context, sent: Span, trigger: Token) -> Token | None:
    """When the parse gives no subject: the nearest mention before the trigger not governed by a preposition."""
    for tok, _, prep in reversed(_mentions(ctx, sent)):
        if tok.i < trigger.i and not prep and trigger.i - tok.i <= 12:
            return tok
    return None


def _linear_target(ctx: Context, sent: Span, trigger: Token, source: _Party | None) -> _Party | None:
    """When the parse gives no complement: a mention right after the trigger, bare or after 'à/avec'."""
    for tok, party, prep in _mentions(ctx, sent):
        if tok.i <= trigger.i or tok.i - trigger.i > 10 or (source is not None and party.id == source.id):
            continue
        if _inside_other_clause(tok, trigger):
            return None  # "s'est engagé à approfondir les liens avec X": X belongs to the embedded verb
        if not prep or prep in _RECIPIENT_CASES:
            return party
        return None
    return None


def _inside_other_clause(tok: Token, trigger: Token) -> bool:
    current = tok
    for _ in range(8):
        if current.i == trigger.i or current.head.i == current.i:
            return False
        current = current.head
        if current.pos_ == "VERB" and current.i != trigger.i:
            return trigger.i in {a.i for a in current.ancestors}
    return False


def _place_ok(ctx: Context, sense: TriggerSense) -> bool:
    places = ctx.lexicon.rules.place_targets
    return sense.type in places or f"{sense.type}.{sense.mode}" in places


def _oblique_party(ctx: Context, party: _Party, case: str | None, sense: TriggerSense,
                   roles: _Roles) -> _Party | None:
    """A prepositional complement as a target, or None when it only says where the event happened."""
    if party.place is None:
        return party if case is None or case in _TARGET_CASES else None
    if case in _PLACE_CASES and roles.location is None:
        roles.location = party
    if _place_ok(ctx, sense) or case in _ONLY_RECIPIENT:
        return _as_target(ctx, party)
    if party.kind == "LOC":
        return None  # a city or region is where, not whom
    is_capital = party.actor.id != party.place.id
    if case in _PLACE_CASES and (is_capital or case not in ("à", "au", "aux")):
        return None  # "à Pyongyang", "en Corée du Nord": where; "livré à la Russie": whom
    return party if case is None or case in _TARGET_CASES else None


def _obliques(ctx: Context, tok: Token, sense: TriggerSense, roles: _Roles, exclude: set[str],
              bare: bool = False) -> _Party | None:
    """The target among a word's prepositional dependents (or bare noun dependents when `bare`)."""
    target: _Party | None = None
    for child in _complements(tok):
        if child.dep_ not in _OBLIQUE or child.lemma_.lower() in ctx.lexicon.rules.relational_nouns:
            continue  # "aux côtés de X", "à la suite de X": X is beside the event, not in it
        case = _case_of(child)
        if case in _NOT_WITHIN or (case is None and not bare):
            continue
        party = resolve(ctx, child, 2, frozenset(exclude))
        if party is None:
            continue
        candidate = _oblique_party(ctx, party, case, sense, roles)
        if candidate is not None and (target is None or _RANK[candidate.kind] < _RANK[target.kind]):
            target = candidate  # "se rendra à Bruxelles pour des consultations avec X": X
    return target


def _subject_parties(ctx: Context, subj: Token | None) -> list[_Party]:
    if subj is None:
        return []
    pair = _pair(ctx, subj)
    if pair:
        return pair
    first = resolve(ctx, subj)
    if first is None:
        return []
    second = _conj_party(ctx, subj) or _adjacent_party(ctx, subj, first)
    if second is None and subj.dep_ == "conj" and subj.head.i in ctx.table.token_entity:
        head = resolve(ctx, subj.head, 0)  # the linear fallback landed on the second of "X et Y"
        if head is not None and head.id != first.id:
            return [head, first]
    if second is None or second.id == first.id:
        return [first]
    return sorted([first, second], key=lambda p: p.token)


def _other_of_pair(pair: list[_Party], source: _Party | None) -> _Party | None:
    """Of 'entre la Russie et l'Iran', the side that is not the source (nor the source's country)."""
    for party in pair:
        if source is None or (party.id != source.id and (party.country is None or party.country != source.country)):
            return party
    return None


def _verb_roles(ctx: Context, verb: Token, found: _Found, sent: Span) -> _Roles:
    sense = found.sense
    rules = ctx.lexicon.rules
    roles = _Roles()
    passive = _is_passive(verb)
    subj = _subject(ctx, verb) or _linear_subject(ctx, sent, verb)
    agent = next((c for c in _children(verb) if c.dep_ == "obl:agent"), None)
    obj = _object(verb)
    subjects = _subject_parties(ctx, subj)
    # "a reçu une délégation russe": the phrase's noun is itself the other party
    party_noun = found.noun is not None and found.noun.lemma_.lower() in rules.visitor_nouns
    if subj is not None and subj.lower_ in _FIRST_PERSON:
        subjects = [p for p in [_speaker(ctx, sent)] if p is not None]
    if passive:
        roles.source = resolve(ctx, agent)
        roles.target = subjects[0] if subjects else None
    else:
        roles.source = subjects[0] if subjects else None
        # "X et Y ont signé" names both sides; "X et Y se sont engagés à..." names two who pledge alike
        unilateral = found.noun is None and f"{sense.type}.{sense.mode}" in rules.unilateral
        if len(subjects) > 1 and not unilateral and (
                sense.type in SYMMETRIC or verb.lemma_.lower() in rules.reciprocal):
            roles.target = subjects[1]
        if roles.target is None and obj is not None and (found.noun is None or obj.i != found.noun.i
                                                         or party_noun):
            pair = _pair(ctx, obj)
            # a host receives people ("a reçu le ministre X"), not things ("a reçu des œuvres d'art de X")
            depth = 1 if verb.lemma_.lower() in rules.recipient_subject else 2
            roles.target = _other_of_pair(pair, roles.source) if pair else resolve(ctx, obj, depth)
            if roles.target is not None and roles.target.kind == "LOC" and not _place_ok(ctx, sense):
                roles.target = None
    exclude = {roles.source.id} if roles.source else set()
    oblique = _obliques(ctx, verb, sense, roles, exclude)
    if roles.target is None or (roles.source is not None and roles.target.id == roles.source.id):
        roles.target = oblique
    if roles.target is None and found.noun is not None:
        roles.target = _noun_complement(ctx, found.noun, sense, roles, exclude)
    if roles.target is None and obj is not None and (
            verb.lemma_.lower() not in rules.recipient_subject or obj.lemma_.lower() in rules.visitor_nouns):
        roles.target = _obliques(ctx, obj, sense, roles, exclude)  # "a reçu une délégation de X"
    if roles.target is None and obj is not None:
        agent_of_object = next((c for c in _children(obj) if _case_of(c) == "par"), None)
        roles.target = resolve(ctx, agent_of_object, 1)  # "a condamné l'exécution de militants par l'Iran"
    if verb.lemma_.lower() in rules.recipient_subject and (found.noun is None or party_noun):
        roles.source, roles.target = roles.target, roles.source
    if (roles.source is None or roles.target is None) and agent is None:
        _borrow(ctx, verb, roles)
    if roles.target is None and sense.type not in rules.source_only:
        roles.target = _linear_target(ctx, sent, verb, roles.source)
    return roles


def _borrow(ctx: Context, verb: Token, roles: _Roles) -> None:
    """'Aucun accord n'a été signé lors de la rencontre entre X et Y': the meeting names the parties."""
    for child in verb.subtree:
        if child.i == verb.i or child.pos_ != "NOUN":
            continue
        sense = ctx.lexicon.nouns.get(child.lemma_.lower())
        if sense is None or sense.type != "CONSULT":
            continue
        inner = _noun_roles(ctx, child, _Found(sense), child.sent)
        if inner.source is not None and inner.target is not None:
            roles.source = roles.source or inner.source
            if inner.target.id != roles.source.id:
                roles.target = roles.target or inner.target
            return


def _noun_complement(ctx: Context, noun: Token, sense: TriggerSense, roles: _Roles,
                     exclude: set[str]) -> _Party | None:
    """The other party named inside the noun phrase: 'solidarité avec X', 'sanctions contre X'."""
    for child in _children(noun):
        if _case_of(child) == "entre":
            pair = _pair(ctx, child)
            if not pair:
                first, second = resolve(ctx, child, 1), _conj_party(ctx, child)
                pair = [p for p in (first, second) if p is not None]
            other = _other_of_pair(pair, roles.source)
            if other is not None:
                return other
    return _obliques(ctx, noun, sense, roles, exclude, bare=True)


def _noun_roles(ctx: Context, noun: Token, found: _Found, sent: Span) -> _Roles:
    sense = found.sense
    roles = _Roles()
    for child in _children(noun):
        case = _case_of(child)
        if case == "entre":
            pair = _pair(ctx, child)
            first = pair[0] if pair else resolve(ctx, child, 1)
            second = pair[1] if len(pair) > 1 else _conj_party(ctx, child)
            if first is not None and second is not None:
                roles.source, roles.target = first, second
                return roles
        if roles.source is None and (child.dep_ == "amod" or (child.dep_ == "nmod" and case in _OF_CASES)
                                     or case == "par"):
            party = _source_in(ctx, child)
            if party is not None:
                roles.source = party
    if sense.type == "CONSULT" and any(c.dep_ == "det" and c.lower_ in ("leur", "leurs") for c in _children(noun)):
        pair = _previous(ctx, noun.i, ("PER",), 2)
        if len(pair) == 2:
            roles.source, roles.target = pair
            return roles
    exclude = {roles.source.id} if roles.source else set()
    roles.target = _noun_complement(ctx, noun, sense, roles, exclude)
    head = noun.head
    while head.pos_ in ("ADV", "ADP") and head.head.i != head.i:
        head = head.head  # "lors de la rencontre": lors -> its verb
    if head.i != noun.i and _is_verbal(head) and noun.dep_ in ("obj", "obl", "obl:arg", "obl:mod", "advmod", "nmod"):
        subj = None if _is_passive(head) else _subject(ctx, head)
        subject = _subject_parties(ctx, subj)
        if subject and roles.source is None:
            roles.source = subject[0]
        elif subject and roles.target is None and roles.source is not None and subject[0].id != roles.source.id \
                and noun.dep_ != "obj":
            roles.target = subject[0]
        if roles.target is None and noun.dep_ == "obj":
            exclude = {roles.source.id} if roles.source else set()
            roles.target = _obliques(ctx, head, sense, roles, exclude)
    return roles


def _source_in(ctx: Context, child: Token) -> _Party | None:
    """The agent side of an event noun: 'la visite de X', 'livraisons d'armes nord-coréennes', 'par X'."""
    party = _party_of_token(ctx, child)
    if party is None:
        for grandchild in _children(child):
            if grandchild.dep_ in ("amod", "appos", "flat:name") or (
                    grandchild.dep_ == "nmod" and _case_of(grandchild) in _OF_CASES):
                party = _party_of_token(ctx, grandchild)
                if party is not None:
                    break
    if party is None or party.kind == "LOC":
        return None
    return party


def _speaker(ctx: Context, sent: Span) -> _Party | None:
    """Who speaks in a quoted sentence: the subject of '..., a déclaré X'."""
    for tok in sent:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in ctx.cues.attribution_verbs:
            subj = next((c for c in _children(tok) if c.dep_ in _SUBJ), None)
            party = resolve(ctx, subj)
            if party is not None:
                return party
    return None


# ---- modality, attribution, date -----------------------------------------------------------------

def _governors(tok: Token) -> Iterable[Token]:
    current = tok
    for _ in range(4):
        if current.head.i == current.i:
            return
        yield current.head
        current = current.head


def _negated(ctx: Context, tok: Token, verb: Token) -> bool:
    scope = [tok, verb, *_children(verb)] if verb.i != tok.i else [tok, *_children(tok)]
    if tok.pos_ == "NOUN":
        scope += list(_children(tok))
    negators = {c.lower_ for c in scope if c.dep_ in ("advmod", "det", "neg", "nsubj", "obj", "nsubj:pass")}
    negators &= ctx.cues.negation
    if any(c.lower_ == "que" for c in _children(verb) if c.i > verb.i):
        return False  # "n'a livré que des obus" restricts, it does not deny
    return bool(negators & _STRONG_NEGATION) or bool(negators and {"ne", "n'"} & negators)


def _opener(tok: Token) -> str:
    """The words opening a clause, for multi-word markers ("au cas où", "dans l'hypothèse où")."""
    first = tok.left_edge.i
    words = [t.lower_ for t in tok.doc[max(first - 1, 0):min(first + 4, tok.i + 1)]]
    return " ".join(words).replace("' ", "'")


def _hypothetical(ctx: Context, verb: Token) -> bool:
    markers = ctx.cues.hypothetical_markers
    clauses = [verb, *(c for c in _children(verb) if c.dep_ == "advcl")]
    for clause in clauses:
        if any(c.dep_ == "mark" and c.lower_ in ("si", "s'") and c.i < clause.i for c in _children(clause)):
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
    if _negated(ctx, tok, verb):
        return "denied"
    if any(g.lemma_.lower() in cues.denial_verbs for g in governors):
        return "denied"
    if _hypothetical(ctx, verb):
        return "hypothetical"
    if any(g.lemma_.lower() in cues.alleged_verbs and g.i != tok.i for g in governors) or any(
        t.lower_ in cues.alleged_markers for t in (tok, verb, tok.head, *_children(tok), *_children(verb))
    ):
        return "alleged"
    moods = {m for t in (verb, *_children(verb)) if t.dep_ in ("aux", "aux:tense", "cop") or t.i == verb.i
             for m in t.morph.get("Mood", [])}
    tenses = set(verb.morph.get("Tense", [])) | {m for t in _children(verb) if t.dep_ in ("aux", "aux:tense")
                                             for m in t.morph.get("Tense", [])}
    if "Cnd" in moods and any(g.lemma_.lower() == "pouvoir" for g in governors):
        return "speculative"
    if any(g.lemma_.lower() in cues.planned_verbs for g in governors) or "Fut" in tenses:
        return "planned"
    if any(g.lemma_.lower() in cues.speculative_verbs for g in governors) or any(
        t.lower_ in cues.speculative_markers for t in (tok, *_children(tok), *_children(verb))
    ):
        return "speculative"
    if "Cnd" in moods:
        return "alleged" if _attribution(ctx, sent) else "speculative"
    return "asserted"


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
        elif low in cues.attribution_participles and any(c.dep_ == "obl:agent" for c in _children(tok)):
            offer(0, resolve(ctx, next((c for c in _children(tok) if c.dep_ == "obl:agent"), None), 3))
        elif tok.pos_ == "VERB" and lemma in cues.attribution_verbs:
            subj = next((c for c in _children(tok) if c.dep_ in _SUBJ), None)
            lead = tok.doc[max(tok.left_edge.i - 1, sent.start):tok.left_edge.i + 1]
            inverted = tok.i > sent.start + 2 and (tok.dep_ in ("parataxis", "conj", "advcl")
                                                   or any(t.text in (",", '"', "»") for t in lead))
            if subj is None and inverted:
                subj = next((c for c in _children(tok) if c.dep_ == "obj" and c.i > tok.i), None)  # "a rapporté l'AFP"
            reporting = subj is not None and (subj.i > tok.i or inverted
                                              or any(c.dep_ == "ccomp" for c in _children(tok)))
            if not reporting:
                continue
            party = resolve(ctx, subj, 3)
            offer(1 if party is not None and party.kind in ("ORG", "GOV") else 2, party)
            offer(0, resolve(ctx, next((c for c in _children(tok) if c.dep_ == "obl:agent"), None), 3))
        elif tok.pos_ == "VERB" and lemma in cues.denial_verbs and any(
                c.dep_ in ("ccomp", "xcomp") for c in _children(tok)):
            offer(3, resolve(ctx, next((c for c in _children(tok) if c.dep_ in _SUBJ), None), 3))
    return best[1] if best else None


def _clause_head(tok: Token) -> Token:
    current = tok
    for _ in range(8):
        if current.pos_ in ("VERB", "AUX") or current.head.i == current.i:
            return current
        current = current.head
    return current


def _tree_distance(a: Token, b: Token) -> int:
    ancestors = {t.i: n for n, t in enumerate([a, *a.ancestors])}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in ancestors:
            return n + ancestors[t.i]
    return 99


def _date_for(ctx: Context, tok: Token, sent: Span, expressions: list[TimeExpression], planned: bool,
              attribution_verbs: set[int]) -> EventDate | None:
    doc = ctx.doc
    best: tuple[float, TimeExpression] | None = None
    for expr in expressions:
        span = doc.char_span(expr.start, expr.end, alignment_mode="expand")
        if span is None:
            continue
        first = fold(expr.date.expression or "").split(" ")[0] if expr.date.expression else ""
        if first in ctx.cues.not_event_dates:
            continue
        anchor = span.root
        distance = float(_tree_distance(anchor, tok))
        if _clause_head(anchor).i in attribution_verbs and _clause_head(anchor).i != _clause_head(tok).i:
            distance += 50  # "a annoncé mardi l'agence": the report's date, used only when nothing else is
        distance += abs(span.start - tok.i) / 100
        if best is None or distance < best[0]:
            best = (distance, expr)
    if best is not None:
        return best[1].for_event(planned)
    if ctx.published is None:
        return None
    # No time expression: news reports recent events, so the publication month is the honest guess.
    pub = ctx.published
    return EventDate(value=f"{pub.year:04d}-{pub.month:02d}", precision="month", expression=None)


def _confidence(roles: _Roles, tok: Token, dated: bool) -> float:
    score = 0.35 + (0.2 if roles.source else 0.0) + (0.2 if roles.target else 0.0)
    score += 0.1 if _is_verbal(tok) else 0.0
    score += 0.1 if dated else 0.0
    return round(min(score, 0.95), 2)


# ---- sentences and the stage ---------------------------------------------------------------------

def _sentences(doc: Doc) -> Iterator[Span]:
    """Sentences that never cross a line break, glued back where the parser split without end punctuation."""
    pieces: list[tuple[int, int]] = []
    for sent in doc.sents:
        start = sent.start
        for tok in sent:
            if tok.is_space and "\n" in tok.text:
                if tok.i > start:
                    pieces.append((start, tok.i))
                start = tok.i + 1
        if start < sent.end:
            pieces.append((start, sent.end))
    current: tuple[int, int] | None = None
    for start, end in pieces:
        if current is not None and current[1] == start:
            current = (current[0], end)
        else:
            if current is not None:
                yield doc[current[0]:current[1]]
            current = (start, end)
        last = next((t for t in reversed(doc[start:end]) if not t.is_space), doc[end - 1])
        if last.text in _ENDS or (end < len(doc) and doc[end].is_space):
            yield doc[current[0]:current[1]]
            current = None
    if current is not None:
        yield doc[current[0]:current[1]]


def _complete(ctx: Context, sense: TriggerSense, roles: _Roles) -> bool:
    rules = ctx.lexicon.rules
    if roles.source is not None and roles.target is not None:
        return roles.source.id != roles.target.id
    if sense.type in rules.source_only:
        return roles.source is not None
    if sense.type in rules.target_only:
        return roles.target is not None
    return False


def _switch_mode(ctx: Context, sense: TriggerSense, sent: Span) -> TriggerSense:
    switch = ctx.lexicon.rules.mode_switch.get(f"{sense.type}.{sense.mode}")
    if switch is not None and any(t.lower_ in switch[1] for t in sent):
        return TriggerSense(sense.type, switch[0])
    return sense


@dataclass(frozen=True)
class _Recent:
    """The last meeting reported, for the nouns that refer back to it in the next sentences."""

    event: Event
    source: _Party
    target: _Party


def _roles(ctx: Context, tok: Token, found: _Found, sent: Span) -> _Roles:
    if found.visit_of is not None:
        roles = _noun_roles(ctx, found.visit_of, found, sent)
        if roles.target is None:
            host = _subject_parties(ctx, _subject(ctx, tok))
            roles.target = host[0] if host else None
        return roles
    return _verb_roles(ctx, tok, found, sent) if _is_verbal(tok) else _noun_roles(ctx, tok, found, sent)


def _anaphoric(ctx: Context, tok: Token, found: _Found) -> bool:
    """'les négociations', 'la signature': a definite meeting or agreement noun with no party of its own."""
    return (tok.pos_ == "NOUN" and found.sense.type in ("CONSULT", "AGREE")
            and any(c.dep_ == "det" and c.lower_ in _DEFINITE for c in _children(tok)))


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


def _sentence_events(ctx: Context, sent: Span, previous: _Recent | None) -> list[tuple[Event, _Recent | None]]:
    events: list[tuple[Event, _Recent | None]] = []
    expressions: list[TimeExpression] | None = None
    attribution: str | bool | None = False  # computed lazily, once per sentence
    attribution_verbs: set[int] | None = None
    for tok in sent:
        if tok.pos_ not in _TRIGGER_POS:
            continue
        found = _sense(ctx, tok)
        if found is None:
            continue
        roles = _roles(ctx, tok, found, sent)
        if roles.source is None and roles.target is None and previous is not None and _anaphoric(ctx, tok, found):
            roles.source, roles.target = previous.source, previous.target
            found = replace(found, carried=previous.event)
        if roles.target is not None and roles.target.kind == "LOC":
            roles.target = _as_target(ctx, roles.target) if _place_ok(ctx, found.sense) else None
        if not _complete(ctx, found.sense, roles) or _background(ctx, tok):
            continue
        sense = _switch_mode(ctx, found.sense, sent)
        if attribution is False:
            attribution = _attribution(ctx, sent)
        modality = _modality(ctx, tok, sent, found.sense)
        if expressions is None:
            expressions = [
                TimeExpression(t.start + sent.start_char, t.end + sent.start_char, t.date, t.planned)
                for t in find_time_expressions(ctx.text[sent.start_char:sent.end_char], ctx.published)
            ] if ctx.published else []
        if attribution_verbs is None:
            attribution_verbs = {t.i for t in sent
                                 if t.pos_ == "VERB" and t.lemma_.lower() in ctx.cues.attribution_verbs}
        event_date = _date_for(ctx, tok, sent, expressions, modality == "planned", attribution_verbs)
        if found.carried is not None and (event_date is None or event_date.expression is None):
            event_date = found.carried.date
        location = roles.location.place if roles.location and roles.location.place else None
        trigger = found.noun if found.noun is not None and found.noun.i < tok.i else tok
        event = Event(
            type=sense.type,
            mode=sense.mode,
            source=roles.source.actor if roles.source else None,
            target=roles.target.actor if roles.target else None,
            location=location,
            date=event_date,
            trigger=Mention(text=ctx.text[trigger.idx:trigger.idx + len(trigger)], start=trigger.idx,
                            end=trigger.idx + len(trigger)),
            sentence=Mention(text=ctx.text[sent.start_char:sent.end_char], start=sent.start_char,
                             end=sent.end_char),
            modality=modality,
            attribution=attribution or None,
            confidence=_confidence(roles, tok, bool(event_date and event_date.expression)),
        )
        recent = _Recent(event, roles.source, roles.target) if roles.source and roles.target else None
        events.append((event, recent))
    return events


def extract_events(ctx: Context) -> list[Event]:
    _prepare(ctx)
    events: list[Event] = []
    previous: _Recent | None = None
    for sent in _sentences(ctx.doc):
        if sent.start > 0 and any(t.is_space and "\n" in t.text for t in ctx.doc[max(sent.start - 1, 0):sent.start]):
            previous = None  # a new paragraph: nothing to refer back to
        found = _sentence_events(ctx, sent, previous)
        events.extend(e for e, _ in found)
        meetings = [r for e, r in found if e.type == "CONSULT" and r is not None]
        previous = meetings[-1] if meetings else previous
    return merge_same_events(events)


def _actor_key(event: Event) -> tuple[str, ...]:
    ids = (event.source.id if event.source else "", event.target.id if event.target else "")
    return tuple(sorted(ids)) if event.type in SYMMETRIC else ids


def _compatible(a: EventDate | None, b: EventDate | None) -> bool:
    if a is None or b is None:
        return True
    n = min(len(a.value), len(b.value))
    return a.value[:n] == b.value[:n]


def merge_same_events(events: list[Event]) -> list[Event]:
    """One real event reported twice in an article is one event: keep the best-evidenced report."""
    kept: list[Event] = []
    for event in sorted(events, key=lambda e: -e.confidence):
        twin = next((k for k in kept if k.type == event.type and _actor_key(k) == _actor_key(event)
                     and _compatible(k.date, event.date)), None)
        if twin is None:
            kept.append(event)
        elif twin.date is not None and event.date is not None and len(event.date.value) > len(twin.date.value):
            kept[kept.index(twin)] = twin.model_copy(update={"date": event.date})
    return sorted(kept, key=lambda e: e.trigger.start)
