"""The gazetteer: canonical entities, their aliases, titles and what capitals stand for.

Data lives in `data/gazetteer/*.yaml` (one file per region or domain, read in name
order; plus `data/demonyms.yaml`); users extend those files, not this code. `DEPECHE_GAZETTEER` may point at an extra YAML file
in the same format whose entries are added to (or override) the packaged ones.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"
_HONORIFICS = re.compile(
    r"^(m|mme|mlle|mr|mrs|ms|dr|me|mgr|président|presidente|general|général|le|la|les|l)\s+", re.IGNORECASE
)


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for name lookups."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    previous = None
    while previous != text:
        previous, text = text, _HONORIFICS.sub("", text)
    return text


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    name: str
    label: str
    country: str | None = None
    aliases: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()
    stands_for: str | None = None

    @property
    def surface_forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass
class Gazetteer:
    entries: dict[str, GazetteerEntry]
    by_alias: dict[str, str] = field(default_factory=dict)
    demonyms: dict[str, str] = field(default_factory=dict)  # folded adjective -> entity id

    def __post_init__(self) -> None:
        for entry in self.entries.values():
            for form in entry.surface_forms:
                self.by_alias.setdefault(fold(form), entry.id)

    def lookup(self, name: str) -> GazetteerEntry | None:
        entity_id = self.by_alias.get(fold(name))
        return self.entries.get(entity_id) if entity_id else None

    def government_of(self, entity_id: str) -> GazetteerEntry | None:
        """The country a capital or seat of power stands for, else None."""
        entry = self.entries.get(entity_id)
        if entry is None or entry.stands_for is None:
            return None
        return self.entries.get(entry.stands_for)


def _slug(label: str, name: str) -> str:
    return f"depeche:{label}:{fold(name).replace(' ', '-')}"


def _entry(raw: dict[str, Any]) -> GazetteerEntry:
    label = str(raw["label"])
    name = str(raw["name"])
    return GazetteerEntry(
        id=str(raw.get("id") or _slug(label, name)),
        name=name,
        label=label,
        country=raw.get("country"),
        aliases=tuple(str(a) for a in raw.get("aliases") or ()),
        titles=tuple(str(t) for t in raw.get("titles") or ()),
        stands_for=raw.get("stands_for"),
    )


def _read(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a YAML list of entities")
    return data


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    raw = [item for path in sorted((DATA / "gazetteer").glob("*.yaml")) for item in _read(path)]
    extra = os.environ.get("DEPECHE_GAZETTEER")
    if extra:
        raw += _read(Path(extra))
    entries: dict[str, GazetteerEntry] = {}
    for item in raw:
        entry = _entry(item)
        entries[entry.id] = entry
    demonyms_raw = yaml.safe_load((DATA / "demonyms.yaml").read_text(encoding="utf-8")) or {}
    gaz = Gazetteer(entries=entries)
    for name, adjectives in demonyms_raw.items():
        target = gaz.lookup(name)
        if target is None:
            continue
        for adjective in adjectives:
            gaz.demonyms[fold(adjective)] = target.id
    for item in raw:  # `demonyms:` on a country's own entry (e.g. the generated world file); demonyms.yaml wins
        for adjective in item.get("demonyms") or ():
            gaz.demonyms.setdefault(fold(adjective), _entry(item).id)
    return gaz
