"""The image, built from this checkout and run with the production hardening against a real Redis.

Hardening as in docker-compose.yml: read-only root filesystem with a tmpfs on /tmp, uid 10001, every
capability dropped, no-new-privileges, an init process. Redis runs in a container of its own on a private
network; the test publishes and reads through a port published on 127.0.0.1.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import redis

from service import names
from service.redis_server import free_port
from tests.conftest import group_state, read_stream, xadd_article
from tests.helpers_container import (
    IMAGE,
    build_image,
    docker,
    require_engine,
    sample_articles,
    samples,
    wait_for,
)

# A cold image build (every download) or a busy machine can take minutes before the first test runs.
pytestmark = [pytest.mark.container, pytest.mark.timeout(900)]

READY_TIMEOUT_S = 240.0  # ~5 s on an idle machine; a machine shared with other suites is slower


@dataclass
class Stack:
    network: str
    redis_name: str
    client: redis.Redis


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    require_engine()
    build_image()
    network = f"depeche-test-{uuid.uuid4().hex[:8]}"
    redis_name = f"{network}-redis"
    port = free_port()
    docker("network", "create", network)
    try:
        docker("run", "-d", "--name", redis_name, "--network", network, "-p", f"127.0.0.1:{port}:6379",
               "redis:7.4", "redis-server", "--appendonly", "no")
        client = redis.Redis(port=port)
        wait_for(client.ping, 30, "redis container answers PING")
        yield Stack(network, redis_name, client)
        client.close()
    finally:
        docker("rm", "-f", redis_name, check=False)
        docker("network", "rm", network, check=False)


@dataclass
class Container:
    name: str
    port: int
    ready_seconds: float

    def logs(self) -> str:
        done = docker("logs", self.name, check=False)
        return done.stdout + done.stderr


def run_hardened(stack: Stack, name: str) -> Container:
    """`docker run` as production does, then wait for /readyz."""
    port = free_port()
    started = time.monotonic()
    docker("run", "-d", "--name", name, "--network", stack.network,
           "--read-only", "--tmpfs", "/tmp", "--user", "10001:10001", "--cap-drop", "ALL",
           "--security-opt", "no-new-privileges:true", "--init",
           "-e", f"REDIS_URL=redis://{stack.redis_name}:6379/0", "-e", "DEPECHE_PROCESSES=1",
           "-p", f"127.0.0.1:{port}:8000", IMAGE, "worker")

    def ready() -> bool:
        state = docker("inspect", "-f", "{{.State.Status}}", name).stdout.strip()
        if state != "running":
            raise AssertionError(f"container {state}:\n{docker('logs', name, check=False).stderr[-3000:]}")
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200

    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        try:
            if ready():
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"not ready within {READY_TIMEOUT_S} s:\n{docker('logs', name, check=False).stderr[-3000:]}")
        time.sleep(0.2)
    return Container(name, port, time.monotonic() - started)


@pytest.fixture
def containers(stack: Stack) -> Iterator[list[str]]:
    """Names of the worker containers a test starts; removed after it. Redis is flushed before it."""
    stack.client.flushall()
    names_: list[str] = []
    yield names_
    for name in names_:
        docker("rm", "-f", name, check=False)


def _outcomes(client: redis.Redis) -> list[str]:
    """Input entry ids of every output and dead letter so far."""
    return [d["input_entry_id"] for s in (names.OUTPUT_STREAM, names.DLQ_STREAM) for d in read_stream(client, s)]


def test_image_builds_from_the_checkout_and_ships_only_the_service() -> None:
    require_engine()
    build = build_image()
    config = json.loads(docker("image", "inspect", IMAGE).stdout)[0]["Config"]
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"] == ["depeche"] and config["Cmd"] == ["worker"]
    probe = (
        "import importlib.util as u, os, shutil, site\n"
        "print(u.find_spec('service.worker') is not None, u.find_spec('bench') is None,"
        " os.path.exists('/app/tests'), shutil.which('uv') is None,"
        " any(os.path.isdir(os.path.join(p, 'spacy', 'tests')) for p in site.getsitepackages()))\n"
    )
    out = docker("run", "--rm", "--read-only", "--entrypoint", "python", IMAGE, "-c", probe).stdout.split()
    assert out == ["True", "True", "False", "True", "False"], out
    print(f"\nimage build: {build.seconds:.1f} s")


def test_hardened_container_becomes_ready_and_enriches_our_samples(stack: Stack, containers: list[str]) -> None:
    name = f"{stack.network}-w1"
    containers.append(name)
    worker = run_hardened(stack, name)
    print(f"\nready in {worker.ready_seconds:.1f} s from docker run")
    sent = [xadd_article(stack.client, doc) for doc in samples()]
    wait_for(lambda: len(_outcomes(stack.client)) >= len(sent), 180, "an outcome for every sample")
    outputs = read_stream(stack.client, names.OUTPUT_STREAM)
    assert sorted(_outcomes(stack.client)) == sorted(sent)
    assert len(outputs) == len(sent)  # our samples are all valid
    assert any(doc["entities"] for doc in outputs) and any(doc["events"] for doc in outputs)
    metrics = httpx.get(f"http://127.0.0.1:{worker.port}/metrics", timeout=5).text
    assert "depeche_articles_processed_total" in metrics


def test_docker_stop_finishes_the_batch_and_exits_0_with_nothing_lost(stack: Stack, containers: list[str]) -> None:
    first = f"{stack.network}-w2"
    containers.append(first)
    run_hardened(stack, first)
    sent = [xadd_article(stack.client, doc) for doc in sample_articles(32)]
    wait_for(lambda: len(read_stream(stack.client, names.OUTPUT_STREAM)) >= 2, 180, "processing under way")

    docker("stop", "-t", "60", first, timeout=90)
    state = json.loads(docker("inspect", first).stdout)[0]["State"]
    logs = docker("logs", first, check=False).stderr
    assert state["ExitCode"] == 0, logs[-3000:]
    assert '"worker_stopped"' in logs
    done_before = _outcomes(stack.client)
    assert len(done_before) == len(set(done_before))
    assert group_state(stack.client)["pending"] == 0  # what it read, it committed

    second = f"{stack.network}-w3"
    containers.append(second)
    run_hardened(stack, second)
    wait_for(lambda: len(_outcomes(stack.client)) >= len(sent), 240, "an outcome for every input")
    time.sleep(1)  # an extra output would show now
    after = _outcomes(stack.client)
    assert sorted(after) == sorted(sent)  # each input exactly once: none lost, none twice
