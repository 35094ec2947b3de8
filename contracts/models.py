"""Wire contracts of Dépêche: what producers send and what consumers receive.

Every stream carries one JSON document in a `data` field. These models are the
source of truth; `python -m contracts.generate` writes the JSON Schemas and the
AsyncAPI document beside them, and a test fails when those files drift.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, WithJsonSchema

CONTRACT_VERSION = "1"

EntityLabel = Literal["PER", "ORG", "LOC", "MISC"]
EventType = Literal[
    "AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST",
    "REJECT", "ACCUSE", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT",
]
Modality = Literal["asserted", "denied", "alleged", "planned", "speculative", "hypothetical"]
DatePrecision = Literal["day", "month", "year"]
# How much of a publication date the producer gave: "2023-09" is a month, "...T10:00Z" a minute.
PublishedPrecision = Literal["year", "month", "day", "hour", "minute", "second"]
# Why a producer's published_at was not used (the article is processed without it).
DateIgnoredReason = Literal["unparseable", "out_of_range", "wrong_type"]
ArticleStatus = Literal["ok", "unsupported_language", "empty"]
# Every reason a dead letter can carry; README "Dead letters" says what each means.
DeadLetterReason = Literal[
    "missing_data_field", "payload_too_large", "invalid_utf8", "invalid_json", "invalid_article", "missing_text",
    "text_too_long", "empty_text", "invalid_text", "validator_error", "processing_error",
    "max_deliveries_exceeded", "trimmed_before_processing",
]

# Generous but finite: a real article is < 200 kB; anything above is hostile or a scraping bug.
MAX_TEXT_CHARS = 1_000_000


class ArticleIn(BaseModel):
    """An article as a scraper pushes it onto `articles.raw`."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    id: str = Field(min_length=1, max_length=512, description="Producer's id, echoed as article_id.")
    url: str | None = Field(default=None, max_length=4096)
    source: str | None = Field(default=None, max_length=512, description="Outlet name or domain.")
    title: str | None = Field(default=None, max_length=4096)
    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="Plain text body.")
    html: str | None = Field(
        default=None, max_length=5 * MAX_TEXT_CHARS, description="HTML page, used when text is absent."
    )
    lang: str | None = Field(default=None, max_length=16, description="Producer's language hint (ISO 639-1).")
    published_at: Annotated[datetime | JsonValue, WithJsonSchema({"type": ["string", "number", "null"]})] = Field(
        default=None,
        description="Publication time: ISO 8601 (full or reduced: 2023, 2023-09), RFC 2822, Unix seconds or "
                    "milliseconds, or a French date (19/10/2023, 19 octobre 2023 à 10h00). Kept raw here: a value "
                    "that cannot be read is ignored (see published_at_ignored), never a reason to refuse the article.",
    )



class Mention(BaseModel):
    text: str
    start: int = Field(ge=0, description="Character offset in the cleaned text.")
    end: int = Field(ge=0)


class Entity(BaseModel):
    """One real-world entity per article, with every mention of it."""

    id: str = Field(description="Wikidata id when known (Q...), else a stable slug 'depeche:<label>:<name>'.")
    name: str = Field(description="Canonical name.")
    label: EntityLabel
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2 of the entity, when known.")
    mentions: list[Mention]


class Actor(BaseModel):
    id: str
    name: str


class EventDate(BaseModel):
    value: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD.", pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    precision: DatePrecision
    expression: str | None = Field(default=None, description="The text the date was resolved from.")


class Event(BaseModel):
    """One PLOVER-coded event reported in an article."""

    type: EventType
    mode: str | None = Field(default=None, description="PLOVER mode, e.g. visit, meeting, correspondence.")
    source: Actor | None
    target: Actor | None
    location: Actor | None = None
    date: EventDate | None
    trigger: Mention
    sentence: Mention
    modality: Modality
    attribution: str | None = Field(default=None, description="Who reports it: 'KCNA', 'Séoul'...")
    confidence: float = Field(ge=0.0, le=1.0)
    event_key: str | None = Field(default=None, description="Same key for the same real-world event.")


class NearDuplicate(BaseModel):
    article_id: str
    similarity: float = Field(ge=0.0, le=1.0)


class PipelineInfo(BaseModel):
    service_version: str
    model: str
    model_version: str
    version: str = Field(
        description="What produced this output: service version, model and version, and a digest of the data "
                    "files (lexicon, gazetteer, cues). Equal versions mean the same pipeline."
    )
    processing_seconds: float = Field(ge=0.0)


class RemovedText(BaseModel):
    """One piece of text that cleaning removed, and the rule that removed it."""

    text: str = Field(description="The removed text, cut to 200 characters (an ellipsis marks a cut).")
    rule: str = Field(description="Name of the rule: a boilerplate rule of boilerplate.yaml, outlet_name, "
                                  "article_source, duplicate, date_line or date_prefix.")
    kind: Literal["line", "fragment", "duplicate", "date_header"] = Field(
        description="line: a whole line; fragment: the start or end of a line whose rest was kept; "
                    "duplicate: a repeated line; date_header: a date line or prefix read as the date.")


class CleaningReport(BaseModel):
    """What cleaning removed: counts, the share of characters, and the first removed pieces."""

    boilerplate_lines: int = 0
    duplicate_lines: int = 0
    chars_removed: int = Field(default=0, ge=0, description="Characters of removed text (whitespace between "
                                                            "lines not counted).")
    removed_share: float = Field(default=0.0, ge=0.0, le=1.0, description="chars_removed / characters received.")
    removed: list[RemovedText] = Field(default_factory=list, max_length=20,
                                       description="The first 20 removed pieces, in text order.")
    removed_count: int = Field(default=0, ge=0, description="All removed pieces, listed or not.")
    from_html: bool = False
    published_at_from_text: bool = False


class IgnoredDate(BaseModel):
    """A producer's published_at that could not be used; the article was processed without it."""

    value: str = Field(description="The value as received (repr of a non-string), cut to 200 characters.")
    reason: DateIgnoredReason
    detail: str = Field(description="Human-readable detail.")


class ReprocessedFrom(BaseModel):
    """The earlier output a reprocessing replaces (ids are null when Redis no longer remembers it)."""

    output_entry_id: str | None = Field(description="Entry id of the earlier output on articles.enriched.")
    input_entry_id: str | None = Field(description="Entry id on articles.raw the earlier output came from.")


class EnrichedArticle(BaseModel):
    """One message per input article on `articles.enriched`."""

    contract_version: str = CONTRACT_VERSION
    article_id: str
    input_entry_id: str | None = Field(default=None, description="Redis entry id on articles.raw.")
    content_hash: str = Field(description="sha256 of the NFC, whitespace-folded text.")
    url: str | None
    source: str | None
    title: str | None
    lang: str
    status: ArticleStatus
    published_at: datetime | None = Field(
        description="RFC 3339 date-time, always with an offset: the producer's own offset when it gave one, UTC "
                    "otherwise (see published_at_offset_given). A date without a time is its midnight; "
                    "published_at_precision says how much of the value is real.",
    )
    published_at_precision: PublishedPrecision | None = Field(
        default=None, description="How much of published_at the source gave (year, month, day, hour, minute, second)."
    )
    published_at_offset_given: bool | None = Field(
        default=None, description="False when the source gave no time zone and UTC was assumed."
    )
    published_at_ignored: IgnoredDate | None = Field(
        default=None, description="Set when the producer's published_at could not be read, with the reason."
    )
    text: str = Field(description="Cleaned text; all offsets refer to it.")
    cleaning: CleaningReport
    entities: list[Entity]
    events: list[Event]
    near_duplicate_of: NearDuplicate | None = None
    reprocessed_from: ReprocessedFrom | None = Field(
        default=None, description="Set when this output re-enriches an article published before (a backfill)."
    )
    pipeline: PipelineInfo


class DeadLetter(BaseModel):
    """An input entry that could not be processed, on `articles.dlq`."""

    contract_version: str = CONTRACT_VERSION
    input_entry_id: str
    reason: DeadLetterReason = Field(description="Machine-readable reason (README: Dead letters).")
    error: str = Field(description="Human-readable detail.")
    deliveries: int = Field(ge=0)
    consumer: str
    failed_at: datetime
    payload: str = Field(description="The original `data` field (decoded with replacement if not UTF-8).")
    article_id: str | None = None


class EventRecord(BaseModel):
    """One message on `events` each time a real-world event is first seen or gains a mention."""

    contract_version: str = CONTRACT_VERSION
    event_key: str
    type: EventType
    mode: str | None
    source: Actor | None
    target: Actor | None
    location: Actor | None
    date: EventDate | None
    modality: Modality
    first_seen: datetime
    last_seen: datetime
    mentions: int = Field(ge=1, description="Number of articles reporting it.")
    sources: list[str] = Field(description="Distinct outlets.")
    articles: list[ArticleRef] = Field(description="Article ids and urls, capped; see articles_total.")
    articles_total: int = Field(ge=1)


class ArticleRef(BaseModel):
    article_id: str
    url: str | None


EventRecord.model_rebuild()
