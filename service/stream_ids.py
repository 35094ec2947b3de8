"""Redis stream entry ids (`<milliseconds>-<sequence>`): the one parser."""

from __future__ import annotations


def entry_order(entry_id: str | bytes) -> tuple[int, int]:
    """(milliseconds, sequence): ids compare in stream order as tuples, never as strings."""
    text = entry_id.decode() if isinstance(entry_id, bytes) else entry_id
    ms, _, seq = text.partition("-")
    return int(ms), int(seq or 0)


def entry_seconds(entry_id: str | bytes) -> float:
    """When Redis added the entry, as a Unix time."""
    return entry_order(entry_id)[0] / 1000.0
