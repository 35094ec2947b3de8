"""`depeche worker --processes 2`: one /metrics port serves the whole set, counters summed over the processes.

Real processes on a real Redis. Dead letters name the consumer that wrote them, which proves both processes
did part of the work that one scrape reports.
"""

from __future__ import annotations

import dataclasses
import json
import re

import httpx
import redis

from service import names
from tests.conftest import (
    WorkerFactory,
    article,
    read_stream,
    settled,
    wait_ready_http,
    wait_until,
    xadd_article,
)

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})? (?P<value>\S+)$")


def _samples(port: int) -> list[tuple[str, dict[str, str], float]]:
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
    out = []
    for line in text.splitlines():
        m = _SAMPLE.match(line)
        if m and not line.startswith("#"):
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m["labels"] or ""))
            out.append((m["name"], labels, float(m["value"])))
    return out


def _total(samples: list[tuple[str, dict[str, str], float]], name: str) -> float:
    return sum(v for n, _, v in samples if n == name)


def _dead_letter_consumers(client: redis.Redis) -> set[str]:
    return {d["consumer"] for d in read_stream(client, names.DLQ_STREAM)}


def test_one_metrics_port_sums_counters_over_worker_processes(start_worker: WorkerFactory, r: redis.Redis) -> None:
    # A long block: each consumer stays in XREADGROUP between entries, so Redis's first-blocked-first-served
    # order alternates them (with 100 ms blocks, re-blocking could phase-lock with the producer's polling).
    parent = start_worker("mp", wait_ready=False, DEPECHE_PROCESSES="2", DEPECHE_BLOCK_MS="5000")
    wait_ready_http(parent)
    wait_ready_http(dataclasses.replace(parent, port=parent.port + 1))  # the second child

    # One bad entry at a time: both consumers wait in XREADGROUP, Redis hands each entry to the one that
    # has waited longest, so the processes take turns. Bounded: stop once both have written a dead letter.
    bad = 0
    while bad < 12 and len(_dead_letter_consumers(r)) < 2:
        xadd_article(r, "{not json")
        bad += 1
        wait_until(lambda n=bad: r.xlen(names.DLQ_STREAM) == n, timeout=60)
    good = 3
    for i in range(good):
        xadd_article(r, article(f"mp-{i}"))
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) == good and settled(r, bad + good), timeout=120)
    assert _dead_letter_consumers(r) == {"mp-0", "mp-1"}

    # The monitor refreshes gauges every 5 s; counters are written as they change.
    samples = _samples(parent.port)
    assert _total(samples, "depeche_dead_letters_total") == bad
    assert _total(samples, "depeche_articles_processed_total") == good
    assert not any("pid" in labels for n, labels, _ in samples if n.startswith("depeche_articles"))
    ready = [v for n, _, v in samples if n == "depeche_ready"]
    assert ready == [1.0]
    # Every port of the set serves the same sums: scrape one of them.
    other = _samples(parent.port + 1)
    assert _total(other, "depeche_dead_letters_total") == bad
    assert json.loads(httpx.get(f"http://127.0.0.1:{parent.port + 1}/readyz", timeout=5).text)["ready"] is True


_PARENT_WITH_METRICS = """
import os, sys
from prometheus_client import generate_latest
from service import metrics_multiprocess
metrics_multiprocess.enable()
from service import metrics  # created in the parent after enable(), as an import before the fork would
# One pipe per direction: with a single pipe the child could read back its own "ready" byte.
child_ready_r, child_ready_w = os.pipe()
scraped_r, scraped_w = os.pipe()
child = os.fork()
if child == 0:
    metrics.READY.set(1)
    metrics.ERRORS.labels(where="test").inc(2)
    os.write(child_ready_w, b"x")
    os.read(scraped_r, 1)  # stays alive (a live process) until the parent has scraped
    os._exit(0)
os.read(child_ready_r, 1)
sys.stdout.write(generate_latest(metrics.serving_registry()).decode())
os.write(scraped_w, b"x")
os.waitpid(child, 0)
"""


def test_a_parent_that_created_metrics_does_not_hold_the_set_unready() -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _PARENT_WITH_METRICS], capture_output=True, text=True,
                          timeout=60, check=True)
    lines = done.stdout.splitlines()
    assert "depeche_ready 1.0" in lines
    assert 'depeche_errors_total{where="test"} 2.0' in lines
