"""Where a busy worker spends its CPU: py-spy samples a real worker while it enriches the bench workload.

    make profile        # = uv run python bench/profile.py [--articles 400] [--seconds 25]

Starts its own redis-server (or the embedded one) and one worker (the bench's `start_workers`), pushes the
workload, records with `py-spy record --format raw` (taken from PATH, else run through `uvx`), and
prints the share of samples inside spaCy/thinc, inside our code (by function), and elsewhere.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import redis

from bench.run import start_workers
from bench.workload import WorkloadSpec, generate
from service import names
from service.producer import publish
from service.redis_server import RedisServer, find_redis_server


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
    with tempfile.TemporaryDirectory() as tmp:
        (worker,) = start_workers(server.url, 1, Path(tmp), "profiled", batch_size=16)
        try:
            client = redis.Redis.from_url(server.url)
            publish(client, generate(WorkloadSpec(articles=args.articles, seed=11)))
            raw = Path(tmp) / "worker.raw"
            subprocess.run([*_py_spy(), "record", "--pid", str(worker.pid), "--format", "raw", "--rate", "100",
                            "--duration", str(args.seconds), "--nonblocking", "--output", str(raw)],
                           check=True, capture_output=True)
            print(f"{client.xlen(names.OUTPUT_STREAM)} of {args.articles} articles enriched while sampling")
            print(summarize(raw))
        finally:
            worker.stop()
            server.stop()


if __name__ == "__main__":
    main()
