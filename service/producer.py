"""Reading article files and pushing them onto the input stream: the producer side of the CLI."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import redis

from contracts.models import ArticleIn
from service import names
from service.validate import Rejected, parse_entry

SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")


class InputError(Exception):
    """A user's input is unusable; the message names the file, line or field, fit for one line on stderr."""


@dataclass(frozen=True)
class Sourced:
    """An article as read, with where it came from ("file.jsonl:3"), so a refusal can point at it."""

    origin: str
    article: dict[str, Any]


def _object(value: Any, origin: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{origin}: expected a JSON object (an article), got {type(value).__name__}")
    return value


def _json_lines(lines: IO[str], name: str) -> Iterator[Sourced]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        origin = f"{name}:{number}"
        try:
            value = json.loads(line)
        except ValueError as exc:
            raise InputError(f"{origin}: invalid JSON: {exc}") from None
        yield Sourced(origin, _object(value, origin))


def articles_from_file(path: Path) -> Iterator[Sourced]:
    """.txt and .html become one article each (id = file name); .json holds one or a list; .jsonl one per line."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: unsupported file type '{suffix or '(none)'}' (use .txt, .html, .json or .jsonl)")
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        if suffix == ".txt":
            yield Sourced(str(path), {"id": path.stem, "text": path.read_text(encoding="utf-8")})
        elif suffix in (".html", ".htm"):
            yield Sourced(str(path), {"id": path.stem, "html": path.read_text(encoding="utf-8")})
        elif suffix == ".json":
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise InputError(f"{path}: invalid JSON: {exc}") from None
            items = data if isinstance(data, list) else [data]
            for index, item in enumerate(items):
                origin = f"{path}[{index}]" if isinstance(data, list) else str(path)
                yield Sourced(origin, _object(item, origin))
        else:
            with path.open(encoding="utf-8") as fh:
                yield from _json_lines(fh, str(path))
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None


def articles_from_stdin() -> Iterator[Sourced]:
    yield from _json_lines(sys.stdin, "<stdin>")


def read_articles(paths: Iterable[Path]) -> list[Sourced]:
    """Every article of every file ('-' = JSON lines on stdin), in order; InputError on the first bad one."""
    articles: list[Sourced] = []
    for path in paths:
        articles += articles_from_stdin() if str(path) == "-" else articles_from_file(path)
    return articles


def encode(article: dict[str, Any]) -> str:
    return json.dumps(article, ensure_ascii=False, default=str)


def validated(article: dict[str, Any], max_text_chars: int) -> ArticleIn | Rejected:
    """The worker's own validation, run before sending: what it would dead-letter is refused here."""
    return parse_entry({names.DATA_FIELD.encode(): encode(article).encode("utf-8")}, max_text_chars)


def publish(client: redis.Redis, articles: Iterable[dict[str, Any]], stream: str = names.INPUT_STREAM,
            chunk: int = 100, extra_fields: dict[str, str] | None = None) -> list[str]:
    """XADD each article as JSON in the `data` field, pipelined by chunks; returns the entry ids."""
    ids: list[str] = []
    pipe = client.pipeline(transaction=False)
    pending = 0
    for article in articles:
        fields: dict[str | bytes, str | bytes] = {names.DATA_FIELD: encode(article)}
        fields.update(extra_fields or {})
        pipe.xadd(stream, fields)  # type: ignore[arg-type]
        pending += 1
        if pending >= chunk:
            ids += [i.decode() if isinstance(i, bytes) else i for i in pipe.execute()]
            pending = 0
    if pending:
        ids += [i.decode() if isinstance(i, bytes) else i for i in pipe.execute()]
    return ids
