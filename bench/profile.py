"""Where a busy worker spends its CPU: py-spy samples a real worker while it enriches the bench workload.

    make profile        # = uv run python bench/profile.py [--articles 400] [--seconds 25]

Starts its own redis-server (or the embedded one) and one `python -m service worker`, pushes the
workload, records with `py-spy record --format raw` (taken from PATH, else run through `uvx`), and
prints the share of samples inside spaCy/thinc, inside our code (by function), and elsewhere.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

import redis

from service import names
from service.redis_server import RedisServer, find_redis_server, free_port
from service.workload import WorkloadSpec, generate


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def _py_spy() -> list[str]:
    found = shutil.which("py-spy")
    return [found] if found else ["uvx", "py-spy"]


def summarize(raw: Path, top: int = 12) -> str:
    """Collapsed stacks -> shares: spaCy (any frame in spacy/ or thinc/), ours (service/, contracts/)."""
    total = 0
    kinds: Counter[str] = Counter()
    ours: Counter[str] = Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        n = int(count)
        total += n
        frames = stack.split(";")
        if any("spacy/" in f or "thinc/" in f for f in frames):
            kinds["spaCy + thinc"] += n
            continue
        mine = [f for f in frames if "(service/" in f or "(contracts/" in f]
        if mine:
            kinds["Dépêche"] += n
            ours[mine[-1].split(" (")[0]] += n
        else:
            kinds["other"] += n
    lines = [f"{total} samples"]
    lines += [f"{v / total:7.1%}  {k}" for k, v in kinds.most_common()]
    lines += ["", "Dépêche, by innermost function of ours:"]
    lines += [f"{v / total:7.1%}  {k}" for k, v in ours.most_common(top)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--seconds", type=int, default=25)
    args = parser.parse_args()
    server = RedisServer(binary=find_redis_server()[0]).start()
    http_port = free_port()
    env = {**os.environ, "REDIS_URL": server.url, "DEPECHE_PROCESSES": "1", "DEPECHE_HTTP_PORT": str(http_port),
           "DEPECHE_HTTP_HOST": "127.0.0.1", "DEPECHE_LOG_LEVEL": "WARNING", "DEPECHE_CONSUMER": "profiled"}
    worker = subprocess.Popen([sys.executable, "-m", "service", "worker"], env=env)
    try:
        while not _ready(http_port):
            if worker.poll() is not None:
                raise SystemExit("the worker exited before it was ready")
            time.sleep(0.2)
        client = redis.Redis.from_url(server.url)
        pipe = client.pipeline(transaction=False)
        for doc in generate(WorkloadSpec(articles=args.articles, seed=11)):
            pipe.xadd(names.INPUT_STREAM, {names.DATA_FIELD: json.dumps(doc, ensure_ascii=False)})
        pipe.execute()
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "worker.raw"
            subprocess.run([*_py_spy(), "record", "--pid", str(worker.pid), "--format", "raw", "--rate", "100",
                            "--duration", str(args.seconds), "--nonblocking", "--output", str(raw)],
                           check=True, capture_output=True)
            print(f"{client.xlen(names.OUTPUT_STREAM)} of {args.articles} articles enriched while sampling")
            print(summarize(raw))
    finally:
        worker.terminate()
        worker.wait(30)
        server.stop()


if __name__ == "__main__":
    main()
