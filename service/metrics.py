"""All of the service's own Prometheus metrics, owned by one registry.

Names follow Prometheus conventions: counters end in `_total`, durations are
histograms in `_seconds`, labels come from small fixed sets.

With several worker processes (service.metrics_multiprocess), /metrics serves the whole set: counters and
histograms summed over the processes, each gauge aggregated as its `multiprocess_mode` says (ignored
with one process).
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info
from prometheus_client.multiprocess import MultiProcessCollector

REGISTRY = CollectorRegistry(auto_describe=True)

# Stage latency spans spaCy on a long article (~1 s) down to a dedup check (~100 µs).
_STAGE_BUCKETS = (0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
_E2E_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0)

ARTICLES = Counter(
    "depeche_articles_processed_total",
    "Articles published on the enriched stream, by language and status.",
    ["lang", "status"],
    registry=REGISTRY,
)
DUPLICATES = Counter(
    "depeche_duplicates_total",
    "Duplicate articles seen: exact (dropped) or near (flagged and published).",
    ["kind"],
    registry=REGISTRY,
)
DEAD_LETTERS = Counter(
    "depeche_dead_letters_total",
    "Input entries sent to the dead-letter stream, by reason.",
    ["reason"],
    registry=REGISTRY,
)
PUBLISHED_AT_IGNORED = Counter(
    "depeche_published_at_ignored_total",
    "Articles processed without the producer's published_at, which could not be read, by reason.",
    ["reason"],
    registry=REGISTRY,
)
ENTITIES = Counter(
    "depeche_entities_total",
    "Entities published, by label.",
    ["label"],
    registry=REGISTRY,
)
EVENTS = Counter(
    "depeche_events_total",
    "Events published, by PLOVER type.",
    ["type"],
    registry=REGISTRY,
)
STAGE_SECONDS = Histogram(
    "depeche_stage_duration_seconds",
    "Time spent per pipeline stage per batch (clean, language, spacy, entities, events, commit...).",
    ["stage"],
    buckets=_STAGE_BUCKETS,
    registry=REGISTRY,
)
END_TO_END_SECONDS = Histogram(
    "depeche_end_to_end_latency_seconds",
    "From the input entry's id timestamp to the commit of its output.",
    buckets=_E2E_BUCKETS,
    registry=REGISTRY,
)
BATCH_SIZE = Histogram(
    "depeche_batch_size_articles",
    "Articles per batch read from the input stream.",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128),
    registry=REGISTRY,
)
CLEANING_REMOVED_RATIO = Histogram(
    "depeche_cleaning_removed_ratio",
    "Share of an article's characters that cleaning removed (boilerplate, duplicates, date headers).",
    buckets=(0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0),
    registry=REGISTRY,
)
GROUP_LAG = Gauge(
    "depeche_consumer_group_lag_entries",
    "Entries in the input stream not yet delivered to the consumer group (XINFO GROUPS lag).",
    ["stream", "group"],
    # every process reads the same Redis numbers: the newest reading of a live process
    multiprocess_mode="livemostrecent",
    registry=REGISTRY,
)
GROUP_PENDING = Gauge(
    "depeche_consumer_group_pending_entries",
    "Entries delivered but not yet acknowledged (XPENDING count).",
    ["stream", "group"],
    # every process reads the same Redis numbers: the newest reading of a live process
    multiprocess_mode="livemostrecent",
    registry=REGISTRY,
)
STREAM_LENGTH = Gauge(
    "depeche_stream_length_entries",
    "XLEN of each stream the service reads or writes.",
    ["stream"],
    # every process reads the same Redis numbers: the newest reading of a live process
    multiprocess_mode="livemostrecent",
    registry=REGISTRY,
)
TRIMMED = Counter(
    "depeche_input_trimmed_total",
    "Pending input entries found deleted (trimmed by MAXLEN/XTRIM) before they were processed: lost.",
    registry=REGISTRY,
)
RECLAIMED = Counter(
    "depeche_reclaimed_total",
    "Pending entries taken over from an idle consumer by the reclaimer.",
    registry=REGISTRY,
)
ERRORS = Counter(
    "depeche_errors_total",
    "Unexpected errors, by where they happened (batch, commit, reclaim, monitor).",
    ["where"],
    registry=REGISTRY,
)
READY = Gauge(
    "depeche_ready",
    "1 when Redis answers, the model is loaded and the subscriber runs.",
    # a set of processes is ready when every live one is
    multiprocess_mode="livemin",
    registry=REGISTRY,
)
BUILD = Info(
    "depeche_build",
    "Service version and spaCy model (exposed as depeche_build_info).",
    registry=REGISTRY,
)


def serving_registry() -> CollectorRegistry:
    """What /metrics serves: this process's registry, or the whole set's when its processes share a
    multiprocess directory. Info is kept per process by prometheus_client, so build info is this process's."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    registry.register(BUILD)
    return registry
