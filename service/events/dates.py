"""When: the time expression of the trigger's own clause, else the date of the event it refers back to, else
the publication month."""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from contracts.models import EventDate
from service.dates import TimeExpression, offset_from_event, publication_period, shifted
from service.events.context import Context
from service.events.syntax import _children, _clause_head
from service.events.triggers import _sense
from service.gazetteer import fold

# A clause opened by one of these never dates the clause it depends on: "si les manœuvres ont lieu en août"
# (a condition), "depuis que l'armée a lancé le 24 février son offensive" (the start of a period),
# "parce qu'il avait été arrêté lundi" (a cause, told earlier).
_FOREIGN_MARKS = frozenset({"si", "s'", "s’", "depuis", "puisque", "parce", "car", "tandis"})
# Nor does a relative clause on another noun, nor a later coordinated or juxtaposed clause.
_RELATIVE = frozenset({"acl:relcl", "acl"})
_COORDINATED = frozenset({"conj", "parataxis"})
# "lors de sa visite", "au cours de la rencontre", "à l'issue des pourparlers": the frame dates the sentence.
_FRAMES = frozenset({"lors", "pendant", "durant", "cours", "issue", "occasion", "marge"})
# Determiners that point back to something already told: "cette visite", "leur entrevue".
_POINTING = frozenset({"ce", "cet", "cette", "ces", "leur", "leurs", "sa", "son", "ses"})
_DEFINITE = frozenset({"le", "la", "les", "l'", "l’"})


# How far back (in tokens, a few sentences) a mention may refer to a dated event: further on, "la rencontre"
# is as likely another meeting than the one told at the top.
_RECALL_WINDOW = 150


@dataclass
class DateMemory:
    """The dated events of an article so far, for the mentions that refer back to them ("lors de cette
    rencontre", "lors de la rencontre"): per event type and per trigger lemma, the latest dated one and where."""

    by_type: dict[str, tuple[int, EventDate]] = field(default_factory=dict)
    by_lemma: dict[str, tuple[int, EventDate]] = field(default_factory=dict)

    def note(self, event_type: str, tok: Token, date: EventDate | None) -> None:
        if date is not None and date.expression is not None:
            self.by_type[event_type] = (tok.i, date)
            self.by_lemma[tok.lemma_.lower()] = (tok.i, date)

    def recall(self, event_type: str, noun: Token, determiner: str | None, framed: bool) -> EventDate | None:
        """The date of the event a noun refers back to: 'cette visite', 'leur entrevue' (an earlier event of
        its type), 'lors de la rencontre' (an earlier 'rencontre'), told a few sentences before at most. A
        plain definite noun outside a frame ('les négociations entre X et Y') is as often a new event."""
        if determiner in _POINTING:
            found = self.by_type.get(event_type)
        elif determiner in _DEFINITE and framed:
            found = self.by_lemma.get(noun.lemma_.lower())
        else:
            return None
        return found[1] if found is not None and noun.i - found[0] <= _RECALL_WINDOW else None


def _tree_distance(a: Token, b: Token) -> int:
    ancestors = {t.i: n for n, t in enumerate([a, *a.ancestors])}
    for n, t in enumerate([b, *b.ancestors]):
        if t.i in ancestors:
            return n + ancestors[t.i]
    return 99


def _is_under(tok: Token, head: Token) -> bool:
    return tok.i == head.i or any(a.i == head.i for a in tok.ancestors)


def _finite(verb: Token) -> bool:
    return "Fin" in verb.morph.get("VerbForm", []) or any(c.dep_ in ("aux", "aux:tense") for c in verb.children)


def _pluperfect(verb: Token) -> bool:
    return any(c.dep_ in ("aux", "aux:tense") and "Imp" in c.morph.get("Tense", []) for c in verb.children)


def _foreign_clause(anchor: Token, tok: Token, sent: Span) -> bool:
    """The expression belongs to a clause that depends on the trigger's clause without containing the
    trigger: a condition, a 'since' clause, a relative clause in the pluperfect on another noun, a later
    coordinated clause."""
    own, other = _clause_head(tok), _clause_head(anchor)
    if other.i == own.i or _is_under(tok, other) or not sent.start <= other.i < sent.end:
        return False  # the same clause, a governing one, or an arc the parser drew out of the sentence
    if tok.pos_ == "NOUN" and _is_under(other, tok):
        return False  # "la visite qu'il effectuera mardi": the trigger noun's own relative clause
    if not _is_under(other, own):
        return False
    path = [anchor, *anchor.ancestors]
    below = path[:next(n for n, t in enumerate(path) if t.i == own.i)]
    if any(c.dep_ == "mark" and c.lower_ in _FOREIGN_MARKS and c.i < t.i for t in below for c in t.children):
        return True  # wherever the parser hung the 'si' or 'depuis que'
    current = other
    for _ in range(8):
        if current.i == own.i or not sent.start <= current.i < sent.end:
            return False
        marks = [c.lower_ for c in current.children if c.dep_ == "mark"]
        if current.dep_ in _RELATIVE:
            # "Y, qu'il avait rencontré en janvier": the pluperfect tells an earlier event; "pour un défilé qui
            # se déroule ce 3 septembre": the occasion of the main event, same day
            return _pluperfect(current)
        if (current.dep_ in _COORDINATED or (current.dep_ == "advcl" and not marks and _finite(current))) and (
                anchor.i > tok.i):
            # a later coordinated clause has its own date ('a rappelé X et a rejeté mercredi Y'); an unmarked
            # finite 'advcl' is such a clause the parser hung below; a date before both verbs dates both
            # ('Il y a un mois, X a effectué une visite et s'est entretenu avec Y')
            return True
        current = _clause_head(current.head) if current.head.i != current.i else current
    return False


def _earlier_conjunct(anchor: Token, tok: Token) -> bool:
    """The expression is in a clause the trigger's clause is coordinated to: it dates the trigger only when the
    trigger's own conjunct names no date ('Il y a un mois, X a effectué une visite et s'est entretenu avec Y')."""
    other = _clause_head(anchor)
    if other.i == _clause_head(tok).i or not _is_under(tok, other):
        return False
    for t in [tok, *tok.ancestors]:
        if t.i == other.i:
            return False
        if t.dep_ == "conj" and t.pos_ in ("VERB", "AUX"):
            return True
    return False


def _determiner(ctx: Context, noun: Token) -> str | None:
    return next((c.lower_ for c in _children(ctx, noun) if c.dep_ == "det"), None)


def _own_expression(span: Span | None, noun: Token) -> bool:
    """The expression dates the noun: it hangs on it, or follows it at once ('la rencontre, le 30 juin,
    entre...', 'la visite mardi de X'), wherever the parser attached it."""
    if span is None:
        return False
    between = span.doc[noun.i + 1:span.start]
    return _is_under(span.root, noun) or (span.start > noun.i and len(between) <= 2
                                          and all(t.is_punct or t.pos_ == "ADJ" for t in between))


def note_dated_noun(ctx: Context, memory: DateMemory, tok: Token, event_type: str,
                    expressions: list[TimeExpression]) -> None:
    """'la rencontre, le 30 juin, entre X et Y': an event noun with its own date, remembered for later mentions
    even when this one is not coded (background, parties missing)."""
    if tok.pos_ != "NOUN":
        return
    for expr in expressions:
        if _own_expression(ctx.doc.char_span(expr.start, expr.end, alignment_mode="expand"), tok):
            memory.note(event_type, tok, expr.date)
            return


def _framed(ctx: Context, noun: Token) -> bool:
    """'lors de la rencontre', 'au cours de leur entretien', 'à l'issue des pourparlers'."""
    words = {w.lower_ for c in _children(ctx, noun) if c.dep_ == "case"
             for w in (c, *(f for f in c.children if f.dep_ == "fixed"))}
    return bool(words & _FRAMES) or (noun.head.i != noun.i and noun.head.lower_ in _FRAMES
                                     and bool(words & {"de", "des", "du", "d'", "d’"}))


def recalled_date(ctx: Context, memory: DateMemory, tok: Token, event_type: str, sent: Span) -> EventDate | None:
    """The date of the event this one refers back to: the trigger itself ('cette rencontre', 'la rencontre'),
    or the frame the sentence is set in ('Lors de leur entrevue, ils avaient convenu...')."""
    if tok.pos_ == "NOUN":
        recalled = memory.recall(event_type, tok, _determiner(ctx, tok), framed=_framed(ctx, tok))
        if recalled is not None:
            return recalled
    for noun in sent:
        if noun.pos_ != "NOUN" or noun.i == tok.i:
            continue
        if not _framed(ctx, noun):
            continue
        found = _sense(ctx, noun)
        if found is None:
            continue
        recalled = memory.recall(found.sense.type, noun, _determiner(ctx, noun), framed=True)
        if recalled is not None:
            return recalled
    return None


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
        reported = _clause_head(anchor).i in attribution_verbs and _clause_head(anchor).i != _clause_head(tok).i
        if not reported and _foreign_clause(anchor, tok, sent):
            continue
        distance = float(_tree_distance(anchor, tok))
        if reported:
            distance += 50  # "a annoncé mardi l'agence": the report's date, used only when nothing else is
        if _earlier_conjunct(anchor, tok):
            distance += 60  # "Vendredi, X a tiré, et la veille, il avait dit avoir frappé": its own conjunct first
        distance += abs(span.start - tok.i) / 100
        if best is None or distance < best[0]:
            best = (distance, expr)
    if best is not None:
        chosen = best[1].for_event(planned)
        around = offset_from_event(ctx.text[sent.start_char:tok.idx]) if tok.pos_ == "NOUN" else None
        return shifted(chosen, *around) if around is not None else chosen
    if ctx.published is None:
        return None
    return publication_period(ctx.published)  # no time expression: the publication month (or year)
