"""Conventions of security news (threats, attacks, coups) applied after the generic steps.

Read from the `_security` block of data/lexicon.yaml. A threat always has someone it is aimed at: "la Cedeao
n'exclut pas une intervention militaire" in an article about Niger threatens Niger.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from spacy.tokens import Token

from service.events.context import Context, _Found, _Roles
from service.events.parties import _geo_of, main_country
from service.events.syntax import _is_verbal
from service.lexicon import DATA, TriggerSense


@dataclass(frozen=True)
class Security:
    implied_target: frozenset[str] = frozenset()  # TYPE or TYPE.mode aimed at the article's country when unnamed


def _listed(sense: TriggerSense, names: frozenset[str]) -> bool:
    return sense.type in names or f"{sense.type}.{sense.mode}" in names


def parse_security(raw: dict[str, Any]) -> Security:
    return Security(implied_target=frozenset(str(w) for w in raw.get("implied_target") or ()))


@lru_cache(maxsize=1)
def load_security() -> Security:
    raw: dict[str, Any] = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    return parse_security(raw.get("_security") or {})


def implied_target(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """'La Cedeao n'exclut pas une intervention militaire': a threat whose sentence names no one it is aimed at
    is aimed at the country the article names most, other than the threatening side's own."""
    if roles.source is None or roles.target is not None or not _listed(found.sense, load_security().implied_target):
        return
    if not _is_verbal(tok):
        return  # a noun ("face aux menaces de fermeture") is mostly a threat in passing, not one the side utters
    exclude = {roles.source.id}
    own = _geo_of(ctx).by_code.get(roles.source.country or "")
    if own is not None:
        exclude.add(own)
    roles.target = main_country(ctx, tok.i, frozenset(exclude))
