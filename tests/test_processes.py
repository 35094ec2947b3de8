"""`depeche worker` runs several worker processes and stops them all on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import redis

from service.redis_server import free_port
from tests.conftest import article, output_for, wait_until, xadd_article


def test_worker_runs_one_consumer_per_process_and_drains_on_sigterm(
    r: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    base = free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "DEPECHE_PROCESSES": "2", "DEPECHE_CONSUMER": "multi",
           "DEPECHE_HTTP_PORT": str(base), "DEPECHE_HTTP_HOST": "127.0.0.1", "DEPECHE_LOG_FORMAT": "json"}
    with open(tmp_path / "parent.log", "wb") as log:
        parent = subprocess.Popen([sys.executable, "-m", "service", "worker"], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
    try:
        def ready(port: int) -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(lambda: ready(base) and ready(base + 1), timeout=120, interval=0.5)
        assert output_for(r, xadd_article(r, article("multi")))["article_id"] == "art-multi"
        parent.send_signal(signal.SIGTERM)
        assert parent.wait(60) == 0
    finally:
        if parent.poll() is None:
            parent.kill()
    log_text = (tmp_path / "parent.log").read_text()
    assert log_text.count("worker_stopped") == 2


def test_worker_processes_exit_when_their_parent_is_killed(r: redis.Redis, redis_url: str, tmp_path: Path) -> None:
    base = free_port()
    env = {**os.environ, "REDIS_URL": redis_url, "DEPECHE_PROCESSES": "2", "DEPECHE_CONSUMER": "orphan",
           "DEPECHE_HTTP_PORT": str(base), "DEPECHE_HTTP_HOST": "127.0.0.1", "DEPECHE_LOG_FORMAT": "json"}
    with open(tmp_path / "parent.log", "wb") as log:
        parent = subprocess.Popen([sys.executable, "-m", "service", "worker"], env=env, stdout=log,
                                  stderr=subprocess.STDOUT)

    def alive(port: int) -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(lambda: alive(base) and alive(base + 1), timeout=120, interval=0.5)
        parent.kill()
        parent.wait(10)
        wait_until(lambda: not alive(base) and not alive(base + 1), timeout=60, interval=0.5)
        # each child drained and logged its exit: none was left running without its parent
        wait_until(lambda: (tmp_path / "parent.log").read_text().count("worker_stopped") == 2, timeout=30)
    finally:
        if parent.poll() is None:
            parent.kill()
