"""Near-duplicate check latency with a large index: `depeche bench-near --indexed 100000`.

Fills the Redis LSH index with `indexed` synthetic articles (pipelined, same keys
and format as the worker writes), then times `NearDuplicateIndex.check_and_add`
for fresh articles and for near copies of indexed ones: signature + Redis round trips.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from typing import Any

from redis.asyncio import Redis

from service import names
from service.near_duplicates import NearDuplicateIndex, band_keys, signature
from service.redis_server import RedisServer, find_redis_server

_WORDS = ["le", "président", "ministre", "russe", "chinois", "américain", "sommet", "accord", "sanctions", "armée", "frappe", "visite", "rencontre", "Moscou", "Pékin", "Washington", "Kiev", "Séoul", "Tokyo", "coopération", "économie", "défense", "missiles", "mardi", "mercredi", "jeudi", "vendredi", "annonce", "selon", "agence", "déclaré", "promis", "dénoncé", "rejeté", "livraison"]


def _text(rng: random.Random, words: int = 300) -> str:
    return " ".join(rng.choice(_WORDS) + str(rng.randint(0, 999)) for _ in range(words))


async def _fill(redis: Redis, indexed: int, threshold: float, ttl: int, rng: random.Random) -> list[str]:
    texts: list[str] = []
    pipe = redis.pipeline(transaction=False)
    for i in range(indexed):
        text = _text(rng)
        if i % 1000 == 0:
            texts.append(text)
        sig = signature(text)
        entry_id = f"1-{i}"
        pipe.hset(f"{names.NEAR_PREFIX}sig:{entry_id}", mapping={"a": f"indexed-{i}", "s": sig.tobytes()})
        pipe.expire(f"{names.NEAR_PREFIX}sig:{entry_id}", ttl)
        for key in band_keys(sig, threshold):
            pipe.sadd(key, entry_id)
            pipe.expire(key, ttl)
        if i % 500 == 499:
            await pipe.execute()
    await pipe.execute()
    return texts


async def _run(indexed: int, probes: int, threshold: float) -> dict[str, Any]:
    server = RedisServer(binary=find_redis_server()[0]).start()
    redis = Redis.from_url(server.url)
    try:
        rng = random.Random(7)
        t0 = time.perf_counter()
        kept = await _fill(redis, indexed, threshold, 3600, rng)
        fill_s = time.perf_counter() - t0
        index = NearDuplicateIndex(redis, threshold, 3600)
        fresh, copies, found = [], [], 0
        for i in range(probes):
            text = _text(rng)
            t = time.perf_counter()
            await index.check_and_add(f"2-{i}", f"probe-{i}", signature(text))
            fresh.append((time.perf_counter() - t) * 1000)
        for i, original in enumerate(kept[:probes]):
            words = original.split()
            words[rng.randrange(len(words))] = "modifié"  # a syndicated copy: one word changed
            t = time.perf_counter()
            hit = await index.check_and_add(f"3-{i}", f"copy-{i}", signature(" ".join(words)))
            copies.append((time.perf_counter() - t) * 1000)
            found += hit is not None
        memory = (await redis.info("memory"))["used_memory"]
        return {
            "indexed": indexed, "fill_seconds": round(fill_s, 1), "redis_used_memory_mb": round(memory / 2**20, 1),
            "fresh_ms_p50": round(statistics.median(fresh), 3),
            "fresh_ms_p99": round(sorted(fresh)[int(0.99 * (len(fresh) - 1))], 3),
            "copy_ms_p50": round(statistics.median(copies), 3),
            "copies_found": f"{found}/{len(copies)}",
        }
    finally:
        await redis.aclose()
        server.stop()


def run_bench_near(indexed: int = 100_000, probes: int = 100, threshold: float = 0.8) -> dict[str, Any]:
    return asyncio.run(_run(indexed, probes, threshold))
