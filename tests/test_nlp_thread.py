"""spaCy runs on one dedicated thread: batches from the subscriber and the reclaimer never overlap."""

from __future__ import annotations

import asyncio
import threading
import time

from pydantic import SecretStr

from service.config import Settings
from service.worker import Worker


def test_concurrent_nlp_calls_run_one_at_a_time_on_the_nlp_thread(redis_url: str) -> None:
    active = peak = 0
    threads: set[str] = set()
    lock = threading.Lock()

    def probe(i: int) -> int:  # stands where pipeline_batch runs, and records who runs it and how many at once
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
            threads.add(threading.current_thread().name)
        time.sleep(0.05)
        with lock:
            active -= 1
        return i

    async def scenario() -> list[int]:
        worker = Worker(Settings(redis_url=SecretStr(redis_url)))
        try:
            return list(await asyncio.gather(*(worker.in_nlp_thread(probe, i) for i in range(4))))
        finally:
            worker.close()
            await worker.redis.aclose()

    assert asyncio.run(scenario()) == [0, 1, 2, 3]
    assert peak == 1
    assert len(threads) == 1 and threads.pop().startswith("nlp")
