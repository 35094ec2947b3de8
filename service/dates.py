"""Time expressions: find them in a sentence and resolve them against the publication date.

Pure functions over text. Precision is what the text supports: "le 12 octobre"
is a day, "en juin dernier" a month, "l'an dernier" a year. It is also no finer than
the publication date allows: with only its month known, "le 13 septembre" is still a
day of that year, but "mercredi" or "hier" is no more than that month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from contracts.models import DatePrecision, EventDate
from service.french import MONTHS, WEEKDAYS

_M = "|".join(MONTHS)
_W = "|".join(WEEKDAYS)
_NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "dix": 10, "quelques": 2}
_N = r"\d{1,2}|" + "|".join(_NUMBERS)

# What opens a noun phrase: "avant l'élection", "après son arrestation", "au lendemain du scrutin".
_NP = r"(?:l['’]|la\b|le\b|les\b|un\b|une\b|son\b|sa\b|ses\b|leur\b|leurs\b|ce\b|cet\b|cette\b|ces\b|de\b|d['’]|du\b|des\b)"
_ABOUT = r"(?:environ\s+|près de\s+|plus de\s+|presque\s+|quelque\s+)?"
_LAST_YEAR = r"de l'an(?:née)? (?:dernier|dernière|passé|passée)|de l’an(?:née)? (?:dernier|dernière|passé|passée)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("dmy", re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({_M})\s+(\d{{4}})\b", re.I)),
    ("numeric", re.compile(r"\b(\d{1,2})([/.])(\d{1,2})\2(\d{4})\b")),  # 19/10/2023, 19.10.2023
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    # "le 13 avril dernier", "ce mardi 1er octobre", "mercredi 12 mars"
    ("dm", re.compile(rf"\b(?:(?:le|ce|du|au|dès le|depuis le|jusqu'au|jusqu’au)\s+)?(?:(?:{_W})\s+)?"
                      rf"(\d{{1,2}})(?:er)?\s+({_M})(?:\s+(dernier|prochain))?\b", re.I)),
    ("night", re.compile(rf"\bdans la nuit de ({_W}) à ({_W})\b", re.I)),
    ("relday", re.compile(r"\b(avant-hier|hier|aujourd'hui|aujourd’hui|après-demain|demain|ce jour)\b", re.I)),
    ("weekday", re.compile(rf"\b(?:(ce|le)\s+)?({_W})(?:\s+(dernier|prochain|soir|matin|après-midi))?\b", re.I)),
    ("lastmonth", re.compile(r"\b(le mois dernier|le mois passé|le mois précédent|ce mois-ci|le mois prochain)\b",
                             re.I)),
    ("ago", re.compile(rf"\b(?:il y a|voici|voilà)\s+{_ABOUT}({_N})\s+(jours?|semaines?|mois|ans?|années?)\b", re.I)),
    # "deux jours auparavant"; "deux jours avant l'élection" dates the clause against the election, not
    # against the publication, so "avant" before a noun phrase is left to `offset_from_event`
    ("later", re.compile(rf"\b({_N})\s+(jours?|semaines?|mois|ans?)\s+(?:plus tôt|auparavant|avant\b(?!\s*{_NP}))",
                         re.I)),
    ("lastweek", re.compile(r"\b(la semaine dernière|la semaine passée|cette semaine|la semaine prochaine)\b", re.I)),
    ("month", re.compile(
        rf"\b(?:(en|début|fin|mi|courant|à la mi|à la fin|au début|depuis)[\s-]+)?(?:du mois de\s+|de\s+|d')?({_M})"
        rf"(?:\s+(dernier|prochain|(\d{{4}})|{_LAST_YEAR}))?\b", re.I)),
    ("lastyear", re.compile(r"\b(l'an dernier|l’an dernier|l'année dernière|l’année dernière|l'an passé|l’an passé|"
                            r"l'année passée|l’année passée|cette année|l'an prochain|l’an prochain|"
                            r"l'année prochaine|l’année prochaine)\b", re.I)),
    ("year", re.compile(r"\b(?:en|depuis|courant|début|fin|mi-)\s*(\d{4})\b", re.I)),
]

# What each pattern cannot match without, tested on the lowered sentence before the pattern runs: most
# sentences hold no date, and running the 14 patterns over each sentence with a trigger was ~15% of the events
# stage. Only necessary conditions: every alternative of a pattern holds one of its words (a pattern taught to
# match without them needs its entry here widened). `_CASEFOLD` maps the letters that `re.I` takes for i and s
# but `str.lower` does not (ı, ſ, and İ, which lowers to two characters).
_DIGIT = re.compile(r"\d")
_CASEFOLD = {0x130: "i", 0x131: "i", 0x17F: "s"}
_NEEDS_DIGIT = frozenset({"dmy", "numeric", "iso", "dm", "year"})
_NEEDS_WORD: dict[str, tuple[str, ...]] = {
    "dmy": tuple(MONTHS), "dm": tuple(MONTHS), "month": tuple(MONTHS),
    "night": ("nuit",), "weekday": tuple(WEEKDAYS), "relday": ("hier", "demain", "aujourd", "ce jour"),
    "lastmonth": ("mois",), "ago": ("il y a", "voici", "voilà"), "later": ("avant", "plus tôt"),
    "lastweek": ("semaine",), "lastyear": ("l'an", "l’an", "cette année"),
}


@dataclass(frozen=True)
class Reference:
    """The publication date expressions resolve against, with how much of it is known."""

    day: date  # the first day of the month or year when only those are known
    precision: DatePrecision = "day"

    def period(self, expression: str | None) -> EventDate:
        """The publication date itself, at its precision."""
        if self.precision == "year":
            return EventDate(value=f"{self.day.year:04d}", precision="year", expression=expression)
        if self.precision == "month":
            return EventDate(value=f"{self.day.year:04d}-{self.day.month:02d}", precision="month",
                             expression=expression)
        return _day(self.day, expression or "")


_RANK: dict[str, int] = {"year": 0, "month": 1, "day": 2}
# What each kind of expression needs to know of the publication date to say more than the date does.
_NEEDS: dict[str, DatePrecision] = {"relday": "day", "weekday": "day", "night": "day", "lastweek": "day",
                                    "lastmonth": "month"}


def publication_period(pub: date | Reference) -> EventDate:
    """An event with no time expression: news reports recent events, so the publication month (or year,
    when only that is known) is the honest guess."""
    ref = pub if isinstance(pub, Reference) else Reference(pub)
    coarse: DatePrecision = "year" if ref.precision == "year" else "month"
    return Reference(ref.day, coarse).period(None)


@dataclass(frozen=True)
class TimeExpression:
    start: int
    end: int
    date: EventDate
    # The reading for a planned event ("jeudi" is the coming Thursday), when it differs.
    planned: EventDate | None = None

    def for_event(self, planned: bool) -> EventDate:
        return self.planned if planned and self.planned is not None else self.date


Reading = tuple[EventDate, EventDate | None]


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _day(d: date, expression: str) -> EventDate:
    return EventDate(value=d.isoformat(), precision="day", expression=expression)


def _month(year: int, month: int, expression: str) -> EventDate:
    return EventDate(value=f"{year:04d}-{month:02d}", precision="month", expression=expression)


def _year(year: int, expression: str) -> EventDate:
    return EventDate(value=f"{year:04d}", precision="year", expression=expression)


def _month_year(month: int, pub: date, direction: str | None) -> tuple[int, int]:
    """(year for a past reading, year for a planned reading) of a month named without a year."""
    if direction == "prochain":
        nxt = pub.year if month > pub.month else pub.year + 1
        return nxt, nxt
    if direction == "dernier":
        last = pub.year if month < pub.month else pub.year - 1
        return last, last
    past = pub.year if month <= pub.month else pub.year - 1
    return past, (pub.year if month >= pub.month else pub.year + 1)


def _weekday(target: int, pub: date, qualifier: str | None, text: str) -> Reading:
    if qualifier == "prochain":
        return _day(pub + timedelta(days=(target - pub.weekday()) % 7 or 7), text), None
    back = (pub.weekday() - target) % 7
    if qualifier == "dernier":
        return _day(pub - timedelta(days=back or 7), text), None  # "vendredi dernier" on a Friday: a week ago
    ahead = (target - pub.weekday()) % 7
    return _day(pub - timedelta(days=back), text), _day(pub + timedelta(days=ahead), text)


def _explicit(kind: str, g: list[str], ref: Reference | None, text: str) -> Reading | None:
    try:
        if kind == "dmy":
            return _day(date(int(g[2]), MONTHS[g[1]], int(g[0])), text), None
        if kind == "numeric":
            return _day(date(int(g[3]), int(g[2]), int(g[0])), text), None
        if kind == "iso":
            return _day(date(int(g[0]), int(g[1]), int(g[2])), text), None
        if ref is None:
            return None
        month, day = MONTHS[g[1]], int(g[0])
        past_year, future_year = _years_of(month, day, ref, slack=0 if g[2] else 7)
        if g[2] == "dernier":  # "le 13 avril dernier": the past one, even for a planned event
            future_year = past_year
        elif g[2] == "prochain":
            past_year = future_year
        past, future = date(past_year, month, day), date(future_year, month, day)
        return _day(past, text), _day(future, text)  # "le 28 décembre" read on 3 January is last year's
    except ValueError:
        return None


def _years_of(month: int, day: int, ref: Reference, slack: int) -> tuple[int, int]:
    """(year of the latest such day, year of the coming one) for a day and month without a year.

    Within `slack` days of publication both readings keep the publication year (a report written
    a few days before or after the day)."""
    pub = ref.day
    if ref.precision == "year":
        return pub.year, pub.year
    if ref.precision == "month":
        return (pub.year if month <= pub.month else pub.year - 1), (pub.year if month >= pub.month else pub.year + 1)
    candidate = date(pub.year, month, day) if (month, day) != (2, 29) else date(pub.year, 3, 1)
    return (pub.year if candidate <= pub + timedelta(days=slack) else pub.year - 1,
            pub.year if candidate >= pub - timedelta(days=slack) else pub.year + 1)


def _relative(kind: str, g: list[str], ref: Reference, text: str) -> Reading | None:
    pub = ref.day
    n = int(g[0]) if g[0].isdigit() else _NUMBERS[g[0]]
    unit = g[1]
    if unit.startswith(("an", "ann")):
        return _year(pub.year - n, text), None
    if ref.precision == "year":
        return ref.period(text), None
    if unit == "mois":
        return _month(*_shift_month(pub.year, pub.month, -n), text), None
    if ref.precision == "month":
        return ref.period(text), None
    days = n * (7 if unit.startswith("semaine") else 1)
    d = pub - timedelta(days=days)
    return (_day(d, text) if days <= 2 else _month(d.year, d.month, text)), None


def _month_reading(g: list[str], ref: Reference, text: str) -> Reading | None:
    pub = ref.day
    month = MONTHS[g[1]]
    qualifier = (g[2] or "").lower() or None
    if g[0] is None and qualifier is None:
        return None  # a bare month name ("mai") is too often something else
    if g[3]:
        return _month(int(g[3]), month, text), None
    if qualifier and qualifier not in ("dernier", "prochain"):  # "février de l'année dernière"
        return _month(pub.year - 1, month, text), None
    if ref.precision == "year":
        return _month(pub.year, month, text), None
    past, planned = _month_year(month, pub, qualifier)
    return _month(past, month, text), _month(planned, month, text)


def _resolve(kind: str, m: re.Match[str], ref: Reference | None) -> Reading | None:
    text = m.group(0)
    g = [x.lower() if isinstance(x, str) else x for x in m.groups()]
    if kind in ("dmy", "numeric", "iso", "dm"):
        return _explicit(kind, g, ref, text)
    if ref is None:  # no publication date: only what dates itself ("en mars 2024", "en 2023")
        if kind == "month" and g[3]:
            return _month(int(g[3]), MONTHS[g[1]], text), None
        return (_year(int(g[0]), text), None) if kind == "year" else None
    needs = _NEEDS.get(kind)
    if needs is not None and _RANK[needs] > _RANK[ref.precision]:
        return ref.period(text), None  # "mercredi" with only the month known: that month
    pub = ref.day
    if kind == "night":  # "dans la nuit de mardi à mercredi": the night ends on the second day
        return _weekday(WEEKDAYS[g[1]], pub, None, text)
    if kind == "relday":
        offset = {"avant-hier": -2, "hier": -1, "demain": 1, "après-demain": 2}.get(g[0], 0)
        return _day(pub + timedelta(days=offset), text), None
    if kind == "weekday":
        return _weekday(WEEKDAYS[g[1]], pub, g[2], text)
    if kind == "lastmonth":
        delta = {"le mois dernier": -1, "le mois passé": -1, "le mois précédent": -1, "le mois prochain": 1}
        return _month(*_shift_month(pub.year, pub.month, delta.get(g[0], 0)), text), None
    if kind in ("ago", "later"):
        return _relative(kind, g, ref, text)
    if kind == "lastweek":
        days = {"la semaine prochaine": 7, "cette semaine": 0}.get(g[0], -7)
        d = pub + timedelta(days=days)
        return _month(d.year, d.month, text), None
    if kind == "month":
        return _month_reading(g, ref, text)
    if kind == "lastyear":
        folded = g[0].replace("’", "'")
        years = -1 if any(w in folded for w in ("dernier", "dernière", "passé")) else (
            1 if "prochain" in folded else 0)
        return _year(pub.year + years, text), None
    if kind == "year":
        return _year(int(g[0]), text), None
    return None


def find_time_expressions(text: str, pub: date | Reference | None) -> list[TimeExpression]:
    """Every resolvable time expression in `text`, longest match first where they overlap.

    `pub` is the publication date: a plain date is known to the day. Without one, only the
    expressions that date themselves ("le 3 septembre 2025", "en mars 2024") resolve."""
    ref = pub if isinstance(pub, Reference) or pub is None else Reference(pub)
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []
    digit = _DIGIT.search(text) is not None
    low = text.lower()
    if "ı" in low or "ſ" in low or "\u0307" in low:  # rare: translating every sentence costs more than its scans
        low = text.translate(_CASEFOLD).lower()
    for kind, pattern in _PATTERNS:
        if kind in _NEEDS_DIGIT and not digit:
            continue
        words = _NEEDS_WORD.get(kind)
        if words is not None and not any(w in low for w in words):
            continue
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            try:
                resolved = _resolve(kind, m, ref)
            except (ValueError, OverflowError):  # impossible dates, or arithmetic past year 1 or 9999
                resolved = None
            if resolved is not None:
                past, planned = resolved
                found.append(TimeExpression(m.start(), m.end(), past, planned if planned != past else None))
                taken.append((m.start(), m.end()))
    if not found:
        return found  # "la veille", "le lendemain" resolve only against a day found before them
    found.sort(key=lambda t: t.start)
    return _relative_to_previous(text, found, taken)


# "la veille", "le lendemain": a day told against the day named just before in the same sentence ("Vendredi,
# l'armée a ouvert le feu, et la veille, elle avait frappé..."); followed by "de X" it places a noun instead
# (`offset_from_event`).
_AROUND_PREVIOUS = re.compile(r"\b(l['’]avant-veille|la veille|le lendemain|le surlendemain|le jour même|ce jour-là)\b"
                              r"(?!\s+(?:de|du|des|d['’])\b)", re.I)
_PREVIOUS_SHIFT = {"l'avant-veille": -2, "la veille": -1, "le lendemain": 1, "le surlendemain": 2, "le jour même": 0,
                   "ce jour-là": 0}


def _relative_to_previous(text: str, found: list[TimeExpression], taken: list[tuple[int, int]]
                          ) -> list[TimeExpression]:
    added: list[TimeExpression] = []
    for m in _AROUND_PREVIOUS.finditer(text):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        before = [t for t in found if t.end <= m.start() and t.date.precision == "day"]
        if not before:
            continue  # nothing named before it in the sentence: left unresolved rather than guessed
        days = _PREVIOUS_SHIFT[m.group(1).lower().replace("’", "'")]
        past, planned = (None if d is None else _day(date.fromisoformat(d.value) + timedelta(days=days), m.group(0))
                         for d in (before[-1].date, before[-1].planned))
        if past is not None:
            added.append(TimeExpression(m.start(), m.end(), past, planned))
    return sorted([*found, *added], key=lambda t: t.start) if added else found


# "deux jours après l'arrestation", "une semaine avant le scrutin", "au lendemain de la rencontre", "à la veille
# du sommet": an event noun placed against the date of the clause it sits in, not against the publication.
_AROUND = re.compile(
    rf"\b(?:({_N})\s+(jours?|semaines?)\s+(après|avant)|(au lendemain|à la veille|la veille))\s+"
    rf"(?:de\s+)?(?:{_NP}\s*)?$", re.I)


def offset_from_event(before: str) -> tuple[int, str] | None:
    """When the text just before an event noun places it against the clause's date, the days to add to that
    date to date the noun, and the phrase: "deux jours après l'arrestation" in a clause of Friday puts the
    arrest on Wednesday (-2)."""
    m = _AROUND.search(before[-80:])
    if m is None:
        return None
    phrase = re.sub(rf"\s+(?:de\s+)?(?:{_NP}\s*)?$", "", m.group(0).strip())
    if m.group(4):
        return (-1 if "lendemain" in m.group(4).lower() else 1), phrase
    n = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1).lower()]
    days = n * (7 if m.group(2).lower().startswith("semaine") else 1)
    return (-days if m.group(3).lower() == "après" else days), phrase


def shifted(base: EventDate, days: int, phrase: str) -> EventDate:
    """`base` moved by `days` when it is a day; a month or year stays as it is (a few days rarely matter
    there, and the text says no more)."""
    expression = f"{phrase} ({base.expression})" if base.expression else phrase
    if base.precision != "day":
        return base.model_copy(update={"expression": expression})
    return _day(date.fromisoformat(base.value) + timedelta(days=days), expression)
