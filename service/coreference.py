"""In-document coreference that needs no model: an acronym and the full name it is set beside.

French news introduces an organisation once as "Nom complet (SIGLE)" or "SIGLE (Nom complet)" and then uses
either form; both are one entity. The pairing is accepted only when the acronym's letters can be read off the
name's initials, so that "Moscou (AFP)" or "Khan Younès (Sud)" never pair.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc

from service.gazetteer import fold

# Words an acronym may skip: "Conseil national électoral" is CNE, "Forces armées révolutionnaires de Colombie" is
# FARC, but "La France insoumise" is LFI, so articles may also count.
_SKIPPABLE = frozenset({"de", "du", "des", "d", "la", "le", "les", "l", "et", "pour", "a", "au", "aux", "en", "al"})
_CONNECTORS = frozenset({"de", "du", "des", "d'", "d’", "la", "le", "les", "l'", "l’", "et", "pour", "à", "au", "aux",
                         "en", ","})
_ACRONYM = re.compile(r"^[A-Z][A-Za-z]{1,7}$")


def spells(acronym: str, name_words: list[str]) -> bool:
    """Whether `acronym` can be read off the name: its letters are the name's initials in order, starting with the
    first word's, every initial of a content word used (skipping only articles and prepositions)."""
    letters = fold(acronym).replace(" ", "")
    parts = [part for w in name_words for part in fold(w).split() if part]
    if len(letters) < 2 or not parts or letters[0] != parts[0][0]:
        return False

    def read(i: int, j: int) -> bool:  # letters[i:] from parts[j:]; a skippable word may or may not count
        if j == len(parts):
            return i == len(letters)
        counts = i < len(letters) and parts[j][0] == letters[i] and read(i + 1, j + 1)
        return counts or (parts[j] in _SKIPPABLE and read(i, j + 1))

    return read(0, 0)


def _is_acronym(text: str) -> bool:
    # "CNE", "HTC", "Farc", "Pastef": one word, capital first; mixed case only from three letters on.
    return bool(_ACRONYM.match(text)) and (text.isupper() or len(text) >= 3)


def tokens_at(doc: Doc, text: str, pattern: re.Pattern[str]) -> list[int]:
    """The indices of the tokens that start where `pattern` matches in `text` (the doc's text): a search over the
    string, so that a rare cue costs nothing on the many articles without it."""
    out = []
    for match in pattern.finditer(text):
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
        if span is not None and len(span):
            out.append(span.start)
    return out


_OPEN = re.compile(r"\(")


def appositions(doc: Doc, text: str, name_starts: set[int]) -> list[tuple[int, int, int]]:
    """(name start, name end, acronym token) for every "Nom complet (SIGLE)" and "SIGLE (Nom complet)" in the doc.

    `name_starts` are the token indices where an entity span begins: the full name starts at one of them (the
    NER often cuts a long name at a place it contains, so the name may run over several spans), and is the
    longest such stretch of capitalised words and connectors before the parenthesis that spells the acronym."""
    found: list[tuple[int, int, int]] = []
    opens = [doc[i] for i in tokens_at(doc, text, _OPEN)]
    for tok in opens:
        if tok.text != "(" or tok.i + 2 >= len(doc) or doc[tok.i + 2].text != ")":
            continue
        inner = doc[tok.i + 1]
        if _is_acronym(inner.text):
            # Nom complet (SIGLE): the longest stretch ending before "(" that starts at an entity and spells it.
            first = tok.i
            while first > 0 and tok.i - first < 14 and doc[first - 1].text != "\n" and (
                    doc[first - 1].is_alpha or doc[first - 1].text in _CONNECTORS or "-" in doc[first - 1].text):
                first -= 1
            for start in range(first, tok.i):
                if start in name_starts and doc[start].text[:1].isupper() and spells(
                        inner.text, [t.text for t in doc[start:tok.i] if t.text != ","]):
                    found.append((start, tok.i, inner.i))
                    break
    for tok in opens:
        # SIGLE (Nom complet): the acronym right before "(", the name filling the parentheses.
        if tok.text != "(" or tok.i == 0 or not _is_acronym(doc[tok.i - 1].text):
            continue
        close = next((t.i for t in doc[tok.i + 1:tok.i + 16] if t.text in (")", "\n")), None)
        if close is None or doc[close].text != ")" or close - tok.i < 3:
            continue
        words = [t.text for t in doc[tok.i + 1:close] if t.text != ","]
        if doc[tok.i + 1].text[:1].isupper() and spells(doc[tok.i - 1].text, words):
            found.append((tok.i + 1, close, tok.i - 1))
    return found
