"""Who stands for a government in news of coups and juntas: "la junte", "les putschistes", "les autorités de
transition", "le régime militaire", "les auteurs du coup d'État".

Read from the `_regimes` block of data/lexicon.yaml. Only the test on the words lives here; which country such a
phrase stands for (its own complement's, else the one the article names most) is decided in `parties`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml
from spacy.tokens import Token

from service.lexicon import DATA


@dataclass(frozen=True)
class Regimes:
    bare: frozenset[str] = frozenset()                      # noun lemmas that stand for the regime alone
    qualified: frozenset[tuple[str, str]] = frozenset()     # (noun lemma, lemma of its amod/nmod qualifier)
    acts: frozenset[str] = frozenset()                      # coup nouns: "les auteurs du coup d'État"
    doers: frozenset[str] = frozenset()                     # nouns of people that such a complement makes the regime


def parse_regimes(raw: dict[str, Any]) -> Regimes:
    qualified = set()
    for phrase in raw.get("qualified") or ():
        noun, _, qualifier = str(phrase).partition(" ")
        if qualifier:
            qualified.add((noun, qualifier))
    return Regimes(
        bare=frozenset(str(w) for w in raw.get("bare") or ()),
        qualified=frozenset(qualified),
        acts=frozenset(str(w) for w in raw.get("acts") or ()),
        doers=frozenset(str(w) for w in raw.get("doers") or ()),
    )


@lru_cache(maxsize=1)
def load_regimes() -> Regimes:
    raw: dict[str, Any] = yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))
    return parse_regimes(raw.get("_regimes") or {})


_QUALIFIER_DEPS = frozenset({"amod", "nmod"})


def is_regime(tok: Token) -> bool:
    """Whether a noun names a regime of soldiers or of transition rather than people in general."""
    if tok.pos_ not in ("NOUN", "ADJ", "PROPN"):
        return False
    reg = load_regimes()
    lemma = tok.lemma_.lower()
    if lemma in reg.bare or tok.lower_ in reg.bare:
        return True
    children = [c for c in tok.children if c.dep_ in _QUALIFIER_DEPS]
    if any((lemma, c.lemma_.lower()) in reg.qualified for c in children):
        return True
    if lemma not in reg.doers:
        return False
    # "les auteurs du coup d'État", "les officiers impliqués dans le putsch"
    for child in tok.children:
        if child.dep_ == "nmod" and _is_act(child, reg):
            return True
        if child.dep_ == "acl" and any(g.dep_ in ("obl:arg", "obl", "obl:mod") and _is_act(g, reg)
                                       for g in child.children):
            return True
    return False


def _is_act(tok: Token, reg: Regimes) -> bool:
    """'putsch', 'coup d'État' (the noun and its complement), not any 'coup'."""
    lemma = tok.lemma_.lower()
    return lemma in reg.acts or any(
        c.dep_ == "nmod" and f"{lemma} {c.lemma_.lower()}" in reg.acts for c in tok.children)
