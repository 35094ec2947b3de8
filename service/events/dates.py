"""When: the time expression nearest the trigger in the parse, else the publication month."""

from __future__ import annotations

from spacy.tokens import Span, Token

from contracts.models import EventDate
from service.dates import TimeExpression, publication_period
from service.events.context import Context
from service.events.syntax import _clause_head
from service.gazetteer import fold


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
    return publication_period(ctx.published)  # no time expression: the publication month (or year)
