"""`depeche demo`: a real worker on a real (embedded) Redis, fed with our own sample articles."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from rich.console import Console

from service import names
from service.config import Settings
from service.worker import run_worker

SAMPLES = Path(__file__).parent / "data" / "samples"
console = Console(soft_wrap=True)  # piped output stays one line per item


def load_samples() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.json"))]


async def _demo(settings: Settings, timeout: float) -> None:
    from service.cli import print_enriched

    ready, stop = asyncio.Event(), asyncio.Event()
    worker = asyncio.create_task(run_worker(settings, ready_event=ready, stop_event=stop))
    assert settings.redis_url is not None
    client = Redis.from_url(settings.redis_url.get_secret_value())
    try:
        await asyncio.wait_for(ready.wait(), timeout)
        samples = load_samples()
        samples.append(dict(samples[0], id=f"{samples[0]['id']}-resent"))  # an exact duplicate: dropped
        start_id = (await client.xinfo_stream(settings.input_stream))["last-generated-id"].decode()
        started = time.perf_counter()
        for article in samples:
            await client.xadd(settings.input_stream, {names.DATA_FIELD: json.dumps(article, ensure_ascii=False)})
        deadline = time.monotonic() + timeout
        last_input = (await client.xinfo_stream(settings.input_stream))["last-generated-id"]
        while time.monotonic() < deadline:
            groups = {g["name"].decode(): g for g in await client.xinfo_groups(settings.input_stream)}
            group = groups.get(settings.group)
            # last-delivered-id rather than lag: the embedded Redis 6.2 has no lag field
            if group and group["pending"] == 0 and group["last-delivered-id"] == last_input:
                break
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
        outputs: list[Any] = list(await client.xrange(settings.output_stream) or [])
        for _, fields in outputs:
            print_enriched(json.loads(fields[names.DATA_FIELD.encode()]))
            console.print()
        processed = len(samples)
        console.print(f"[bold]{processed} articles in {elapsed:.2f} s ({processed / elapsed:.1f} articles/s):"
                      f"[/bold] {len(outputs)} enriched, {processed - len(outputs)} dropped as exact duplicates; "
                      f"input from {start_id}")
    finally:
        stop.set()
        await worker
        await client.aclose()


def run_demo(settings: Settings, timeout: float) -> None:
    asyncio.run(_demo(settings, timeout))
