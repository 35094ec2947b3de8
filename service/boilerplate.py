"""Boilerplate rules: which lines, or which ends of a line, are not the article.

Pure functions over one stripped line. Two kinds of rule, both named, both read
from `data/boilerplate.yaml` (generic French-news usage, never one site's wording):

* `lines` rules match a whole line and apply only to a short line without a
  sentence (`carries_sentences` is False): navigation, share bars, bylines,
  captions, site names. A line that carries a sentence is never dropped by them.
* `fragments` rules match a tight piece at the start or the end of a line (a
  "Par Jeanne Martin |" byline, a trailing "Lire aussi : ...", a share bar) at a
  sentence boundary; only that piece goes and the rest of the line is kept. The
  piece itself must carry no sentence (unless the rule says its boilerplate is a
  sentence, like a cookie banner), and start fragments are cut only from a line
  that carries sentences. A fragment that covers the whole line removes the line.

A line equal to the name of a news outlet (`data/outlets.yaml`) or to the
article's own `source` is a site name and goes too, when it carries no sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

DATA = Path(__file__).parent / "data"

# A line "carries sentences" when it holds one: SENTENCE_MIN_WORDS or more words
# ending with . ! ? or … (a closing quote or bracket may follow), or when it is
# longer than LABEL_MAX_WORDS words. Navigation items, share bars, bylines,
# captions and site names are shorter than that and have no such sentence;
# paragraphs often come without their final period, hence the length test.
SENTENCE_MIN_WORDS = 4
LABEL_MAX_WORDS = 12
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SENTENCE_END = re.compile(r"(?:[.!?]+|…)[\s»\"”’)\]]*(?=\s|$)")
# Start and end of a fragment: the line's edge or a sentence boundary.
_BOUNDARY_BEFORE = r"(?:^|(?<=[.!?…»\"”)])\s+)"
_NOT_LETTERS = re.compile(r"[\W_]+")
# End fragments are looked for in the last FRAGMENT_MAX_CHARS of a line only (the longest pattern, a
# cookie banner, is shorter): a long paragraph costs no more than a short one.
FRAGMENT_MAX_CHARS = 600


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    # A fragment rule whose boilerplate is itself a sentence (a cookie banner); other fragments must
    # carry no sentence, so that a link title never swallows the article text glued after it.
    sentence: bool = False


@dataclass(frozen=True)
class Rules:
    lines: tuple[Rule, ...]
    starts: tuple[Rule, ...]  # fragments at the start of a line
    ends: tuple[Rule, ...]    # fragments at the end of a line
    outlets: frozenset[str]   # folded news-outlet names


@dataclass(frozen=True)
class Cut:
    """What a rule took from a line: the text and what is left of the line."""

    rule: str
    kind: Literal["line", "fragment"]
    text: str
    rest: str


def fold_name(text: str) -> str:
    """Letters and digits only, lower case, no accents: "L'Écho" == "lecho"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _NOT_LETTERS.sub("", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _more_words_than(text: str, n: int) -> bool:
    return any(i >= n for i, _ in enumerate(_WORD.finditer(text)))


def carries_sentences(line: str) -> bool:
    if _more_words_than(line, LABEL_MAX_WORDS):
        return True
    start = 0
    for end in _SENTENCE_END.finditer(line):
        if _more_words_than(line[start:end.start()], SENTENCE_MIN_WORDS - 1):
            return True
        start = end.end()
    return False


def _compile(entries: list[dict[str, str]], template: str) -> tuple[Rule, ...]:
    return tuple(Rule(str(e["name"]), re.compile(template.format(e["pattern"]), re.IGNORECASE),
                      bool(e.get("sentence", False))) for e in entries)


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    raw = yaml.safe_load((DATA / "boilerplate.yaml").read_text(encoding="utf-8"))
    fragments = raw.get("fragments") or []
    outlets = yaml.safe_load((DATA / "outlets.yaml").read_text(encoding="utf-8"))["outlets"]
    return Rules(
        lines=_compile(raw["lines"], "(?:{})"),
        starts=_compile([f for f in fragments if f["at"] == "start"], r"^(?:{})\s*"),
        ends=_compile([f for f in fragments if f["at"] == "end"], _BOUNDARY_BEFORE + r"(?:{})\s*$"),
        outlets=frozenset(fold_name(str(o)) for o in outlets),
    )


def _fragment_allowed(rule: Rule, text: str) -> bool:
    return rule.sentence or not carries_sentences(text.strip().rstrip(".!?…").strip())


def cut_fragment(line: str, rules: Rules | None = None) -> Cut | None:
    """The first boilerplate fragment at the start or end of `line`, if any."""
    rules = rules or load_rules()
    # A short line is judged whole by the line rules: "Accueil › Monde › Asie" goes entirely.
    for rule in rules.starts if carries_sentences(line) else ():
        if (m := rule.pattern.match(line)) and _fragment_allowed(rule, m.group()):
            rest = line[m.end():].strip()
            return Cut(rule.name, "fragment" if rest else "line", m.group().strip(), rest)
    tail = max(0, len(line) - FRAGMENT_MAX_CHARS)
    for rule in rules.ends:
        if (m := rule.pattern.search(line, tail)) and _fragment_allowed(rule, m.group()):
            rest = line[:m.start()].strip()
            return Cut(rule.name, "fragment" if rest else "line", m.group().strip(), rest)
    return None


def line_rule(line: str, source: str | None = None, rules: Rules | None = None) -> str | None:
    """Name of the rule that drops this whole line, or None: only for a line without a sentence."""
    if carries_sentences(line):
        return None
    rules = rules or load_rules()
    folded = fold_name(line)
    if source and folded and folded == fold_name(source):
        return "article_source"
    if folded in rules.outlets:
        return "outlet_name"
    for rule in rules.lines:
        if rule.pattern.fullmatch(line):
            return rule.name
    return None
