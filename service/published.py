"""Producer dates: read `published_at` in every form scrapers send, or say why not.

Pure. Forms, tried in this order:

- ISO 8601 in full or reduced precision ("2023", "2023-09", "2023-09-19", with or without
  a time, with an offset, "Z" or none), read by dateutil's `isoparse`;
- RFC 2822 ("Tue, 19 Oct 2023 10:00:00 GMT", RSS `pubDate`), read by `email.utils`;
- Unix time as a JSON number or a numeric string: seconds below 1e11, milliseconds from there;
  a 4-digit integer is a year, like the ISO string "2023";
- French dates ("19/10/2023", "le 19.10.2023", "19 octobre 2023 à 10h00", "19 oct. 2023"),
  read by `dateparser` with French day-month-year order and relative dates ("hier") refused.

The precision the producer gave is kept: dates read from text and events resolve against it.
A date with no offset is taken as UTC and says so (`offset_given=False`).
"""

from __future__ import annotations

import email.utils
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

from dateutil.parser import isoparse

from contracts.models import DateIgnoredReason, PublishedPrecision
from service.dates import Reference

# A publication date outside these years is a scraper's bug (epoch zero, year 9999), not news.
EARLIEST = datetime(1800, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
# Unix time: below this a number is seconds (1e11 s is year 5138), from here milliseconds.
MILLISECONDS_FROM = 1e11
# Unix times before 1990 are almost always a zero or a unit mistake, never a web article.
EARLIEST_UNIX = datetime(1990, 1, 1, tzinfo=UTC)
# The value is echoed in the output; a producer's garbage is cut to this.
MAX_ECHO = 200

_NUMERIC = re.compile(r"[+-]?\d+(?:\.\d+)?")
# What pages print before the date ("Publié le", "Mis à jour le") and "10 h 05": dateparser reads neither.
_LEAD = re.compile(r"^(?:publié|mis à jour|modifié|actualisé)(?:\s+le)?\s+", re.IGNORECASE)
_SPACED_CLOCK = re.compile(r"\b(\d{1,2})\s+h\s*(\d{2})\b")
_PERIOD: dict[str, PublishedPrecision] = {"year": "year", "month": "month", "week": "day", "day": "day"}


@dataclass(frozen=True)
class Published:
    """A producer's publication date: an aware instant and what the producer really said."""

    at: datetime
    precision: PublishedPrecision
    offset_given: bool

    def reference(self) -> Reference:
        """What time expressions in the text resolve against: the local calendar date, at most to the day."""
        coarse = self.precision if self.precision in ("year", "month") else "day"
        return Reference(self.at.date(), coarse)


@dataclass(frozen=True)
class Ignored:
    """A `published_at` that was given but could not be used, and why."""

    value: str
    reason: DateIgnoredReason
    detail: str


def parse_published(raw: object) -> Published | Ignored | None:
    """The producer's `published_at` as a date with its precision, None when absent, or why it was ignored."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, datetime):
        return _checked(raw, raw, "second", raw.utcoffset() is not None)
    if isinstance(raw, date):
        return _checked(raw, datetime(raw.year, raw.month, raw.day), "day", False)
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return Ignored(_echo(raw), "wrong_type", f"expected a string or a number, got {_json_type(raw)}")
    if isinstance(raw, int | float):
        return _from_number(raw, raw)
    text = raw.strip()
    if _NUMERIC.fullmatch(text) and len(text) != 4 and not re.fullmatch(r"\d{8}", text):
        return _from_number(raw, float(text))
    for reader in (_iso, _rfc2822, _french):
        found = reader(text)
        if found is not None:
            at, precision, offset_given = found
            return _checked(raw, at, precision, offset_given)
    return Ignored(_echo(raw), "unparseable", "not ISO 8601, RFC 2822, Unix time or a French date")


def _checked(raw: object, at: datetime, precision: PublishedPrecision, offset_given: bool) -> Published | Ignored:
    offset = at.utcoffset()
    # Plain fixed offsets, whichever parser made the value: "+01:00" stays "+01:00".
    at = at.replace(tzinfo=UTC if offset is None or not offset else timezone(offset))
    try:
        instant = at.astimezone(UTC)
    except OverflowError:  # "0001-01-01T00:00:00+01:00" has no UTC instant
        instant = EARLIEST - timedelta(days=1)
    if not EARLIEST <= instant < LATEST:
        return Ignored(_echo(raw), "out_of_range", f"{at.isoformat()} is outside {EARLIEST.year}-{LATEST.year - 1}")
    return Published(at, precision, offset_given)


def _from_number(raw: object, value: float) -> Published | Ignored:
    if not math.isfinite(value):
        return Ignored(_echo(raw), "out_of_range", "not a finite number")
    if isinstance(raw, int) and not isinstance(raw, bool) and 1000 <= raw <= 9999:
        return _checked(raw, datetime(raw, 1, 1), "year", False)
    seconds = value / 1000 if abs(value) >= MILLISECONDS_FROM else value
    if not EARLIEST_UNIX.timestamp() <= seconds < LATEST.timestamp():
        return Ignored(_echo(raw), "out_of_range",
                       f"Unix time {value:g} is not between {EARLIEST_UNIX.year} and {LATEST.year - 1} "
                       "in seconds or milliseconds")
    return Published(datetime.fromtimestamp(seconds, UTC), "second", True)


def _iso(text: str) -> tuple[datetime, PublishedPrecision, bool] | None:
    if not text[:4].isdigit():
        return None
    try:
        at = isoparse(text)
    except (ValueError, OverflowError):
        return None
    return at, _iso_precision(text), at.tzinfo is not None


def _iso_precision(text: str) -> PublishedPrecision:
    """How much of the calendar and clock an ISO 8601 string gives: "2023-09" is a month."""
    day_part, sep, clock = text.partition("T")
    if not sep:
        day_part, sep, clock = text.partition(" ")
    if sep:
        digits = sum(c.isdigit() for c in re.match(r"[\d:]*", clock).group())  # type: ignore[union-attr]
        return "hour" if digits <= 2 else "minute" if digits <= 4 else "second"
    digits = sum(c.isdigit() for c in day_part)
    return "year" if digits == 4 else "month" if digits == 6 else "day"


def _rfc2822(text: str) -> tuple[datetime, PublishedPrecision, bool] | None:
    try:
        at = email.utils.parsedate_to_datetime(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    # RFC 2822's "-0000" means "time in UTC, local zone unknown": parsed as naive.
    precision: PublishedPrecision = "second" if re.search(r"\d:\d\d:\d\d", text) else "minute"
    return at, precision, at.tzinfo is not None


@lru_cache(maxsize=1)
def _french_parser() -> Any:
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["fr", "en"],  # French sites' feeds are sometimes formatted in English ("October 19, 2023")
        settings={
            "DATE_ORDER": "DMY",
            "PARSERS": ["absolute-time"],  # "hier", "il y a 3 jours": relative to what? Refused.
            "REQUIRE_PARTS": ["year"],  # "19 octobre" alone would silently take this year
            "PREFER_DAY_OF_MONTH": "first",
        },
    )


def _french(text: str) -> tuple[datetime, PublishedPrecision, bool] | None:
    text = _SPACED_CLOCK.sub(r"\1h\2", _LEAD.sub("", text))
    try:
        data = _french_parser().get_date_data(text)
    except (ValueError, OverflowError, TypeError):
        return None
    at = data.date_obj
    if not isinstance(at, datetime) or data.period not in _PERIOD:
        return None
    precision = _PERIOD[data.period]
    if precision == "year":
        at = at.replace(month=1, day=1)
    elif precision == "month":
        at = at.replace(day=1)
    elif (at.hour, at.minute, at.second) != (0, 0, 0) or re.search(r"\d\s*[h:]\s*\d\d", text):
        precision = "minute"
    return at, precision, at.tzinfo is not None


def _json_type(raw: object) -> str:
    return {list: "an array", dict: "an object", bool: "a boolean"}.get(type(raw), type(raw).__name__)


def _echo(raw: object) -> str:
    text = raw if isinstance(raw, str) else repr(raw)
    return text[:MAX_ECHO]


@dataclass(frozen=True)
class Publication:
    """An article's publication date and where it came from, as the output reports it."""

    published: Published | None
    ignored: Ignored | None = None  # the producer's value, when given but unreadable
    from_producer: bool = True

    def reference(self) -> Reference | None:
        return self.published.reference() if self.published else None

    def output_fields(self) -> dict[str, Any]:
        """The `published_at*` fields of an enriched article."""
        p = self.published
        return {
            "published_at": p.at if p else None,
            "published_at_precision": p.precision if p else None,
            "published_at_offset_given": p.offset_given if p else None,
            "published_at_ignored": ({"value": self.ignored.value, "reason": self.ignored.reason,
                                      "detail": self.ignored.detail} if self.ignored else None),
        }


def publication(raw: object, page: Published | None = None, in_text: datetime | None = None) -> Publication:
    """The producer's date when it can be read; else the page's metadata; else a date header of the text."""
    produced = parse_published(raw)
    if isinstance(produced, Published):
        return Publication(produced)
    ignored = produced if isinstance(produced, Ignored) else None
    if page is not None:
        return Publication(page, ignored, from_producer=False)
    if in_text is not None:
        found = _checked(in_text, in_text, "day" if in_text.time() == datetime.min.time() else "minute",
                         bool(in_text.utcoffset()))  # clean() assumes UTC when the line names no zone
        if isinstance(found, Published):
            return Publication(found, ignored, from_producer=False)
    return Publication(None, ignored, from_producer=ignored is None)
