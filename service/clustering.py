"""Event clustering keys: which real-world event an extracted event belongs to.

Pure. An event's *group* is its type, its actors (sorted for symmetric types)
and its month; inside a group, dates and places decide (service.commit's
script does that atomically in Redis). The first cluster of a group gets the
group's base key, so two reports of one event get the same key whichever
arrives first.

Actors are compared at the level of the state they belong to: one outlet
writes "Poutine a reçu Kim", another "la Russie et la Corée du Nord", and
both describe one meeting. Two distinct meetings between the same two states
in one month stay apart when the reports give their days.
"""

from __future__ import annotations

import hashlib
from typing import Any

from contracts.models import Actor, Event
from service import names
from service.gazetteer import load_gazetteer
from service.plover import SYMMETRIC


def _digest(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode(), usedforsecurity=False).hexdigest()[:16]


def _party(actor: Actor | None) -> str:
    if actor is None:
        return ""
    entry = load_gazetteer().entries.get(actor.id)
    return (entry.country if entry is not None and entry.country else None) or actor.id


def actors_of(event: Event) -> tuple[str, str]:
    ids = (_party(event.source), _party(event.target))
    if event.type in SYMMETRIC:
        return (min(ids), max(ids))
    return ids


def cluster_spec(event: Event, event_prefix: str = names.EVENT_PREFIX) -> dict[str, Any]:
    """What the commit script needs to place this event in a cluster."""
    date = event.date.value if event.date else ""
    period = date[:7] if len(date) >= 7 else date  # the month, or the year when that is all we know
    actors = "/".join(actors_of(event))
    base = _digest(event.type, actors, period)
    record = {
        "type": event.type,
        "mode": event.mode,
        "source": event.source.model_dump() if event.source else None,
        "target": event.target.model_dump() if event.target else None,
        "location": event.location.model_dump() if event.location else None,
        "date": event.date.model_dump() if event.date else None,
        "modality": event.modality,
    }
    return {
        "group": f"{event_prefix}g:{base}",
        "base": base,
        "exact": _digest(event.type, actors, date) if date != period else base,
        "date": date,
        "place": event.location.id if event.location else "",
        "record": record,
    }
