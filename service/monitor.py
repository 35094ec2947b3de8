"""The group monitor: lag, pending and stream-length gauges, trimmed-entry counts, departed consumers.

Read-only apart from removing consumers that are gone and hold nothing. One per replica, every 5 s.
"""

from __future__ import annotations

from typing import Any

from service import metrics
from service.config import Settings
from service.logs import get_logger

log = get_logger("depeche.monitor")
# When Redis cannot report lag, it is counted by scanning, up to this many entries.
LAG_SCAN_LIMIT = 10_000
# A consumer silent this long with nothing pending is a replica that is gone.
DEPARTED_AFTER_MS = 3_600_000


class GroupMonitor:
    def __init__(self, redis: Any, settings: Settings) -> None:
        self.redis = redis
        self.settings = settings
        self._unread_trimmed = 0

    async def observe(self) -> None:
        """One round of checks; raises when Redis is unreachable (the caller marks the worker unready)."""
        s = self.settings
        await self.redis.ping()
        for group in await self.redis.xinfo_groups(s.input_stream):
            if group["name"].decode() == s.group:
                await self._observe_group(group)
        await self._forget_departed_consumers()
        pipe = self.redis.pipeline(transaction=False)
        streams = (s.input_stream, s.output_stream, s.events_stream, s.dlq_stream)
        for stream in streams:
            pipe.xlen(stream)
        for stream, length in zip(streams, await pipe.execute(), strict=True):
            metrics.STREAM_LENGTH.labels(stream=stream).set(length)

    async def _observe_group(self, group: dict[str, Any]) -> None:
        """Lag and pending gauges, and the count of entries trimmed before anyone read them.

        Redis < 7 has no lag, and Redis 7.0-7.2 keeps reporting trimmed entries as lag
        (redis#13957): count what is really left to read and trust the smaller number."""
        s = self.settings
        reported = group.get("lag")
        lag = 0
        if reported is None or reported > 0:
            after = "(" + group["last-delivered-id"].decode()
            left = len(await self.redis.xrange(s.input_stream, min=after, count=LAG_SCAN_LIMIT) or [])
            lag = left if reported is None or (left < LAG_SCAN_LIMIT and left < reported) else reported
            entries_read = group.get("entries-read")
            if entries_read is not None and left < LAG_SCAN_LIMIT:
                added = (await self.redis.xinfo_stream(s.input_stream)).get("entries-added")
                if added is not None:
                    unread_trimmed = max(0, int(added) - int(entries_read) - left)
                    if unread_trimmed > self._unread_trimmed:
                        metrics.TRIMMED.inc(unread_trimmed - self._unread_trimmed)
                        log.error("input_trimmed_before_read", entries=unread_trimmed - self._unread_trimmed)
                    self._unread_trimmed = max(self._unread_trimmed, unread_trimmed)
        metrics.GROUP_LAG.labels(stream=s.input_stream, group=s.group).set(lag)
        metrics.GROUP_PENDING.labels(stream=s.input_stream, group=s.group).set(group["pending"])

    async def _forget_departed_consumers(self) -> None:
        """Consumer names include the pid, so restarts leave names behind; drop them once they own nothing."""
        s = self.settings
        for consumer in await self.redis.xinfo_consumers(s.input_stream, s.group):
            name = consumer["name"].decode()
            if name != s.consumer and consumer["pending"] == 0 and consumer["idle"] > DEPARTED_AFTER_MS:
                await self.redis.xgroup_delconsumer(s.input_stream, s.group, name)
                log.info("consumer_forgotten", consumer=name)
