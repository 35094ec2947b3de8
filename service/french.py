"""French calendar words: the one table of month and weekday names every module reads.

Keys are lower case; each month is also listed without its accent ("fevrier", "aout",
"decembre") because scrapers and keyboards often drop them.
"""

from __future__ import annotations

MONTH_NAMES = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
               "novembre", "décembre")
WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")

# Month number by name, accented and unaccented.
MONTHS: dict[str, int] = {
    **{name: n for n, name in enumerate(MONTH_NAMES, start=1)},
    "fevrier": 2, "aout": 8, "decembre": 12,
}
# Python's date.weekday() by name: lundi is 0.
WEEKDAYS: dict[str, int] = {name: n for n, name in enumerate(WEEKDAY_NAMES)}
