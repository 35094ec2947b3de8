"""One /metrics for a set of forked worker processes (prometheus_client's multiprocess mode).

`depeche worker --processes N` forks N workers. Without this, each process counts in its own memory and
Prometheus would have to scrape ports 8000..8000+N-1 and add them up. With it, every process writes its
samples to memory-mapped files in one directory, and any process's /metrics reads the whole directory
(service.metrics.serving_registry): counters and histograms summed over the set, gauges aggregated as
their `multiprocess_mode` says (documented in service/metrics.py and the README).

The parent calls `enable()` before it forks and before `service.metrics` is imported: prometheus_client
chooses where a metric keeps its value when the metric is created. The directory is new for every start,
so a restart never adds the previous run's counts, and it is removed when the parent exits.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

from prometheus_client import values
from prometheus_client.multiprocess import mark_process_dead

ENV = "PROMETHEUS_MULTIPROC_DIR"


def enable() -> Path:
    """Make the metrics created from now on in this process and its forks share a fresh directory."""
    if "service.metrics" in sys.modules:
        # Its metrics already hold their values in this process's memory: the set would not be summed.
        raise RuntimeError("metrics_multiprocess.enable() must run before service.metrics is imported")
    path = Path(tempfile.mkdtemp(prefix="depeche-metrics-"))
    os.environ[ENV] = str(path)
    # prometheus_client reads the variable once, at its own import (the CLI has imported it by now).
    values.ValueClass = values.MultiProcessValue()  # type: ignore[no-untyped-call]
    parent = os.getpid()
    atexit.register(_remove, path, parent)
    # The parent serves no metrics. Should a module it imports create some, its live gauges must not count:
    # its depeche_ready of 0 would hold the set's minimum at 0.
    os.register_at_fork(after_in_parent=lambda: mark_process_dead(parent, str(path)))  # type: ignore[no-untyped-call]
    return path


def process_exited(pid: int) -> None:
    """A child is gone: its `live*` gauges stop counting; its counters stay in the sums."""
    if os.environ.get(ENV):
        mark_process_dead(pid)  # type: ignore[no-untyped-call]


def _remove(path: Path, owner: int) -> None:
    if os.getpid() == owner:  # never a forked child's exit: the others still write there
        shutil.rmtree(path, ignore_errors=True)
