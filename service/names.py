"""Every Redis stream and key name the service uses, in one place.

Producers and consumers in other languages rely on these names, so they are
part of the wire contract: change them only with a new contract version.
"""

from __future__ import annotations

# Scrapers XADD raw articles here with a single `data` field holding JSON.
INPUT_STREAM = "articles.raw"
# One enriched-article JSON per input article, in a `data` field.
OUTPUT_STREAM = "articles.enriched"
# One message per real-world event each time it is first seen or gains a mention.
EVENTS_STREAM = "events"
# Entries that could not be processed, with the reason and the original payload.
DLQ_STREAM = "articles.dlq"
# Consumer group shared by every worker replica.
GROUP = "depeche"

# Payload field used on every stream, so plain XREAD consumers need no envelope decoder.
DATA_FIELD = "data"
# Optional second field on an input entry: "1" asks for re-enrichment even if the content was seen
# (`depeche reprocess` sets it after a pipeline change); producers never need it.
REPROCESS_FIELD = "reprocess"

# dedup:<sha256 of normalized text> -> the input entry id that first carried it.
DEDUP_PREFIX = "depeche:dedup:"
# Near-duplicate index (MinHash LSH buckets and signatures), shared by all replicas.
NEAR_PREFIX = "depeche:near:"
# Event clustering state: one hash per real-world event, plus a lookup index.
EVENT_PREFIX = "depeche:event:"


def dedup_key(content_hash: str) -> str:
    return f"{DEDUP_PREFIX}{content_hash}"
