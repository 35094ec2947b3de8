"""HTML input: article text, title and publication time of a page, from one parse.

Pure. trafilatura (made for news pages) finds the text and the title; the publication
time is read from the page's own metadata first, because trafilatura's date keeps only
the day and drops the time zone: `article:published_time`, JSON-LD `datePublished`,
then `<time datetime>`. The time zone is kept as the page gives it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.published import Published, parse_published

# JSON-LD is searched this deep for datePublished (it often sits in an @graph list).
_JSON_LD_DEPTH = 6
_META_DATES = (
    "//meta[@property='article:published_time']/@content",
    "//meta[@property='og:article:published_time']/@content",
    "//meta[@name='article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
)
_TIME_DATES = (
    "//time[@itemprop='datePublished']/@datetime",
    "//time[@pubdate]/@datetime",
    "//article//time/@datetime",
    "//time/@datetime",
)
_TITLES = (
    "//meta[@property='og:title']/@content",
    "//h1",
    "//title",
)


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    published: Published | None


def read_page(html: str) -> Page:
    """Text, title and publication time of an HTML page."""
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    tree = load_html(html)
    if tree is None:
        return Page("", None, None)
    # Read the metadata before trafilatura prunes the tree.
    published = _published(tree)
    fallback_title = _first_title(tree)
    document = bare_extraction(tree, include_comments=False, include_tables=False, favor_precision=True,
                               with_metadata=True)
    text = (getattr(document, "text", None) or "") if document is not None else ""
    title = _clean_title(getattr(document, "title", None)) or fallback_title
    day = getattr(document, "date", None)
    if published is None and isinstance(day, str):
        published = _parsed(day)
    return Page(text, title, published)


def html_to_text(html: str) -> tuple[str, datetime | None, str | None]:
    """Article text, publication time and title of an HTML page (see read_page)."""
    page = read_page(html)
    return page.text, page.published.at if page.published else None, page.title


def _parsed(value: str) -> Published | None:
    found = parse_published(value)
    return found if isinstance(found, Published) else None


def _published(tree: Any) -> Published | None:
    candidates: list[str] = []
    for xpath in _META_DATES:
        candidates += [str(v) for v in tree.xpath(xpath)]
    candidates += list(_json_ld_dates(tree))
    for xpath in _TIME_DATES:
        candidates += [str(v) for v in tree.xpath(xpath)]
    for value in candidates:
        if (found := _parsed(value.strip())) is not None:
            return found
    return None


def _json_ld_dates(tree: Any) -> Iterator[str]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content() or "")
        except (ValueError, RecursionError):  # broken JSON-LD is common; the other sources remain
            continue
        yield from _find_key(data, "datePublished", _JSON_LD_DEPTH)


def _find_key(data: object, key: str, depth: int) -> Iterator[str]:
    if depth <= 0:
        return
    if isinstance(data, dict):
        if isinstance(data.get(key), str):
            yield data[key]
        for value in data.values():
            yield from _find_key(value, key, depth - 1)
    elif isinstance(data, list):
        for value in data:
            yield from _find_key(value, key, depth - 1)


def _first_title(tree: Any) -> str | None:
    for xpath in _TITLES:
        for found in tree.xpath(xpath):
            title = _clean_title(found if isinstance(found, str) else found.text_content())
            if title:
                return title
    return None


def _clean_title(title: object) -> str | None:
    if not isinstance(title, str):
        return None
    return " ".join(title.split()) or None
