"""Every Redis stream and key name the service uses, in one place.

Producers and consumers in other languages rely on the stream names, so they
are part of the wire contract: change them only with a new contract version.

Redis Cluster: the commit script touches the streams and the derived keys in
one call, so all of them must hash to one slot. The derived keys always carry
the hash tag `{depeche}`; on a cluster the streams carry it too
(`CLUSTER_STREAMS`, chosen by `DEPECHE_REDIS_CLUSTER=true`), while a single
Redis keeps the historical stream names producers already use.
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
# Optional input field: "1" re-enriches the article even if its content was seen (a backfill).
REPROCESS_FIELD = "reprocess"

# One pipeline = one hash tag = one cluster slot (Redis hashes only what is between the braces).
HASH_TAG = "{depeche}"
KEY_PREFIX = f"{HASH_TAG}:"
# Stream names on Redis Cluster: the same names under the pipeline's hash tag.
CLUSTER_STREAMS = {name: f"{KEY_PREFIX}{name}" for name in (INPUT_STREAM, OUTPUT_STREAM, EVENTS_STREAM, DLQ_STREAM)}

# dedup:<sha256 of normalized text> -> "<article id> <input entry id> <output entry id>" of the first output.
DEDUP_PREFIX = f"{KEY_PREFIX}dedup:"
# Near-duplicate index (MinHash LSH buckets and signatures), shared by all replicas.
NEAR_PREFIX = f"{KEY_PREFIX}near:"
# Event clustering state: per group of candidate events a hash of clusters (g:), and per cluster the
# articles counted (a:) and the last record published (r:).
EVENT_PREFIX = f"{KEY_PREFIX}event:"


def dedup_key(content_hash: str) -> str:
    return f"{DEDUP_PREFIX}{content_hash}"
