"""Redis connections built from settings: URL, ACL credentials, TLS and cluster mode in one place."""

from __future__ import annotations

import ssl
from typing import Any

from redis.asyncio import Redis, RedisCluster

from service.config import Settings

# Both clients speak the commands the worker uses; RedisCluster routes each to the node owning its slot.
Client = Redis | RedisCluster


def redis_kwargs(settings: Settings) -> dict[str, Any]:
    """Extra connection options (TLS files) shared by our client and FastStream's."""
    kwargs: dict[str, Any] = {}
    if settings.redis_ca_file:
        kwargs["ssl_ca_certs"] = settings.redis_ca_file
        kwargs["ssl_cert_reqs"] = ssl.CERT_REQUIRED
    if settings.redis_cert_file:
        kwargs["ssl_certfile"] = settings.redis_cert_file
    if settings.redis_key_file:
        kwargs["ssl_keyfile"] = settings.redis_key_file
    return kwargs


def redis_url(settings: Settings) -> str:
    if settings.redis_url is None:
        raise RuntimeError("no Redis URL: set REDIS_URL or let the CLI start the embedded Redis")
    return settings.redis_url.get_secret_value()


def make_client(settings: Settings) -> Any:
    """A client for REDIS_URL; with DEPECHE_REDIS_CLUSTER the URL names any node and the rest are discovered."""
    if settings.redis_cluster:
        return RedisCluster.from_url(redis_url(settings), socket_connect_timeout=5, socket_keepalive=True,
                                     **redis_kwargs(settings))
    return Redis.from_url(
        redis_url(settings),
        socket_connect_timeout=5,
        socket_keepalive=True,
        health_check_interval=30,
        retry_on_timeout=True,
        **redis_kwargs(settings),
    )
