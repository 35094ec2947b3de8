"""Dépêche: streaming ingestion of French news into entities and PLOVER events."""

import time
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("depeche")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+local"

# When this process (or the command that forked it) started: ready times are counted from here.
STARTED_MONOTONIC = time.monotonic()
