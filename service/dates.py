"""Time expressions: find them in a sentence and resolve them against the publication date.

Pure functions over text. Precision is what the text supports: "le 12 octobre"
is a day, "en juin dernier" a month, "l'an dernier" a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from contracts.models import EventDate

MONTHS = {
    "janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
}
WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
_M = "|".join(MONTHS)
_W = "|".join(WEEKDAYS)
_NUMBERS = {"un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "dix": 10, "quelques": 2}
_N = r"\d{1,2}|" + "|".join(_NUMBERS)

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("dmy", re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({_M})\s+(\d{{4}})\b", re.I)),
    ("numeric", re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")),
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("dm", re.compile(rf"\b(?:le|ce|du|au|dès le|depuis le)\s+(?:(?:{_W})\s+)?(\d{{1,2}})(?:er)?\s+({_M})\b", re.I)),
    ("relday", re.compile(r"\b(avant-hier|hier|aujourd'hui|aujourd’hui|demain|ce jour)\b", re.I)),
    ("weekday", re.compile(rf"\b(?:(ce|le)\s+)?({_W})(?:\s+(dernier|prochain|soir|matin|après-midi))?\b", re.I)),
    ("lastmonth", re.compile(r"\b(le mois dernier|le mois précédent|ce mois-ci|le mois prochain)\b", re.I)),
    ("ago", re.compile(rf"\b(?:il y a|voici)\s+({_N})\s+(jours?|semaines?|mois|ans?|années?)\b", re.I)),
    ("later", re.compile(rf"\b({_N})\s+(jours?|semaines?|mois|ans?)\s+(?:plus tôt|auparavant|avant)\b", re.I)),
    ("lastweek", re.compile(r"\b(la semaine dernière|la semaine passée|cette semaine|la semaine prochaine)\b", re.I)),
    ("month", re.compile(
        rf"\b(?:(en|début|fin|mi|courant|à la mi|à la fin|au début|depuis)[\s-]+)?(?:du mois de\s+|de\s+)?({_M})"
        r"(?:\s+(dernier|prochain|(\d{4})))?\b", re.I)),
    ("lastyear", re.compile(r"\b(l'an dernier|l’an dernier|l'année dernière|l’année dernière|l'an passé|"
                            r"cette année|l'an prochain|l’an prochain|l'année prochaine)\b", re.I)),
    ("year", re.compile(r"\b(?:en|depuis|courant|début|fin)\s+(\d{4})\b", re.I)),
]


@dataclass(frozen=True)
class TimeExpression:
    start: int
    end: int
    date: EventDate


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _day(d: date, expression: str) -> EventDate:
    return EventDate(value=d.isoformat(), precision="day", expression=expression)


def _month(year: int, month: int, expression: str) -> EventDate:
    return EventDate(value=f"{year:04d}-{month:02d}", precision="month", expression=expression)


def _past_year_for(month: int, pub: date, direction: str | None) -> int:
    """A month named without a year: the latest such month not after publication, unless 'prochain'."""
    if direction == "prochain":
        return pub.year if month > pub.month else pub.year + 1
    return pub.year if month <= pub.month else pub.year - 1


def _resolve(kind: str, m: re.Match[str], pub: date) -> EventDate | None:  # noqa: C901 - one branch per form
    text = m.group(0)
    g = [x.lower() if isinstance(x, str) else x for x in m.groups()]
    try:
        if kind == "dmy":
            return _day(date(int(g[2]), MONTHS[g[1]], int(g[0])), text)
        if kind == "numeric":
            return _day(date(int(g[2]), int(g[1]), int(g[0])), text)
        if kind == "iso":
            return _day(date(int(g[0]), int(g[1]), int(g[2])), text)
        if kind == "dm":
            month, day = MONTHS[g[1]], int(g[0])
            candidate = date(pub.year, month, day)
            if candidate > pub + timedelta(days=7):  # "le 28 décembre" read on 3 January
                candidate = date(pub.year - 1, month, day)
            return _day(candidate, text)
    except ValueError:
        return None
    if kind == "relday":
        offset = {"avant-hier": -2, "hier": -1, "demain": 1}.get(g[0], 0)
        return _day(pub + timedelta(days=offset), text)
    if kind == "weekday":
        target = WEEKDAYS[g[1]]
        if g[2] == "prochain":
            return _day(pub + timedelta(days=(target - pub.weekday()) % 7 or 7), text)
        back = (pub.weekday() - target) % 7
        if back == 0 and g[2] == "dernier":
            back = 7  # "vendredi dernier" written on a Friday is a week ago
        return _day(pub - timedelta(days=back), text)
    if kind == "lastmonth":
        delta = {"le mois dernier": -1, "le mois précédent": -1, "le mois prochain": 1}.get(g[0], 0)
        return _month(*_shift_month(pub.year, pub.month, delta), text)
    if kind in ("ago", "later"):
        n = int(g[0]) if g[0].isdigit() else _NUMBERS[g[0]]
        unit = g[1]
        if unit.startswith(("an", "ann")):
            return EventDate(value=f"{pub.year - n:04d}", precision="year", expression=text)
        if unit == "mois":
            return _month(*_shift_month(pub.year, pub.month, -n), text)
        days = n * (7 if unit.startswith("semaine") else 1)
        d = pub - timedelta(days=days)
        return _day(d, text) if days <= 2 else _month(d.year, d.month, text)
    if kind == "lastweek":
        days = {"la semaine prochaine": 7, "cette semaine": 0}.get(g[0], -7)
        d = pub + timedelta(days=days)
        return _month(d.year, d.month, text)
    if kind == "month":
        month = MONTHS[g[1]]
        year = int(g[3]) if g[3] else _past_year_for(month, pub, g[2])
        if g[0] is None and g[2] is None and g[3] is None:
            return None  # a bare month name ("mai") is too often something else
        return _month(year, month, text)
    if kind == "lastyear":
        delta = -1 if ("dernier" in g[0] or "dernière" in g[0] or "passé" in g[0]) else (
            1 if "prochain" in g[0] else 0)
        return EventDate(value=f"{pub.year + delta:04d}", precision="year", expression=text)
    if kind == "year":
        return EventDate(value=g[0], precision="year", expression=text)
    return None


def find_time_expressions(text: str, pub: date) -> list[TimeExpression]:
    """Every resolvable time expression in `text`, longest match first where they overlap."""
    found: list[TimeExpression] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            resolved = _resolve(kind, m, pub)
            if resolved is not None:
                found.append(TimeExpression(m.start(), m.end(), resolved))
                taken.append((m.start(), m.end()))
    return sorted(found, key=lambda t: t.start)
