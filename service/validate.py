"""Validation of raw stream entries: a valid ArticleIn, or a reason to dead-letter it.

Pure. Every way an entry can be bad maps to one stable, machine-readable reason
that ops can alert on, plus a human-readable detail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from pydantic import ValidationError

from contracts.models import ArticleIn, DeadLetterReason
from service import names

# JSON nesting deeper than this is not an article; refusing early bounds parser work.
MAX_DEPTH = 20


@dataclass(frozen=True)
class Rejected:
    reason: DeadLetterReason
    error: str
    payload: str
    article_id: str | None = None


def _depth(raw: str) -> int:
    depth = best = 0
    in_string = escaped = False
    for ch in raw:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def _describe(error: ValidationError) -> str:
    parts = []
    for e in error.errors()[:5]:
        loc = ".".join(str(x) for x in e["loc"]) or "(root)"
        parts.append(f"{loc}: {e['msg']}")
    return "; ".join(parts)


def parse_entry(fields: dict[bytes, bytes], max_text_chars: int) -> ArticleIn | Rejected:
    """Turn one XADD's fields into an article, or say precisely why not."""
    raw_bytes = fields.get(names.DATA_FIELD.encode())
    if raw_bytes is None:
        listed = ", ".join(sorted(k.decode("utf-8", "replace") for k in fields))[:200]
        return Rejected("missing_data_field", f"no '{names.DATA_FIELD}' field (fields: {listed})", "")
    # A body can be 5x the text limit (HTML); beyond that, do not even decode it.
    if len(raw_bytes) > 6 * max_text_chars + 10_000:
        return Rejected("payload_too_large", f"{len(raw_bytes)} bytes > limit",
                        raw_bytes[:10_000].decode("utf-8", "replace"))
    payload = raw_bytes.decode("utf-8", "replace")
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Rejected("invalid_utf8", f"payload is not UTF-8: {exc}", payload)
    # Counting brackets is C-fast; the exact depth scan only runs when nesting is possible at all.
    if text.count("[") + text.count("{") > MAX_DEPTH and _depth(text) > MAX_DEPTH:
        return Rejected("invalid_json", f"JSON nested deeper than {MAX_DEPTH}", payload[:10_000])
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # ValueError also covers integers beyond 4300 digits
        return Rejected("invalid_json", f"payload is not JSON: {exc}", payload)
    if not isinstance(data, dict):
        return Rejected("invalid_article", f"payload must be a JSON object, got {type(data).__name__}", payload)
    article_id = data.get("id") if isinstance(data.get("id"), str) else None
    body = data.get("text") if data.get("text") is not None else data.get("html")
    if body is None:
        return Rejected("missing_text", "neither 'text' nor 'html' is present", payload, article_id)
    if isinstance(body, str) and len(body) > max_text_chars * (1 if data.get("text") is not None else 5):
        return Rejected("text_too_long", f"{len(body)} characters > limit {max_text_chars}", payload[:10_000],
                        article_id)
    try:
        article = ArticleIn.model_validate(data)
    except ValidationError as exc:
        return Rejected("invalid_article", _describe(exc), payload, article_id)
    body = article.text if article.text is not None else article.html
    if not body or not body.strip():
        return Rejected("empty_text", "text is empty or whitespace only", payload, article.id)
    if "\x00" in body:
        return Rejected("invalid_text", "text contains NUL characters", payload, article.id)
    return article
