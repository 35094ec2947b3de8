"""Events stage: PLOVER events with actors, place, date, attribution and modality.

Pure: a parsed Doc, the article's entities and its publication date in, events
out. Triggers come from the lexicon (verbs, nouns, verb+object phrases); actors
from the dependency parse, resolved to the article's canonical entities, with
capitals and seats of power standing for their governments.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span, Token

from contracts.models import Actor, Event, EventDate, Mention
from service.dates import TimeExpression, find_time_expressions
from service.entities import EntityTable
from service.gazetteer import Gazetteer, fold
from service.lexicon import Cues, Lexicon, TriggerSense

SYMMETRIC = frozenset({"CONSULT", "AGREE", "COOPERATE"})
_SUBJ = ("nsubj", "nsubj:pass", "expl:subj")
_CLAUSES = ("acl:relcl", "ccomp", "advcl", "parataxis", "xcomp", "conj", "cc", "punct", "acl")
_TARGET_CASES = ("avec", "à", "au", "aux", "contre", "auprès", "envers", "vers", "entre", "pour", "sur", "en")
_PLACE_CASES = ("à", "au", "en", "dans")
_LABEL_RANK = {"PER": 0.0, "ORG": 0.6, "LOC": 0.8, "MISC": 2.0}
_PERSON_PRONOUNS = frozenset({"il", "elle", "celui-ci", "celle-ci"})
_OBJECTS = ("obj", "iobj")
# "plus", "rien", "personne" negate only with "ne"; these negate on their own.
_STRONG_NEGATION = frozenset({"ne", "n'", "jamais", "aucun", "aucune", "nul", "nulle", "nullement", "aucunement"})


@dataclass(frozen=True)
class _Party:
    actor: Actor
    label: str
    entity_id: str


@dataclass
class Context:
    doc: Doc
    text: str
    table: EntityTable
    gaz: Gazetteer
    lexicon: Lexicon
    cues: Cues
    published: date | None


def _actor_for_entity(ctx: Context, idx: int) -> _Party:
    entity = ctx.table.entities[idx]
    government = ctx.gaz.government_of(entity.id)
    if government is not None:
        return _Party(Actor(id=government.id, name=government.name), "LOC", government.id)
    return _Party(Actor(id=entity.id, name=entity.name), entity.label, entity.id)


def _party_of_token(ctx: Context, tok: Token) -> _Party | None:
    idx = ctx.table.token_entity.get(tok.i)
    if idx is not None:
        return _actor_for_entity(ctx, idx)
    country_id = ctx.gaz.demonyms.get(fold(tok.text)) if tok.pos_ == "ADJ" else None
    if country_id is not None:
        entry = ctx.gaz.entries[country_id]
        return _Party(Actor(id=entry.id, name=entry.name), "LOC", entry.id)
    return None


def _previous_person(ctx: Context, tok: Token) -> _Party | None:
    """'il'/'elle': the most recently mentioned person before the pronoun."""
    best: tuple[int, int] | None = None
    for i in range(tok.i - 1, -1, -1):
        idx = ctx.table.token_entity.get(i)
        if idx is not None and ctx.table.entities[idx].label == "PER":
            best = (i, idx)
            break
    return _actor_for_entity(ctx, best[1]) if best else None


def resolve(ctx: Context, head: Token | None) -> _Party | None:
    """The most specific named party in a phrase: a person if named, else an organisation or place."""
    if head is None:
        return None
    if head.pos_ == "PRON":
        if head.lower_ in _PERSON_PRONOUNS:
            return _previous_person(ctx, head)
        if head.dep_ == "nsubj" and head.head.dep_ == "acl:relcl":
            return resolve(ctx, head.head.head)  # "Kim, qui a reçu..." -> Kim
        return None
    best: tuple[float, _Party] | None = None
    frontier: list[tuple[Token, int]] = [(head, 0)]
    while frontier:
        tok, depth = frontier.pop(0)
        party = _party_of_token(ctx, tok)
        if party is not None:
            score = depth + _LABEL_RANK.get(party.label, 2.0)
            if best is None or score < best[0]:
                best = (score, party)
        if depth < 3:
            frontier.extend((c, depth + 1) for c in tok.children if c.dep_ not in _CLAUSES)
    return best[1] if best else None


def _case_of(tok: Token) -> str | None:
    for child in tok.children:
        if child.dep_ in ("case", "mark"):
            return child.lower_
    return None


def _subject(tok: Token) -> tuple[Token | None, bool]:
    """Subject of a verb (climbing to the governing verb for infinitives and conjoined verbs)."""
    current: Token | None = tok
    for _ in range(4):
        if current is None:
            break
        for child in current.children:
            if child.dep_ in _SUBJ:
                return child, child.dep_ == "nsubj:pass" or any(
                    c.dep_ == "aux:pass" for c in current.children)
        if current.dep_ in ("xcomp", "conj", "advcl", "ccomp") and current.head is not current:
            current = current.head
        elif current.dep_ == "acl:relcl":
            return current.head, False
        else:
            break
    return None, False


def _conj_party(ctx: Context, tok: Token | None) -> _Party | None:
    if tok is None:
        return None
    for child in tok.children:
        if child.dep_ == "conj":
            party = resolve(ctx, child)
            if party is not None:
                return party
    return None


def _oblique_target(ctx: Context, tok: Token, exclude: _Party | None) -> tuple[_Party | None, _Party | None]:
    """(target, location) among a word's prepositional dependents."""
    target = location = None
    for child in tok.children:
        if child.dep_ not in ("obl", "obl:arg", "obl:mod", "nmod", "iobj"):
            continue
        case = _case_of(child)
        party = resolve(ctx, child)
        if party is None or (exclude is not None and party.entity_id == exclude.entity_id):
            continue
        idx = ctx.table.token_entity.get(child.i)
        is_place = idx is not None and ctx.table.entities[idx].label == "LOC"
        if case in _PLACE_CASES and is_place and location is None:
            location = _Party(Actor(id=ctx.table.entities[idx].id, name=ctx.table.entities[idx].name),
                              "LOC", ctx.table.entities[idx].id) if idx is not None else None
        if case in _TARGET_CASES and target is None:
            target = party
    return target, location


def _verb_actors(ctx: Context, verb: Token) -> tuple[_Party | None, _Party | None, _Party | None]:
    subj, passive = _subject(verb)
    agent = next((c for c in verb.children if c.dep_ == "obl:agent"), None)
    obj = next((c for c in verb.children if c.dep_ in _OBJECTS), None)
    if passive:
        source, target = resolve(ctx, agent), resolve(ctx, subj)
    else:
        source = resolve(ctx, subj)
        target = resolve(ctx, obj)
        if target is not None and obj is not None and obj.pos_ == "NOUN" and target.label == "LOC":
            target = None if ctx.table.token_entity.get(obj.i) is None and _case_of(obj) is None else target
    obl_target, location = _oblique_target(ctx, verb, source)
    if target is None or (source is not None and target.entity_id == source.entity_id):
        target = obl_target
    if target is None:
        target = _conj_party(ctx, subj)  # "X et Y ont signé"
    if target is None and obj is not None:
        target, _ = _oblique_target(ctx, obj, source)  # "a reçu une délégation de X"
    return source, target, location


def _noun_actors(ctx: Context, noun: Token) -> tuple[_Party | None, _Party | None, _Party | None]:
    source = target = location = None
    for child in noun.children:
        case = _case_of(child)
        if child.dep_ in ("nmod", "obl") and case in ("de", "du", "des", "d'", "d’") and source is None:
            source = resolve(ctx, child)
        if case == "entre" and source is None:
            source = resolve(ctx, child)
            target = _conj_party(ctx, child)
    obl_target, location = _oblique_target(ctx, noun, source)
    target = target or obl_target
    if noun.dep_ in ("obj", "nsubj", "nsubj:pass", "obl") and noun.head.pos_ in ("VERB", "AUX"):
        verb_source, verb_target, verb_location = _verb_actors(ctx, noun.head)
        if noun.dep_ == "obj":
            source = source or verb_source
        if noun.dep_ != "obj" and verb_source is not None and verb_source != source:
            target = target or verb_source
        target = target or (verb_target if noun.dep_ != "obj" else None)
        location = location or verb_location
        if target is None:
            target, loc2 = _oblique_target(ctx, noun.head, source)
            location = location or loc2
    if target is not None and source is not None and target.entity_id == source.entity_id:
        target = None
    return source, target, location


def _sense(ctx: Context, tok: Token) -> TriggerSense | None:
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX"):
        for child in tok.children:
            if child.dep_ in _OBJECTS and (lemma, child.lemma_.lower()) in ctx.lexicon.phrases:
                return ctx.lexicon.phrases[(lemma, child.lemma_.lower())]
        if tok.pos_ == "VERB":
            return ctx.lexicon.verbs.get(lemma)
        return None
    if tok.pos_ == "NOUN":
        head = tok.head
        if tok.dep_ in _OBJECTS and (head.lemma_.lower(), lemma) in ctx.lexicon.phrases:
            return None  # already taken by the phrase on its verb
        if tok.dep_ in _OBJECTS and head.pos_ == "VERB" and head.lemma_.lower() in ctx.lexicon.verbs:
            return None  # "a signé un accord": the verb carries the event
        return ctx.lexicon.nouns.get(lemma)
    return None


def _governors(tok: Token) -> Iterable[Token]:
    current = tok
    for _ in range(4):
        if current.head is current:
            return
        yield current.head
        current = current.head


def _modality(ctx: Context, tok: Token, sent: Span) -> str:
    cues = ctx.cues
    verb = tok if tok.pos_ in ("VERB", "AUX") else tok.head
    scope = [tok, verb, *verb.children] if verb is not tok else [tok, *tok.children]
    governors = list(_governors(tok))
    negators = {c.lower_ for c in scope if c.dep_ in ("advmod", "det", "neg", "nsubj", "obj")} & cues.negation
    if negators & _STRONG_NEGATION or (negators and {"ne", "n'"} & negators):
        return "denied"
    if any(g.lemma_.lower() in cues.denial_verbs for g in governors):
        return "denied"
    if any(c.dep_ == "mark" and c.lower_ in cues.hypothetical_markers for c in verb.children):
        return "hypothetical"
    if any(g.lemma_.lower() in cues.alleged_verbs for g in governors) or any(
        t.lower_ in cues.alleged_markers for t in (tok, *tok.children)
    ):
        return "alleged"
    moods = {m for t in (verb, *verb.children) if t.dep_ in ("aux", "aux:tense", "cop") or t is verb
             for m in t.morph.get("Mood")}
    tenses = set(verb.morph.get("Tense"))
    if any(g.lemma_.lower() in cues.planned_verbs for g in governors) or "Fut" in tenses:
        return "planned"
    if any(g.lemma_.lower() in cues.speculative_verbs for g in governors) or any(
        t.lower_ in cues.speculative_markers for t in sent
    ):
        return "speculative"
    if "Cnd" in moods:
        return "alleged" if _attribution(ctx, sent) else "speculative"
    return "asserted"


def _attribution(ctx: Context, sent: Span) -> str | None:
    """Who the sentence's claims come from: 'selon KCNA', 'a rapporté Interfax', 'cité par Tass'."""
    cues = ctx.cues
    for tok in sent:
        low = tok.lower_
        if low in cues.attribution_prepositions or (low == "après" and tok.i > 0 and tok.nbor(-1).lower_ in ("d'",)):
            party = resolve(ctx, tok.head)
            if party is not None:
                return party.actor.name
        if tok.pos_ == "VERB" and tok.lemma_.lower() in cues.attribution_verbs:
            agent = next((c for c in tok.children if c.dep_ in ("obl:agent",)), None)
            subj, _ = _subject(tok)
            for cand in (agent, subj):
                party = resolve(ctx, cand)
                if party is not None and party.label == "ORG":
                    return party.actor.name
    return None


def _date_for(tok: Token, expressions: list[TimeExpression], published: date | None) -> EventDate | None:
    if expressions:
        nearest = min(expressions, key=lambda t: abs(t.start - tok.idx))
        return nearest.date
    if published is None:
        return None
    # No time expression: news reports recent events, so the publication month is the honest guess.
    return EventDate(value=f"{published.year:04d}-{published.month:02d}", precision="month", expression=None)


def _confidence(source: _Party | None, target: _Party | None, tok: Token, dated: bool) -> float:
    score = 0.35 + (0.2 if source else 0.0) + (0.2 if target else 0.0)
    score += 0.1 if tok.pos_ == "VERB" else 0.0
    score += 0.1 if dated else 0.0
    return round(min(score, 0.95), 2)


def extract_events(ctx: Context) -> list[Event]:
    events: list[Event] = []
    for sent in ctx.doc.sents:
        expressions = (
            [TimeExpression(t.start + sent.start_char, t.end + sent.start_char, t.date)
             for t in find_time_expressions(sent.text, ctx.published)]
            if ctx.published else []
        )
        attribution: str | None | bool = False  # computed lazily, once per sentence
        for tok in sent:
            sense = _sense(ctx, tok)
            if sense is None:
                continue
            if tok.pos_ == "NOUN":
                source, target, location = _noun_actors(ctx, tok)
            else:
                source, target, location = _verb_actors(ctx, tok)
            if source is None and target is None:
                continue
            if source is not None and target is not None and source.entity_id == target.entity_id:
                continue
            if attribution is False:
                attribution = _attribution(ctx, sent)
            event_date = _date_for(tok, expressions, ctx.published)
            events.append(Event(
                type=sense.type,  # type: ignore[arg-type]
                mode=sense.mode,
                source=source.actor if source else None,
                target=target.actor if target else None,
                location=location.actor if location else None,
                date=event_date,
                trigger=Mention(text=ctx.text[tok.idx:tok.idx + len(tok)], start=tok.idx, end=tok.idx + len(tok)),
                sentence=Mention(text=ctx.text[sent.start_char:sent.end_char], start=sent.start_char,
                                 end=sent.end_char),
                modality=_modality(ctx, tok, sent),  # type: ignore[arg-type]
                attribution=attribution or None,
                confidence=_confidence(source, target, tok, bool(event_date and event_date.expression)),
            ))
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
