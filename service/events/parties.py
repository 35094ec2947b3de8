"""Who a phrase names: entities as parties, capitals for governments, demonyms, pronouns, pairs."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Span, Token

from contracts.models import Actor, Entity
from service.events.context import _SUBJ, Context, _Party
from service.events.regime import is_regime
from service.events.syntax import _case_of, _children
from service.gazetteer import Gazetteer, fold

# Dependents that open another clause: an actor is never looked for through them.
_CLAUSAL = frozenset({"acl:relcl", "ccomp", "advcl", "parataxis", "xcomp", "conj", "cc", "punct", "acl",
                      "csubj", "dep", "discourse", "vocative", "reparandum", "dislocated"})
# A phrase's own party hangs on it bare or behind these ("le parti au pouvoir en Russie", "l'armée de X");
# "avec", "contre", "à"... introduce the other side of the event.
_WITHIN = frozenset({"de", "du", "des", "d'", "en", "au"})
_PERSON_PRONOUNS = frozenset({"il", "elle", "celui-ci", "celle-ci", "lui", "lui-même", "elle-même"})
# Object clitics standing for a party ("afin de le féliciter"); "lui" is handled apart, also after a preposition.
_OBJECT_CLITICS = frozenset({"le", "la", "l'", "l’"})
_RELATIVE = frozenset({"qui", "lequel", "laquelle", "lesquels", "lesquelles"})
_LABEL_RANK = {"PER": 0.0, "ORG": 0.6, "GOV": 0.5, "LOC": 1.2}


@dataclass(frozen=True)
class _Geo:
    countries: frozenset[str]
    by_code: dict[str, str]


_GEO: dict[int, tuple[Gazetteer, _Geo]] = {}


def _geo(gaz: Gazetteer) -> _Geo:
    """Which gazetteer places are countries, and the country entry for each ISO code (cached per gazetteer)."""
    cached = _GEO.get(id(gaz))
    if cached is not None and cached[0] is gaz:
        return cached[1]
    countries = set(gaz.demonyms.values())
    countries.update(e.stands_for for e in gaz.entries.values() if e.stands_for)
    countries = {c for c in countries if c in gaz.entries and gaz.entries[c].label == "LOC"}
    by_code: dict[str, str] = {}
    for cid in sorted(countries):
        code = gaz.entries[cid].country
        if code and code not in by_code:
            by_code[code] = cid
    geo = _Geo(frozenset(countries), by_code)
    _GEO[id(gaz)] = (gaz, geo)
    return geo


def _geo_of(ctx: Context) -> _Geo:
    return _geo(ctx.gaz)


def _entity_party(ctx: Context, idx: int, token: int) -> _Party | None:
    key = (idx, token)
    if key not in ctx.parties:
        ctx.parties[key] = _make_entity_party(ctx, idx, token)
    return ctx.parties[key]


def _make_entity_party(ctx: Context, idx: int, token: int) -> _Party | None:
    entity: Entity = ctx.table.entities[idx]
    if entity.label not in ("PER", "ORG", "LOC"):
        return None  # a treaty, an operation, a weapon: never an actor
    own = Actor(id=entity.id, name=entity.name)
    government = ctx.gaz.government_of(entity.id)
    if government is not None:
        return _Party(Actor(id=government.id, name=government.name), entity.name, "GOV", token,
                      government.country, own)
    if entity.label == "LOC":
        kind = "GOV" if entity.id in _geo_of(ctx).countries else "LOC"
        return _Party(own, entity.name, kind, token, entity.country, own)
    return _Party(own, entity.name, entity.label, token, entity.country)


@lru_cache(maxsize=8192)
def _folded(word: str) -> str:
    return fold(word)


def _demonym_party(ctx: Context, tok: Token) -> _Party | None:
    if tok.pos_ not in ("ADJ", "VERB", "NOUN", "PROPN"):
        return None
    country_id = ctx.gaz.demonyms.get(_folded(tok.lower_))
    if country_id is None or (tok.pos_ in ("NOUN", "PROPN") and tok.dep_ not in ("amod", "conj")):
        return None  # "les Russes" as a people is not a state actor
    if tok.dep_ == "amod" and tok.head.lemma_.lower() in ctx.lexicon.rules.abstract_nouns:
        return None  # "l'impérialisme américain" is an idea, not the United States
    entry = ctx.gaz.entries[country_id]
    if entry.label != "LOC" and not any(e.id == entry.id for e in ctx.table.entities):
        return None  # "le soutien européen" is Europe at large unless the article names the Union itself
    return _Party(Actor(id=entry.id, name=entry.name), entry.name, "GOV", tok.i, entry.country)


def _party_of_token(ctx: Context, tok: Token) -> _Party | None:
    idx = ctx.table.token_entity.get(tok.i)
    if idx is not None:
        return _entity_party(ctx, idx, tok.i)
    return _demonym_party(ctx, tok)


def _as_target(ctx: Context, party: _Party) -> _Party:
    """A place as the receiving side stands for its country ("frappé Kharkiv" hits Ukraine)."""
    if party.kind != "LOC" or party.place is None:
        return party
    country = _geo_of(ctx).by_code.get(party.country or "")
    if country is None:
        return party
    entry = ctx.gaz.entries[country]
    return _Party(Actor(id=entry.id, name=entry.name), party.name, "GOV", party.token, entry.country, party.place)


def _previous(ctx: Context, before: int, kinds: tuple[str, ...], n: int) -> list[_Party]:
    """The n most recently named distinct parties of the given kinds before a token."""
    found: list[_Party] = []
    seen: set[str] = set()
    for i, idx in reversed(ctx.starts):
        if i >= before:
            continue
        party = _entity_party(ctx, idx, i)
        if party is None or party.kind not in kinds or party.id in seen:
            continue
        seen.add(party.id)
        found.append(party)
        if len(found) == n:
            break
    return found


def _pair(ctx: Context, tok: Token) -> list[_Party]:
    """'les deux dirigeants', 'leurs deux pays', 'les deux parties': the two parties last named."""
    lemma = tok.lemma_.lower()
    rules = ctx.lexicon.rules
    if lemma in rules.pair_persons:
        kinds: tuple[str, ...] = ("PER",)
    elif lemma in rules.pair_countries:
        kinds = ("GOV",)
    elif lemma in rules.pair_any:
        kinds = ("PER", "GOV")
    else:
        return []
    if not any(c.lower_ in ("deux", "2") for c in _children(ctx, tok)):
        return []
    return _apposed_pair(ctx, tok, kinds) or _main_pair(ctx, tok.i, kinds)


def _apposed_pair(ctx: Context, tok: Token, kinds: tuple[str, ...]) -> list[_Party]:
    """'les deux dirigeants, Xi Jinping et Vladimir Poutine, ...': the pair named right after the noun."""
    found: list[_Party] = []
    end = min(tok.i + 10, tok.sent.end)
    for i, idx in ctx.starts:
        if i <= tok.i or i >= end:
            continue
        if not all(t.is_punct or t.lower_ == "et" or t.i in ctx.table.token_entity for t in tok.doc[tok.i + 1:i]):
            break  # only names, commas and "et" between the noun and its pair
        party = _entity_party(ctx, idx, i)
        if party is not None and party.kind in kinds and all(p.id != party.id for p in found):
            found.append(party)
        if len(found) == 2:
            return found
    return []


def _main_pair(ctx: Context, before: int, kinds: tuple[str, ...]) -> list[_Party]:
    """The two parties of these kinds the article has named most so far (the latest first on a tie)."""
    counts: dict[str, tuple[int, int, _Party]] = {}
    for i, idx in ctx.starts:
        if i >= before:
            break
        party = _entity_party(ctx, idx, i)
        if party is None or party.kind not in kinds:
            continue
        n = counts.get(party.id, (0, 0, party))[0]
        counts[party.id] = (n + 1, i, party)
    ranked = sorted(counts.values(), key=lambda c: (-c[0], -c[1]))
    return [c[2] for c in ranked[:2]] if len(ranked) >= 2 else []


def _pronoun(ctx: Context, tok: Token) -> _Party | None:
    low = tok.lower_
    if tok.dep_.startswith("expl"):
        return None  # an impersonal "il" ("il y a eu des blessés", "il faut", "il s'agit") stands for no one
    if (low in _OBJECT_CLITICS and tok.dep_ in ("obj", "iobj")) or (low == "lui" and tok.dep_ not in _SUBJ):
        return _object_antecedent(ctx, tok)
    if low in _PERSON_PRONOUNS:
        # "Poutine a offert une voiture à Kim, et lui-même a reçu...": the pronoun continues the subject
        window = max(tok.sent.start - 40, 0)
        nearest = True
        for i in range(tok.i - 1, window - 1, -1):
            idx = ctx.table.token_entity.get(i)
            if idx is not None and ctx.doc[i].dep_ in _SUBJ:
                party = _entity_party(ctx, idx, i)
                if party is not None and party.kind == "PER":
                    return party
                # "La Cedeao exige ... Sans quoi elle se dit prête": the last subject, a body of the pronoun's gender
                if nearest and party is not None and party.kind in ("ORG", "GOV") and _same_gender(tok, ctx.doc[i]):
                    return party
                nearest = False
        found = _previous(ctx, tok.i, ("PER",), 1)
        return found[0] if found else None
    if low in _RELATIVE and tok.head.dep_ in ("acl:relcl", "acl"):
        return resolve(ctx, tok.head.head)  # "Kim, qui a reçu..." -> Kim
    return None


def _clause_subject(ctx: Context, tok: Token) -> Token | None:
    """The subject of the clause a pronoun stands in, climbing from an infinitive to its governing verb ("X a appelé
    Y afin de le féliciter": X)."""
    current = tok.head
    for _ in range(4):
        subj = next((c for c in _children(ctx, current) if c.dep_ in _SUBJ and c.i != tok.i), None)
        if subj is not None:
            return subj
        if current.head.i == current.i or (current.dep_ not in ("xcomp", "advcl", "conj", "obl:arg")
                                           and current.pos_ != "ADV"):
            return None  # "afin de le féliciter": through "afin" to the verb it qualifies
        current = current.head
    return None


def _object_antecedent(ctx: Context, tok: Token) -> _Party | None:
    """An object pronoun ("le", "la", "l'", "lui") is never its own clause's subject: "X a appelé Y afin de le
    féliciter" congratulates Y, "son rival X lui conteste la victoire" contests Y's; the last party named before
    it in its sentence (or, for "lui", the sentence before) other than that subject, of its gender where known."""
    subj = _clause_subject(ctx, tok)
    own = resolve(ctx, subj, 1) if subj is not None and subj.i != tok.i else None
    sent = tok.sent
    start = sent.start
    if tok.lower_ == "lui" and start > 0:
        start = ctx.doc[start - 1].sent.start
    for i, idx in reversed(ctx.starts):
        if i >= tok.i:
            continue
        if i < start:
            break
        party = _entity_party(ctx, idx, i)
        if party is None or party.kind == "LOC" or (own is not None and party.id == own.id):
            continue
        if party.kind != "PER" and not _gender_agrees(tok, ctx.doc[i]):
            continue
        return party
    return None


def _gender_agrees(pronoun: Token, name: Token) -> bool:
    """'la' and 'le' agree with a name's determiner ("la Cedeao", "le Mali"); 'lui' and 'l'' agree with any."""
    wanted = {"le": "Masc", "la": "Fem"}.get(pronoun.lower_)
    if wanted is None:
        return True
    for word in (*(c for c in name.children if c.dep_ == "det"), name):
        gender = word.morph.get("Gender", [])
        if gender:
            return gender == [wanted]
    return True


def _same_gender(pronoun: Token, name: Token) -> bool:
    """Whether a subject pronoun ("il", "elle") agrees with a name, by its determiner's gender, else the name's
    (the tagger gives proper nouns a gender of its own guess: "la Cedeao" is Fem by "la", Masc by itself)."""
    wanted = pronoun.morph.get("Gender", [])
    if not wanted or pronoun.lower_ not in ("il", "elle"):
        return False
    for word in (*(c for c in name.children if c.dep_ == "det"), name):
        gender = word.morph.get("Gender", [])
        if gender:
            return gender == wanted
    return False


def resolve(ctx: Context, head: Token | None, depth_limit: int = 3,
            exclude: frozenset[str] = frozenset()) -> _Party | None:
    """The most specific named party in a phrase: a person if named, else an organisation or place."""
    if head is None:
        return None
    direct = _party_of_token(ctx, head)
    if direct is not None and direct.kind == "PER" and direct.id not in exclude:
        return direct
    if head.pos_ == "PRON" and direct is None:
        return _pronoun(ctx, head)
    if head.pos_ == "NOUN" and direct is None:
        named = _named_after(ctx, head)
        if named is not None and named.id not in exclude:
            return named
    best: tuple[float, _Party] | None = None
    regime: Token | None = None
    frontier: list[tuple[Token, int]] = [(head, 0)]
    while frontier:
        tok, depth = frontier.pop(0)
        if regime is None and tok.pos_ == "NOUN" and is_regime(tok):
            regime = tok
        party = _party_of_token(ctx, tok)
        if party is not None and party.id not in exclude:
            score = depth + _LABEL_RANK.get(party.kind, 2.0)
            if best is None or score < best[0]:
                best = (score, party)
        if depth < depth_limit:
            for child in _children(ctx, tok):
                if child.dep_ == "acl":
                    # "la proposition avancée par Kiev", "une délégation dirigée par X": the agent counts
                    frontier.extend((c, depth + 1) for c in _children(ctx, child) if c.dep_ == "obl:agent")
                elif child.dep_ not in _CLAUSAL and (_case_of(child) or "de") in _WITHIN:
                    frontier.append((child, depth + 1))
    if best is None and regime is not None:
        return _regime_party(ctx, regime, exclude)
    return best[1] if best else None


def _regime_party(ctx: Context, tok: Token, exclude: frozenset[str]) -> _Party | None:
    """'la junte', 'les putschistes', 'les autorités de transition' with no country of their own: the government
    of the country the article names most."""
    return main_country(ctx, tok.i, exclude)


def main_country(ctx: Context, at: int, exclude: frozenset[str] = frozenset()) -> _Party | None:
    """The country the article names most, itself, through its capital or through its people (on a tie, the one
    it names first: the lede's), as a party at token `at`."""
    if ctx.countries is None:
        ctx.countries = _country_mentions(ctx)
    counts: dict[str, tuple[int, int]] = {}
    for i, cid in ctx.countries:
        n, first = counts.get(cid, (0, i))
        counts[cid] = (n + 1, first)
    ranked = sorted((-n, first, cid) for cid, (n, first) in counts.items() if cid not in exclude)
    if not ranked:
        return None
    entry = ctx.gaz.entries[ranked[0][2]]
    return _Party(Actor(id=entry.id, name=entry.name), entry.name, "GOV", at, entry.country)


def _country_mentions(ctx: Context) -> tuple[tuple[int, str], ...]:
    geo = _geo_of(ctx)
    found: list[tuple[int, str]] = []
    for i, idx in ctx.starts:
        party = _entity_party(ctx, idx, i)
        if party is None:
            continue
        if party.kind == "GOV" and party.place is not None and party.actor.id in geo.countries:
            found.append((i, party.actor.id))
        elif party.kind == "PER" and party.country in geo.by_code:
            found.append((i, geo.by_code[party.country]))
    return tuple(found)


def _named_after(ctx: Context, head: Token) -> _Party | None:
    """'le président français Nicolas Sarkozy', 'le ministre de l'Intérieur, Paul Girard': a role noun followed
    by the person who holds it names that person, not the country its adjective or complement names (the parser
    often makes the name a second subject beside the noun, so the noun's subtree alone would miss it)."""
    doc = head.doc
    end = min(head.i + 8, head.sent.end)
    for j in range(head.i + 1, end):
        tok = doc[j]
        idx = ctx.table.token_entity.get(j)
        if idx is not None:
            party = _entity_party(ctx, idx, j)
            if party is None or party.kind != "PER" or ctx.table.token_entity.get(j - 1) == idx:
                continue  # a body or place inside the title ("le président de la Commission européenne")
            if doc[j - 1].pos_ in ("ADP", "DET"):
                return None  # "l'avocat de Nicolas Sarkozy" is someone else
            linked = tok.head.i == head.i or tok.head.i == head.head.i or head.head.i == j or head.i in {
                a.i for a in tok.ancestors}
            return party if linked else None
        if tok.is_punct and tok.text == "," and ctx.table.token_entity.get(j + 1) is not None:
            continue  # "le président français, Emmanuel Macron, a ..."
        if tok.pos_ not in ("ADJ", "DET", "ADP", "NOUN"):
            return None
    return None


def _conj_party(ctx: Context, tok: Token | None) -> _Party | None:
    """'X et Y': Y, whether the parser hung it on X or on the last word of X's name."""
    if tok is None:
        return None
    for holder in (tok, *(c for c in _children(ctx, tok) if c.dep_ in ("flat:name", "flat", "nmod") and c.i > tok.i)):
        for child in _children(ctx, holder):
            if child.dep_ == "conj":
                party = resolve(ctx, child, 1)
                if party is not None:
                    return party
    return None


def _adjacent_party(ctx: Context, subj: Token, first: _Party) -> _Party | None:
    """'X et Y' that the parser broke apart: a named party joined to the subject by 'et'."""
    doc = subj.doc
    left = subj.left_edge.i - 1
    own = ctx.table.token_entity.get(subj.i)
    while own is not None and left >= 0 and ctx.table.token_entity.get(left) == own:
        left -= 1  # the parser may hang the name's last word alone: start from the name's first word
    if left >= 1 and doc[left].lower_ == "et":
        j = left - 1
        party = _party_of_token(ctx, doc[j])
        if party is not None and party.id != first.id:
            return party
    right = subj.right_edge.i + 1
    if right + 1 < len(doc) and doc[right].lower_ == "et":
        for j in (right + 1, right + 2):
            party = _party_of_token(ctx, doc[j]) if j < len(doc) else None
            if party is not None and party.id != first.id:
                return party
    # "les forces américaines et sud-coréennes": two demonyms on one noun
    if first.token in ctx.table.token_entity:
        return None
    for tok in subj.subtree:
        party = _demonym_party(ctx, tok)
        if party is not None and party.id != first.id and tok.i > first.token and doc[tok.i - 1].lower_ == "et":
            return party
    return None


def _mentions(ctx: Context, sent: Span) -> list[tuple[Token, _Party, str]]:
    """Actor mentions of a sentence: (first token, party, preposition governing it or '')."""
    cached = ctx.mentions.get(sent.start)
    if cached is not None:
        return cached
    out: list[tuple[Token, _Party, str]] = []
    last: int | None = None
    doc = sent.doc
    for tok in sent:
        idx = ctx.table.token_entity.get(tok.i)
        if idx is None or idx == last:
            last = idx
            continue
        last = idx
        party = _entity_party(ctx, idx, tok.i)
        if party is None:
            continue
        j = tok.i - 1
        while j >= sent.start and doc[j].pos_ == "DET":
            j -= 1
        prep = doc[j].lower_ if j >= sent.start and doc[j].pos_ == "ADP" else ""
        if prep == "après" and j > sent.start and doc[j - 1].lower_ == "d'":
            prep = "d'après"
        out.append((tok, party, prep))
    ctx.mentions[sent.start] = out
    return out
