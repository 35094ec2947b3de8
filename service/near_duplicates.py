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
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash
from datasketch.lsh import _optimal_param
from redis.asyncio import Redis

from contracts.models import NearDuplicate
from service import names

NUM_PERM = 64
SHINGLE = 5
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=1)


def signature(text: str) -> np.ndarray:
    """MinHash of the text's word 5-shingles (lower-cased: case and punctuation do not make news new)."""
    words = _WORD.findall(text.lower())
    shingles = [" ".join(words[i:i + SHINGLE]).encode() for i in range(max(1, len(words) - SHINGLE + 1))]
    m = MinHash(num_perm=NUM_PERM, seed=1, permutations=_template().permutations, scheme=_template().scheme)
    m.update_batch(shingles)
    return np.asarray(m.hashvalues, dtype=np.uint32)


@lru_cache(maxsize=8)
def bands_for(threshold: float) -> tuple[int, int]:
    """(bands, rows) that minimise false positives and negatives around the threshold."""
    b, r = _optimal_param(threshold, NUM_PERM, 0.5, 0.5)
    return int(b), int(r)


def band_keys(sig: np.ndarray, threshold: float) -> list[str]:
    b, r = bands_for(threshold)
    return [
        f"{names.NEAR_PREFIX}b:{i}:{hashlib.blake2b(sig[i * r:(i + 1) * r].tobytes(), digest_size=8).hexdigest()}"
        for i in range(b)
    ]


def _entry_order(entry_id: str) -> tuple[int, int]:
    ms, _, seq = entry_id.partition("-")
    return int(ms), int(seq or 0)


@dataclass
class NearDuplicateIndex:
    redis: Redis
    threshold: float
    ttl_seconds: int

    async def check_and_add(self, entry_id: str, article_id: str, sig: np.ndarray) -> NearDuplicate | None:
        """Index this article and return the most similar earlier one above the threshold, if any."""
        keys = band_keys(sig, self.threshold)
        sig_key = f"{names.NEAR_PREFIX}sig:{entry_id}"
        pipe = self.redis.pipeline(transaction=False)
        for key in keys:
            pipe.smembers(key)
        pipe.hset(sig_key, mapping={"a": article_id, "s": sig.tobytes()})
        pipe.expire(sig_key, self.ttl_seconds)
        for key in keys:
            pipe.sadd(key, entry_id)
            pipe.expire(key, self.ttl_seconds)
        replies = await pipe.execute()
        mine = _entry_order(entry_id)
        candidates = sorted({m.decode() for members in replies[:len(keys)] for m in members} - {entry_id})
        candidates = [c for c in candidates if _entry_order(c) < mine]
        if not candidates:
            return None
        pipe = self.redis.pipeline(transaction=False)
        for c in candidates:
            pipe.hmget(f"{names.NEAR_PREFIX}sig:{c}", "a", "s")
        best: NearDuplicate | None = None
        for other_article, other_sig in await pipe.execute():
            if other_sig is None or other_article is None or other_article.decode() == article_id:
                continue
            similarity = float(np.mean(np.frombuffer(other_sig, dtype=np.uint32) == sig))
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = NearDuplicate(article_id=other_article.decode(), similarity=round(similarity, 3))
        return best
