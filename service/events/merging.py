"""The same real event reported twice in one article becomes one event."""

from __future__ import annotations

from contracts.models import Event, EventDate
from service.plover import SYMMETRIC


def _actor_key(event: Event) -> tuple[str, ...]:
    ids = (event.source.id if event.source else "", event.target.id if event.target else "")
    return tuple(sorted(ids)) if event.type in SYMMETRIC else ids


def _compatible(a: EventDate | None, b: EventDate | None) -> bool:
    if a is None or b is None:
        return True
    n = min(len(a.value), len(b.value))
    return a.value[:n] == b.value[:n]


def _same_place(a: Event, b: Event) -> bool:
    """Events with no named party (crowds, police) are told apart by where they happened."""
    return a.location is None or b.location is None or a.location.id == b.location.id


def merge_same_events(events: list[Event]) -> list[Event]:
    """One real event reported twice in an article is one event: keep the best-evidenced report."""
    kept: list[Event] = []
    for event in sorted(events, key=lambda e: -e.confidence):
        twin = next((k for k in kept if k.type == event.type and _actor_key(k) == _actor_key(event)
                     and _compatible(k.date, event.date) and (any(_actor_key(event)) or _same_place(k, event))),
                    None)
        if twin is None:
            kept.append(event)
        elif twin.date is not None and event.date is not None and len(event.date.value) > len(twin.date.value):
            kept[kept.index(twin)] = twin.model_copy(update={"date": event.date})
    return sorted(kept, key=lambda e: e.trigger.start)
