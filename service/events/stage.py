"""The stage itself: sentences, the events each one reports, and the article's merged list."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from contracts.models import Event, Mention
from service.dates import TimeExpression, find_time_expressions
from service.events.attribution import _attribution
from service.events.context import Context, _Party, _Roles
from service.events.dates import DateMemory, _date_for, note_dated_noun, recalled_date
from service.events.families import (
    civil,
    complete,
    family_roles,
    in_name,
    lone_drill,
    merge_unnamed,
    parliament_vote,
    sea_launch,
    unnamed_force,
)
from service.events.merging import merge_same_events
from service.events.modality import _background, _modality
from service.events.parties import _as_target
from service.events.roles import _complete, _place_ok, _roles
from service.events.security import (
    absorb_unnamed,
    attack_place,
    demand_on_holder,
    implied_target,
    occasion_only,
    unnamed_sides,
    whose_act,
)
from service.events.syntax import _is_verbal
from service.events.trade import agreed_measure, decided, trade_roles
from service.events.triggers import _anaphoric, _sense, _switch_mode, _topic

_TRIGGER_POS = frozenset({"VERB", "NOUN", "ADJ"})
_ENDS = frozenset({".", "!", "?", "…", "»", '"'})


def _confidence(roles: _Roles, tok: Token, dated: bool) -> float:
    score = 0.35 + (0.2 if roles.source else 0.0) + (0.2 if roles.target else 0.0)
    score += 0.1 if _is_verbal(tok) else 0.0
    score += 0.1 if dated else 0.0
    return round(min(score, 0.95), 2)


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


@dataclass(frozen=True)
class _Recent:
    """The last meeting reported, for the nouns that refer back to it in the next sentences."""

    event: Event
    source: _Party
    target: _Party


def _expressions(ctx: Context, sent: Span) -> list[TimeExpression]:
    return [TimeExpression(t.start + sent.start_char, t.end + sent.start_char, t.date, t.planned)
            for t in find_time_expressions(ctx.text[sent.start_char:sent.end_char], ctx.published)]


def _sentence_events(ctx: Context, sent: Span, previous: _Recent | None,
                     memory: DateMemory) -> list[tuple[Event, _Recent | None]]:
    events: list[tuple[Event, _Recent | None]] = []
    expressions: list[TimeExpression] | None = None
    attribution: str | bool | None = False  # computed lazily, once per sentence
    attribution_verbs: set[int] | None = None
    for tok in sent:
        if tok.pos_ not in _TRIGGER_POS:
            continue
        found = _sense(ctx, tok)
        if found is None or (tok.pos_ == "NOUN" and _topic(ctx, tok)):
            continue
        if in_name(ctx, tok) or agreed_measure(ctx, tok, found):
            continue
        found = civil(ctx, found, sent)
        if expressions is None:
            expressions = _expressions(ctx, sent)
        note_dated_noun(ctx, memory, tok, found.sense.type, expressions)
        roles = _roles(ctx, tok, found, sent)
        family_roles(ctx, tok, found, roles)
        occasion_only(ctx, tok, found, roles)
        whose_act(ctx, tok, found, roles)
        implied_target(ctx, tok, found, roles)
        demand_on_holder(ctx, tok, found, roles)
        attack_place(ctx, tok, found, roles)
        trade_roles(ctx, tok, found, roles)
        found = sea_launch(ctx, tok, lone_drill(ctx, tok, found, roles), roles)
        found = parliament_vote(ctx, tok, found, roles)
        if roles.source is None and roles.target is None and previous is not None and _anaphoric(ctx, tok, found):
            roles.source, roles.target = previous.source, previous.target
            found = replace(found, carried=previous.event)
        if roles.target is not None and roles.target.kind == "LOC":
            roles.target = _as_target(ctx, roles.target) if _place_ok(ctx, found.sense) else None
        if not (complete(found.sense, roles, _complete(ctx, found.sense, roles))
                or unnamed_force(ctx, tok, found, roles)
                or unnamed_sides(ctx, tok, found, roles)) or _background(ctx, tok):
            continue
        sense = _switch_mode(ctx, found.sense, sent)
        if attribution is False:
            attribution = _attribution(ctx, sent)
        modality = decided(ctx, tok, found, _modality(ctx, tok, sent, found.sense))
        if attribution_verbs is None:
            attribution_verbs = {t.i for t in sent
                                 if t.pos_ == "VERB" and t.lemma_.lower() in ctx.cues.attribution_verbs}
        event_date = _date_for(ctx, tok, sent, expressions, modality == "planned", attribution_verbs)
        if found.carried is not None and (event_date is None or event_date.expression is None):
            event_date = found.carried.date
        if found.carried is None and (event_date is None or event_date.expression is None):
            event_date = recalled_date(ctx, memory, tok, sense.type, sent) or event_date
        memory.note(sense.type, tok, event_date)
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
    events: list[Event] = []
    previous: _Recent | None = None
    memory = DateMemory()
    for sent in _sentences(ctx.doc):
        if sent.start > 0 and any(t.is_space and "\n" in t.text for t in ctx.doc[max(sent.start - 1, 0):sent.start]):
            previous = None  # a new paragraph: nothing to refer back to
        found = _sentence_events(ctx, sent, previous, memory)
        events.extend(e for e, _ in found)
        meetings = [r for e, r in found if e.type == "CONSULT" and r is not None]
        previous = meetings[-1] if meetings else previous
    return absorb_unnamed(ctx, merge_unnamed(merge_same_events(events)))
