"""Configuration from environment variables (prefix DEPECHE_, except REDIS_URL)."""

from __future__ import annotations

import os
import socket
from typing import Literal, Self

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from redis.crc import key_slot

from service import names
from service.regex_cache import default_cache_dir


def _default_consumer() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


class Settings(BaseSettings):
    """Every knob of the service; README's configuration table mirrors this class."""

    # hide_input_in_errors: a bad REDIS_URL must not print its password in the error.
    model_config = SettingsConfigDict(env_prefix="DEPECHE_", extra="ignore", hide_input_in_errors=True)

    redis_url: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("REDIS_URL", "DEPECHE_REDIS_URL"),
        description="redis://[user:password@]host:port/db or rediss://...; unset = embedded Redis.",
    )
    redis_cluster: bool = Field(
        default=False,
        description="REDIS_URL names one node of a Redis Cluster; streams default to their `{depeche}:` names.",
    )
    key_tag: str = Field(
        default=names.DEFAULT_KEY_TAG, pattern=r"^[A-Za-z0-9_.-]+$",
        description="Hash tag of this pipeline's keys ({depeche}:...): one pipeline lives in one cluster slot.",
    )
    redis_ca_file: str | None = Field(default=None, description="CA bundle for rediss:// (server verification).")
    redis_cert_file: str | None = Field(default=None, description="Client certificate for mutual TLS.")
    redis_key_file: str | None = Field(default=None, description="Client key for mutual TLS.")
    input_stream: str = names.INPUT_STREAM
    output_stream: str = names.OUTPUT_STREAM
    events_stream: str = names.EVENTS_STREAM
    dlq_stream: str = names.DLQ_STREAM
    group: str = names.GROUP
    consumer: str = Field(default_factory=_default_consumer, description="Unique per replica.")
    processes: int = Field(default=0, ge=0, description="Worker processes for `depeche worker`; 0 = one per core.")
    batch_size: int = Field(default=16, ge=1, le=1024, description="XREADGROUP COUNT: articles read and enriched together.")
    block_ms: int = Field(default=100, ge=1, description="XREADGROUP BLOCK.")
    max_deliveries: int = Field(default=3, ge=1, description="Deliveries before an entry is dead-lettered.")
    reclaim_idle_ms: int = Field(
        default=10_000, ge=100,
        description="Idle time before another replica reclaims; live workers renew their entries every third of it.",
    )
    reclaim_interval_s: float = Field(default=2.0, gt=0)
    dedup_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=1)
    near_duplicate_threshold: float = Field(default=0.8, gt=0.0, le=1.0)
    output_maxlen: int = Field(default=1_000_000, ge=0, description="Approximate MAXLEN of output streams; 0 = none.")
    max_text_chars: int = Field(default=200_000, ge=1000, description="Longer texts are dead-lettered.")
    cleaning_warn_share: float = Field(
        default=0.2, ge=0.0, le=1.0,
        description="Log cleaning_removed_large_share when cleaning removes more than this share of an article.",
    )
    http_host: str = "0.0.0.0"
    http_port: int = Field(default=8000, ge=0, le=65535)
    graceful_timeout_s: float = Field(default=20.0, gt=0)
    regex_cache_dir: str = Field(
        default_factory=lambda: str(default_cache_dir()),
        description="Compiled tokenizer regex kept between starts (saves ~2.4 s of start-up); empty = off.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    log_format: Literal["json", "console"] = "console"

    @field_validator("redis_url")
    @classmethod
    def _known_scheme(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("REDIS_URL must start with redis://, rediss:// or unix://")
        return value

    @model_validator(mode="after")
    def _one_slot_on_cluster(self) -> Self:
        """On a cluster the commit script's keys must share one slot: default streams move under the hash
        tag, and streams named by hand must carry it."""
        if not self.redis_cluster:
            return self
        keys = self.keys
        for attr in ("input_stream", "output_stream", "events_stream", "dlq_stream"):
            name = getattr(self, attr)
            name = keys.cluster_stream(name) if name in names.STREAMS else name
            if key_slot(name.encode()) != key_slot(keys.prefix.encode()):
                raise ValueError(f"DEPECHE_{attr.upper()}={name!r} must carry the hash tag {keys.hash_tag} "
                                 "on Redis Cluster (the commit script touches every stream at once)")
            setattr(self, attr, name)
        return self

    @property
    def keys(self) -> names.KeySpace:
        return names.KeySpace(self.key_tag)
