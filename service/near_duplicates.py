"""Near-duplicate articles: MinHash over word shingles, LSH buckets kept in Redis.

Every replica reads and writes the same buckets, so a syndicated copy is
flagged whichever replica sees it. Buckets and signatures expire with the
dedup TTL, which bounds memory. An article is only ever flagged against one
that entered the input stream before it, so two replicas racing on two copies
flag the later copy, not both.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from redis.asyncio import Redis

from contracts.models import NearDuplicate
from service import names
from service.stream_ids import entry_order

NUM_PERM = 64
SHINGLE = 5
# Texts with fewer shingles (under 14 words) are neither indexed nor compared: an empty text has one
# empty shingle, so every empty or near-empty article would share one signature and one set of buckets.
MIN_SHINGLES = 10
_WORD = re.compile(r"\w+", re.UNICODE)
# Universal hashing h(x) = (a*x + b) mod p with p prime > 2^32: a*x + b stays below 2^64 in uint64.
_PRIME = np.uint64(4_294_967_311)
_RNG = np.random.default_rng(1)
_A = _RNG.integers(1, 2**32 - 1, size=NUM_PERM, dtype=np.uint64)
_B = _RNG.integers(0, 2**32 - 1, size=NUM_PERM, dtype=np.uint64)
# datasketch implements the same scheme, but importing it pulls in scipy: +4 s start-up and memory per worker.


def _shingles(text: str) -> set[str]:
    words = _WORD.findall(text.lower())
    return {" ".join(words[i:i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}


def comparable_signature(text: str) -> np.ndarray | None:
    """The text's signature, or None when it is too short to be compared (MIN_SHINGLES)."""
    if len(_shingles(text)) < MIN_SHINGLES:
        return None
    return signature(text)


def signature(text: str) -> np.ndarray:
    """MinHash of the text's word 5-shingles (lower-cased: case and punctuation do not make news new)."""
    shingles = _shingles(text)
    hashed = np.fromiter(
        (zlib.crc32(s.encode()) for s in shingles),
        dtype=np.uint64, count=len(shingles),
    )
    permuted = (hashed[:, None] * _A + _B) % _PRIME
    signature_values: np.ndarray = permuted.min(axis=0).astype(np.uint32)
    return signature_values


def _collision(s: np.ndarray, b: int, r: int) -> np.ndarray:
    return np.asarray(1.0 - (1.0 - s ** float(r)) ** float(b))


@lru_cache(maxsize=8)
def bands_for(threshold: float) -> tuple[int, int]:
    """(bands, rows) minimising false positives below and false negatives above the threshold."""
    below = np.linspace(0.0, threshold, 200)
    above = np.linspace(threshold, 1.0, 200)
    best: tuple[float, int, int] | None = None
    for b in range(1, NUM_PERM + 1):
        for r in range(1, NUM_PERM // b + 1):
            fp = float(np.trapezoid(_collision(below, b, r), below))
            fn = float(np.trapezoid(1.0 - _collision(above, b, r), above))
            if best is None or fp + fn < best[0]:
                best = (fp + fn, b, r)
    assert best is not None
    return best[1], best[2]


def band_keys(sig: np.ndarray, threshold: float, prefix: str = names.NEAR_PREFIX) -> list[str]:
    b, r = bands_for(threshold)
    return [
        f"{prefix}b:{i}:{hashlib.blake2b(sig[i * r:(i + 1) * r].tobytes(), digest_size=8).hexdigest()}"
        for i in range(b)
    ]


@dataclass
class NearDuplicateIndex:
    redis: Redis
    threshold: float
    ttl_seconds: int
    prefix: str = names.NEAR_PREFIX

    async def check_and_add(self, entry_id: str, article_id: str, sig: np.ndarray | None) -> NearDuplicate | None:
        """Index this article and return the most similar earlier one above the threshold, if any.

        No signature (a text too short to compare) means nothing to index and no near duplicate."""
        if sig is None:
            return None
        keys = band_keys(sig, self.threshold, self.prefix)
        sig_key = f"{self.prefix}sig:{entry_id}"
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.smembers(key)
        pipe.hset(sig_key, mapping={"a": article_id, "s": sig.tobytes()})
        pipe.expire(sig_key, self.ttl_seconds)
        for key in keys:
            pipe.sadd(key, entry_id)
            pipe.expire(key, self.ttl_seconds)
        replies = await pipe.execute()
        mine = entry_order(entry_id)
        candidates = sorted({m.decode() for members in replies[:len(keys)] for m in members} - {entry_id})
        candidates = [c for c in candidates if entry_order(c) < mine]
        if not candidates:
            return None
        pipe = self.redis.pipeline(transaction=False)
        for c in candidates:
            pipe.hmget(f"{self.prefix}sig:{c}", "a", "s")
        best: NearDuplicate | None = None
        for other_article, other_sig in await pipe.execute():
            if other_sig is None or other_article is None or other_article.decode() == article_id:
                continue
            similarity = float(np.mean(np.frombuffer(other_sig, dtype=np.uint32) == sig))
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = NearDuplicate(article_id=other_article.decode(), similarity=round(similarity, 3))
        return best
