"""Taking entries back: from dead replicas (XAUTOCLAIM after the idle time) and from our own pending list.

An entry delivered more than DEPECHE_MAX_DELIVERIES times without a commit is dead-lettered instead of run
again: whatever kills the process that holds it (OOM, segfault) must not kill every replica in turn.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from service import metrics, names
from service.logs import get_logger
from service.validate import Rejected

if TYPE_CHECKING:
    from service.worker import Entry, Worker

log = get_logger("depeche.reclaimer")


class Reclaimer:
    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.settings = worker.settings

    async def reclaim_once(self, min_idle_ms: int | None = None) -> int:
        """Take over entries idle longer than reclaim_idle_ms; returns how many were taken (trimmed included)."""
        s = self.settings
        idle = s.reclaim_idle_ms if min_idle_ms is None else min_idle_ms
        reply = await self.worker.redis.xautoclaim(s.input_stream, s.group, s.consumer, idle,
                                                   start_id="0-0", count=s.batch_size)
        claimed = reply[1]
        trimmed: list[str] = [d.decode() for d in (reply[2] if len(reply) > 2 else [])]
        entries: list[Entry] = []
        for entry_id_raw, fields in claimed:
            if fields is None:  # Redis 6.2 returns trimmed entries with no fields
                trimmed.append(entry_id_raw.decode())
            else:
                entries.append((entry_id_raw.decode(), fields))
        if trimmed:
            await self._trimmed(trimmed)
        if entries:
            metrics.RECLAIMED.inc(len(entries))
            dead = await self.retry_or_dead_letter(entries)
            log.info("reclaimed", count=len(entries), dead_lettered=dead)
        return len(entries) + len(trimmed)

    async def reclaim_until_idle(self) -> None:
        while await self.reclaim_once() >= self.settings.batch_size and not self.worker.stopping.is_set():
            pass

    async def take_back_own_pending(self) -> int:
        """Process the entries Redis delivered to this consumer name without a commit; returns how many.

        At start: a worker restarted under its name (SIGKILL, OOM) finds what it held at once instead of
        waiting reclaim_idle_ms for XAUTOCLAIM. At stop: a cancelled read leaves entries Redis already put
        in our pending list. Reading our own history (id 0, then after the last id seen) counts a delivery
        and ends even when an entry fails and stays pending. Entries trimmed away are left to XAUTOCLAIM,
        the one path that dead-letters them, so none is reported twice."""
        s = self.settings
        after, taken = "0", 0
        while True:
            reply: Any = await self.worker.redis.xreadgroup(s.group, s.consumer, {s.input_stream: after},
                                                            count=s.batch_size)
            rows = reply[0][1] if reply else []
            if not rows:
                return taken
            after = rows[-1][0].decode()
            entries = [(i.decode(), f) for i, f in rows if f]
            if entries:
                await self.retry_or_dead_letter(entries)
            taken += len(rows)

    async def retry_or_dead_letter(self, entries: list[Entry]) -> int:
        """Run entries again, except those delivered too often: those are dead-lettered. Returns the latter."""
        s = self.settings
        deliveries = await self.delivery_counts([e for e, _ in entries])
        over = [(e, f) for e, f in entries if deliveries[e] > s.max_deliveries]
        retry = [(e, f) for e, f in entries if deliveries[e] <= s.max_deliveries]
        if over:
            await self.worker.commit([self.worker.dead_letter(e, Rejected(
                "max_deliveries_exceeded", f"delivered {deliveries[e]} times without a commit",
                (f.get(names.DATA_FIELD.encode()) or b"").decode("utf-8", "replace")), deliveries[e])
                for e, f in over])
        await self.worker.process(retry, deliveries)
        return len(over)

    async def delivery_counts(self, entry_ids: list[str]) -> dict[str, int]:
        pipe = self.worker.redis.pipeline(transaction=False)
        for entry_id in entry_ids:
            pipe.xpending_range(self.settings.input_stream, self.settings.group, min=entry_id, max=entry_id,
                                count=1)
        counts: dict[str, int] = {}
        for entry_id, rows in zip(entry_ids, await pipe.execute(), strict=True):
            counts[entry_id] = int(rows[0]["times_delivered"]) if rows else 1
        return counts

    async def _trimmed(self, entry_ids: list[str]) -> None:
        """Pending entries whose data was trimmed away: lost before processing. Say so, loudly."""
        metrics.TRIMMED.inc(len(entry_ids))
        log.error("input_trimmed_before_processing", count=len(entry_ids), entry_ids=entry_ids[:20])
        await self.worker.commit([dataclasses.replace(self.worker.dead_letter(e, Rejected(
            "trimmed_before_processing", "entry deleted from the input stream (MAXLEN/XTRIM) while pending", ""),
            0), kind="lost") for e in entry_ids])
