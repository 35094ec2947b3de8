"""Write the JSON Schemas and the AsyncAPI document from the pydantic models.

    python -m contracts.generate          # rewrite the checked-in files
    python -m contracts.generate --check  # exit 1 if any file is out of date
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from contracts.models import (
    CONTRACT_VERSION,
    ArticleIn,
    DeadLetter,
    EnrichedArticle,
    Entity,
    Event,
    EventRecord,
)

HERE = Path(__file__).parent
SCHEMAS: dict[str, type[BaseModel]] = {
    "article_in": ArticleIn,
    "enriched_article": EnrichedArticle,
    "entity": Entity,
    "event": Event,
    "event_record": EventRecord,
    "dead_letter": DeadLetter,
}
# stream -> (schema, who writes, description)
CHANNELS = {
    "articles.raw": ("article_in", "receive", "Raw articles from scrapers: XADD articles.raw * data '<json>'."),
    "articles.enriched": ("enriched_article", "send", "One enriched article per input article."),
    "events": ("event_record", "send", "A real-world event each time it is first seen or gains a mention."),
    "articles.dlq": ("dead_letter", "send", "Entries that could not be processed, with the reason."),
}


def schema_of(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://depeche.example/contracts/v{CONTRACT_VERSION}/{model.__name__}.json"
    return schema


def asyncapi() -> dict[str, Any]:
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for stream, (schema, action, description) in CHANNELS.items():
        key = stream.replace(".", "_")
        messages[schema] = {
            "name": SCHEMAS[schema].__name__,
            "contentType": "application/json",
            "summary": (SCHEMAS[schema].__doc__ or "").strip().splitlines()[0],
            "description": "The JSON document is the value of the entry's single `data` field.",
            "payload": {"$ref": f"./schemas/{schema}.json"},
        }
        channels[key] = {
            "address": stream,
            "description": description,
            "messages": {schema: {"$ref": f"#/components/messages/{schema}"}},
            "bindings": {"redis": {"bindingVersion": "0.1.0"}},
        }
        operations[f"{action}_{key}"] = {
            "action": action,
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{schema}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Dépêche",
            "version": CONTRACT_VERSION,
            "description": "Redis Streams interface of Dépêche. Every entry carries one JSON document in a `data` "
                           "field; consumers read with plain XREAD or XREADGROUP.",
        },
        "defaultContentType": "application/json",
        "servers": {"redis": {"host": "localhost:6379", "protocol": "redis"}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages},
    }


def rendered() -> dict[Path, str]:
    files = {HERE / "schemas" / f"{name}.json": schema_of(model) for name, model in SCHEMAS.items()}
    files[HERE / "asyncapi.json"] = asyncapi()
    return {path: json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n" for path, doc in files.items()}


def main(argv: list[str]) -> int:
    stale = [p for p, text in rendered().items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    if "--check" in argv:
        for path in stale:
            print(f"out of date: {path.relative_to(HERE.parent)} (run python -m contracts.generate)")
        return 1 if stale else 0
    for path, text in rendered().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
