"""Cleaning stage: raw text or HTML in, article text ready for NLP out.

Pure functions. The cleaned text keeps the characters as received (offsets in
the output refer to it); `fold_for_nlp` gives spaCy a same-length copy with
typographic quotes folded, so offsets found on one are valid on the other.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

from contracts.models import CleaningReport, RemovedText
from service.boilerplate import cut_fragment, line_rule
from service.french import MONTHS as _MONTHS
from service.html import html_to_text

DATA = Path(__file__).parent / "data"

# One-to-one replacements only: the folded text must keep every offset.
_FOLD = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "′": "'", "«": '"', "»": '"', "“": '"', "”": '"', "„": '"',
                       "\u00a0": " ", "\u202f": " ", "\u2009": " ", "–": "-", "—": "-"})
_WS = re.compile(r"\s+")
_MONTH_RE = "|".join(_MONTHS)
# "12 Octobre 2023 18:03 (UTC+01:00)" as a whole line
_DATE_LINE = re.compile(
    rf"^(?:le\s+)?(\d{{1,2}})(?:er)?\s+({_MONTH_RE})\s+(\d{{4}})"
    r"(?:\s*(?:à\s*)?(\d{1,2})\s*[:h]\s*(\d{2}))?\s*(?:\(?\s*(?:UTC|GMT)\s*([+-]\d{1,2})(?::?(\d{2}))?\s*\)?)?\s*$",
    re.IGNORECASE,
)
# "Le 29/11/2024 à 06h59"
_NUMERIC_DATE_LINE = re.compile(
    r"^(?:le\s+|publié le\s+)?(\d{1,2})/(\d{1,2})/(\d{4})(?:\s*(?:à|-)?\s*(\d{1,2})\s*[:h]\s*(\d{2}))?\s*$",
    re.IGNORECASE,
)
# "date 2024-09 Headline..." as a prefix of a line
_ISO_PREFIX = re.compile(r"^date\s+(\d{4})-(\d{2})(?:-(\d{2}))?\b\s*", re.IGNORECASE)
# "Séoul, 14 mars 2025 (AFP) - ..." dateline at the start of a paragraph
_DATELINE = re.compile(
    rf"^[A-ZÀ-Ý][\w' -]{{1,40}},\s+(\d{{1,2}})(?:er)?\s+({_MONTH_RE})\s+(\d{{4}})\s*\([A-Z]{{2,6}}\)\s*[-–—]\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Cleaned:
    text: str
    report: CleaningReport
    published_at: datetime | None  # found in the text, when a date header is present


# The report lists the first REMOVED_LISTED pieces, each cut to REMOVED_TEXT_CHARS: enough to see
# what went and why, without copying a whole page into every output.
REMOVED_LISTED = 20
REMOVED_TEXT_CHARS = 200
# A piece is at most this many fragments cut off one line (a read-also link, then a share bar, ...).
_MAX_FRAGMENTS_PER_LINE = 4


@dataclass
class _Removals:
    listed: list[RemovedText]
    count: int = 0
    chars: int = 0
    lines: int = 0

    def add(self, text: str, rule: str, kind: Literal["line", "fragment", "duplicate", "date_header"]) -> None:
        self.count += 1
        self.chars += len(text)
        self.lines += kind == "line" or rule == "date_line"
        if len(self.listed) < REMOVED_LISTED:
            shown = text if len(text) <= REMOVED_TEXT_CHARS else text[:REMOVED_TEXT_CHARS - 1] + "…"
            self.listed.append(RemovedText(text=shown, rule=rule, kind=kind))


def normalize_for_hash(text: str) -> str:
    """NFC, whitespace folded, case kept: the identity of an article's content."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def fold_for_nlp(text: str) -> str:
    return text.translate(_FOLD)


def _date_from_line(line: str) -> datetime | None:
    try:
        return _parse_date_line(line)
    except (ValueError, OverflowError):  # "31 février", "25:61", "UTC+99": shaped like a date, not one
        return None


def _parse_date_line(line: str) -> datetime | None:
    if m := _DATE_LINE.match(line):
        day, month, year, hh, mm, tzh, tzm = m.groups()
        tz = UTC if tzh is None else timezone(timedelta(hours=int(tzh), minutes=int(tzm or 0)))
        return datetime(int(year), _MONTHS[month.lower()], int(day), int(hh or 0), int(mm or 0), tzinfo=tz)
    if m := _NUMERIC_DATE_LINE.match(line):
        day, month, year, hh, mm = m.groups()
        return datetime(int(year), int(month), int(day), int(hh or 0), int(mm or 0), tzinfo=UTC)
    return None


def _safe_date(build: tuple[int, int, int]) -> datetime | None:
    try:
        return datetime(*build, tzinfo=UTC)
    except ValueError:
        return None


def _strip_fragments(line: str, removals: _Removals) -> str:
    for _ in range(_MAX_FRAGMENTS_PER_LINE):
        cut = cut_fragment(line)
        if cut is None:
            break
        removals.add(cut.text, cut.rule, cut.kind)
        line = cut.rest
        if not line:
            break
    return line


def clean(text: str | None, html: str | None = None, source: str | None = None) -> Cleaned:
    """Drop boilerplate, repeated lines and date headers, never a sentence; find a date in the text.

    Boilerplate rules (service/boilerplate.py) remove whole lines only when they carry no sentence, and
    otherwise only a fragment at the start or end of a line. `source` is the article's outlet: a line
    that is just its name goes. Every removed piece is counted and the first ones listed in the report.
    """
    from_html = False
    found_date: datetime | None = None
    if not text and html:
        text, found_date, _ = html_to_text(html)
        from_html = True
    raw = unicodedata.normalize("NFC", text or "")
    removals = _Removals(listed=[])
    kept: list[str] = []
    seen: set[str] = set()
    duplicate_lines = 0
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        if m := _ISO_PREFIX.match(line):
            year, month, day = m.groups()
            found_date = found_date or _safe_date((int(year), int(month), int(day or 1)))
            removals.add(line[:m.end()].strip(), "date_prefix", "date_header")
            line = line[m.end():]
            if not line:
                continue
        if (date := _date_from_line(line)) is not None:
            found_date = found_date or date
            removals.add(line, "date_line", "date_header")
            continue
        if m := _DATELINE.match(line):
            day, month, year = m.groups()
            found_date = found_date or _safe_date((int(year), _MONTHS[month.lower()], int(day)))
        line = _strip_fragments(line, removals)
        if not line:
            continue
        key = line.casefold()
        if key in seen:
            duplicate_lines += 1
            removals.add(line, "duplicate", "duplicate")
            continue
        seen.add(key)
        if (rule := line_rule(line, source)) is not None:
            removals.add(line, rule, "line")
            continue
        kept.append(line)
    cleaned = "\n".join(kept)
    report = CleaningReport(
        boilerplate_lines=removals.lines,
        duplicate_lines=duplicate_lines,
        chars_removed=removals.chars,
        removed_share=round(min(1.0, removals.chars / len(raw)), 4) if raw else 0.0,
        removed=removals.listed,
        removed_count=removals.count,
        from_html=from_html,
        published_at_from_text=False,
    )
    return Cleaned(text=cleaned, report=report, published_at=found_date)
