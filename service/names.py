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

from dataclasses import dataclass

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

STREAMS = (INPUT_STREAM, OUTPUT_STREAM, EVENTS_STREAM, DLQ_STREAM)
# One pipeline = one hash tag = one cluster slot (Redis hashes only what is between the braces).
# DEPECHE_KEY_TAG names it; several pipelines can share a cluster under different tags.
DEFAULT_KEY_TAG = "depeche"


@dataclass(frozen=True)
class KeySpace:
    """The keys of one pipeline, all under its hash tag."""

    tag: str = DEFAULT_KEY_TAG

    @property
    def hash_tag(self) -> str:
        return "{" + self.tag + "}"

    @property
    def prefix(self) -> str:
        return f"{self.hash_tag}:"

    @property
    def dedup_prefix(self) -> str:
        """dedup:<sha256 of normalized text> -> "<article id> <input entry id> <output entry id>" of the last output."""
        return f"{self.prefix}dedup:"

    @property
    def near_prefix(self) -> str:
        """Near-duplicate index (MinHash LSH buckets and signatures), shared by all replicas."""
        return f"{self.prefix}near:"

    @property
    def event_prefix(self) -> str:
        """Event clustering: per group of candidate events a hash of clusters (g:), and per cluster the
        articles counted (a:) and the last record published (r:)."""
        return f"{self.prefix}event:"

    def dedup_key(self, content_hash: str) -> str:
        return f"{self.dedup_prefix}{content_hash}"

    def cluster_stream(self, name: str) -> str:
        """A stream's name on Redis Cluster: under the pipeline's hash tag."""
        return f"{self.prefix}{name}"


# The default pipeline's names, for code and tools that do not take settings.
DEFAULT_KEYS = KeySpace()
HASH_TAG = DEFAULT_KEYS.hash_tag
KEY_PREFIX = DEFAULT_KEYS.prefix
CLUSTER_STREAMS = {name: DEFAULT_KEYS.cluster_stream(name) for name in STREAMS}
DEDUP_PREFIX = DEFAULT_KEYS.dedup_prefix
NEAR_PREFIX = DEFAULT_KEYS.near_prefix
EVENT_PREFIX = DEFAULT_KEYS.event_prefix


def dedup_key(content_hash: str) -> str:
    return DEFAULT_KEYS.dedup_key(content_hash)
