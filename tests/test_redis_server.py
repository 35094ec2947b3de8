"""The redis-server the tests start: test processes side by side (pytest-xdist) race for free ports."""

from __future__ import annotations

import redis

from service.redis_server import RedisServer, find_redis_server


def test_a_server_whose_port_is_taken_starts_on_another_port_and_is_our_own_child() -> None:
    binary, _ = find_redis_server()
    first = RedisServer(binary=binary).start()
    try:
        second = RedisServer(binary=binary, port=first.port).start()
        try:
            assert second.port != first.port
            assert second.process is not None
            client = redis.Redis(port=second.port)
            assert int(client.info("server")["process_id"]) == second.process.pid
            client.close()
        finally:
            second.stop()
    finally:
        first.stop()
