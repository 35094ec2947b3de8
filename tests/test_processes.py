"""`depeche worker` runs several worker processes and stops them all on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import redis

from service.redis_server import free_port
from tests.conftest import article, output_for, wait_until, xadd_article


@dataclass
class Parent:
    """`depeche worker` with DEPECHE_PROCESSES=2: child i serves HTTP on base_port + i."""

    process: subprocess.Popen[bytes]
    base_port: int
    log_path: Path

    def answering(self, path: str) -> int:
        """How many of the two children answer 200 on `path`."""
        count = 0
        for port in (self.base_port, self.base_port + 1):
            try:
                count += httpx.get(f"http://127.0.0.1:{port}{path}", timeout=1).status_code == 200
            except httpx.HTTPError:
                continue
        return count

    def stopped_children(self) -> int:
        return self.log_path.read_text().count("worker_stopped")


@pytest.fixture
def parent(redis_url: str, tmp_path: Path) -> Iterator[Parent]:
    base = free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "DEPECHE_PROCESSES": "2", "DEPECHE_CONSUMER": "multi",
           "DEPECHE_HTTP_PORT": str(base), "DEPECHE_HTTP_HOST": "127.0.0.1", "DEPECHE_LOG_FORMAT": "json"}
    log_path = tmp_path / "parent.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "service", "worker"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    yield Parent(process, base, log_path)
    if process.poll() is None:
        process.kill()


def test_worker_runs_one_consumer_per_process_and_drains_on_sigterm(r: redis.Redis, parent: Parent) -> None:
    wait_until(lambda: parent.answering("/readyz") == 2, timeout=120, interval=0.5)
    assert output_for(r, xadd_article(r, article("multi")))["article_id"] == "art-multi"
    parent.process.send_signal(signal.SIGTERM)
    assert parent.process.wait(60) == 0
    assert parent.stopped_children() == 2


def test_worker_processes_exit_when_their_parent_is_killed(parent: Parent) -> None:
    wait_until(lambda: parent.answering("/healthz") == 2, timeout=120, interval=0.5)
    parent.process.kill()
    parent.process.wait(10)
    wait_until(lambda: parent.answering("/healthz") == 0, timeout=60, interval=0.5)
    # each child drained and logged its exit: none was left running without its parent
    wait_until(lambda: parent.stopped_children() == 2, timeout=30)


def test_a_failing_worker_process_stops_the_others_and_the_parent_exits_with_its_code(
    r: redis.Redis, parent: Parent
) -> None:
    wait_until(lambda: parent.answering("/readyz") == 2, timeout=120, interval=0.5)
    r.flushall()  # the consumer group is gone: a worker process exits 3 for its supervisor
    assert parent.process.wait(60) == 3
    assert parent.answering("/healthz") == 0
    assert "worker_process_failed" in parent.log_path.read_text()
