"""Who did it to whom: the source and target of a trigger, from the parse with linear fallbacks."""

from __future__ import annotations

from spacy.tokens import Span, Token

from service.events.context import _OBLIQUE, _SUBJ, Context, _Found, _Party, _Roles
from service.events.parties import (
    _adjacent_party,
    _as_target,
    _conj_party,
    _mentions,
    _pair,
    _party_of_token,
    _previous,
    resolve,
)
from service.events.syntax import _case_of, _children, _complements, _is_passive, _is_time_word, _is_verbal
from service.events.trade import through_container
from service.gazetteer import fold
from service.lexicon import TriggerSense
from service.plover import SYMMETRIC

_TARGET_CASES = frozenset({"avec", "à", "au", "aux", "contre", "auprès", "envers", "vers", "entre", "pour", "sur",
                           "chez", "de", "du", "des", "d'"})
_RECIPIENT_CASES = frozenset({"à", "au", "aux", "avec", "contre", "auprès", "envers", "vers", "entre", "chez"})
_PLACE_CASES = frozenset({"à", "au", "aux", "en", "dans", "sur", "près", "vers"})
_OF_CASES = frozenset({"de", "du", "des", "d'"})
# A place after these is the receiving side even for types that otherwise take places as settings.
_ONLY_RECIPIENT = frozenset({"pour", "contre", "avec", "envers", "vers"})
# Phrases behind these name a reporter or a reason, never a party to the event.
_NOT_WITHIN = frozenset({"selon", "par", "sauf", "malgré", "comme", "après", "d'après", "citant"})
_FIRST_PERSON = frozenset({"nous", "je", "j'", "on"})
_RANK = {"PER": 0, "ORG": 1, "GOV": 2, "LOC": 3}


def _controller(ctx: Context, verb: Token) -> Token | None:
    """Who performs an embedded infinitive: the object of 'accuser X de', else the subject."""
    for child in _children(ctx, verb):
        if child.dep_ == "nsubj:pass":
            return child
    for child in _complements(ctx, verb):
        if child.dep_ in ("obj", "iobj") and child.pos_ != "PRON":
            return child
    for child in _children(ctx, verb):
        if child.dep_ in ("obl:arg", "obl") and _case_of(child) in ("à", "au", "aux"):
            return child
    return None


def _object(ctx: Context, verb: Token) -> Token | None:
    """The direct object, or the noun the parser hung on a date ("a expulsé ce 3 février deux diplomates")."""
    nested = None
    for child in _complements(ctx, verb):
        if child.pos_ == "PRON" or _is_time_word(child):
            continue
        if child.dep_ in ("obj", "iobj") and child.head.i == verb.i:
            return child
        if nested is None and child.head.i != verb.i and child.dep_ in ("nmod", "obj") and _case_of(child) in (
                None, "des", "de", "du", "d'"):
            nested = child
    return nested


def _subject(ctx: Context, tok: Token) -> Token | None:
    """Subject of a verb, climbing to the governing verb for infinitives, gerunds and conjoined verbs."""
    current = tok
    for _ in range(5):
        for child in _children(ctx, current):
            if child.dep_ in _SUBJ:
                return child
        head = current.head
        if head.i == current.i or current.i in ctx.cross:
            break
        if current.dep_ == "acl:relcl" or head.i in ctx.table.token_entity:
            return head  # a relative clause's antecedent; a name the tagger took for a verb
        if current.dep_ == "xcomp" and head.lemma_.lower() in ctx.lexicon.rules.object_control:
            controller = _controller(ctx, head)
            if controller is not None:
                return controller
        if current.dep_ in ("xcomp", "conj", "advcl", "ccomp", "acl", "obl:arg", "obl", "obj", "nmod") \
                or head.pos_ in ("NOUN", "ADV") or current.pos_ == "ADV":  # "afin de", "avant de": the verb's
            current = head
            continue
        break
    return None


_PURPOSE = frozenset({"pour", "afin"})


def _purpose_agent(ctx: Context, verb: Token) -> _Party | None:
    """'une visite à Washington du Premier ministre X pour rencontrer Y': an infinitive of purpose right after an
    event noun's phrase is done by that noun's agent, wherever the parser hung the infinitive."""
    if "Inf" not in verb.morph.get("VerbForm", []):
        return None
    mark = next((c for c in verb.children if c.dep_ == "mark" and c.i < verb.i), None)
    if mark is None:
        return None
    first = mark.i - 1 if mark.lower_ in _PURPOSE else mark.i - 2  # "pour rencontrer", "afin de rencontrer"
    if first < verb.sent.start or (mark.lower_ not in _PURPOSE and ctx.doc[first].lower_ not in _PURPOSE):
        return None
    before = ctx.doc[first - 1] if first > verb.sent.start else None
    current = before
    for _ in range(4):
        if current is None or current.pos_ in ("VERB", "AUX") or current.is_punct:
            return None
        if current.pos_ == "NOUN" and current.lemma_.lower() in ctx.lexicon.nouns:
            break
        if current.head.i == current.i:
            return None
        current = current.head
    else:
        return None
    if current is None or current.i > first:
        return None
    for child in _children(ctx, current):
        if child.i > current.i and (child.dep_ == "amod" or (child.dep_ == "nmod" and _case_of(child) in _OF_CASES)):
            party = _source_in(ctx, child)
            if party is not None:
                return party
    return None


def _linear_subject(ctx: Context, sent: Span, trigger: Token) -> Token | None:
    """When the parse gives no subject: the nearest mention before the trigger not governed by a preposition."""
    for tok, _, prep in reversed(_mentions(ctx, sent)):
        if tok.i < trigger.i and not prep and trigger.i - tok.i <= 12:
            return tok
    return _linear_demonym(ctx, sent, trigger)


def _linear_demonym(ctx: Context, sent: Span, trigger: Token) -> Token | None:
    """'Les délégations russe et ukrainienne se sont réunies', parsed with no subject: the nationality adjective of
    the noun phrase opening the clause (not one behind a preposition)."""
    doc = sent.doc
    for j in range(max(sent.start, trigger.i - 8), trigger.i):
        tok = doc[j]
        if tok.pos_ != "ADJ" or _folded_demonym(ctx, tok) is None:
            continue
        k = j - 1
        while k > sent.start and (doc[k].pos_ == "ADJ" or doc[k].lower_ == "et"):
            k -= 1
        if doc[k].pos_ != "NOUN":
            return None
        k -= 1
        while k >= sent.start and doc[k].pos_ == "DET":
            k -= 1
        if k >= sent.start and not (doc[k].is_punct or doc[k].pos_ in ("CCONJ", "ADV")):
            return None  # "avec les délégations russes": behind a preposition or inside another phrase
        return tok
    return None


def _folded_demonym(ctx: Context, tok: Token) -> str | None:
    return ctx.gaz.demonyms.get(fold(tok.lower_))


def _linear_target(ctx: Context, sent: Span, trigger: Token, source: _Party | None,
                   sense: TriggerSense) -> _Party | None:
    """When the parse gives no complement: a mention right after the trigger, bare or after 'à/avec'."""
    for tok, party, prep in _mentions(ctx, sent):
        if tok.i <= trigger.i or tok.i - trigger.i > 10 or (source is not None and party.id == source.id):
            continue
        if party.place is not None and prep in _PLACE_CASES and not _place_ok(ctx, sense) and _in_frame(tok, trigger):
            continue  # "a contesté ... lors d'une conférence de presse à Caracas": where, not whom
        if _inside_other_clause(tok, trigger):
            return None  # "s'est engagé à approfondir les liens avec X": X belongs to the embedded verb
        if not prep or prep in _RECIPIENT_CASES:
            return party
        return None
    return None


# Words opening the circumstances of an event ("lors de", "pendant", "au cours de", "en marge de"): a place
# inside them is where the event happened.
_FRAME_WORDS = frozenset({"lors", "pendant", "durant", "cours", "marge", "occasion"})


def _in_frame(tok: Token, trigger: Token) -> bool:
    current = tok
    for _ in range(4):
        if current.head.i == current.i or current.head.i == trigger.i:
            return False
        current = current.head
        if current.lower_ in _FRAME_WORDS or any(c.lower_ in _FRAME_WORDS for c in current.children if c.dep_ in (
                "case", "fixed")):
            return True
    return False


def _inside_other_clause(tok: Token, trigger: Token) -> bool:
    current = tok
    for _ in range(8):
        if current.i == trigger.i or current.head.i == current.i:
            return False
        current = current.head
        if current.pos_ == "VERB" and current.i != trigger.i:
            return trigger.i in {a.i for a in current.ancestors}
    return False


def _place_ok(ctx: Context, sense: TriggerSense) -> bool:
    places = ctx.lexicon.rules.place_targets
    return sense.type in places or f"{sense.type}.{sense.mode}" in places


def _oblique_party(ctx: Context, party: _Party, case: str | None, sense: TriggerSense,
                   roles: _Roles) -> _Party | None:
    """A prepositional complement as a target, or None when it only says where the event happened."""
    if party.place is None:
        return party if case is None or case in _TARGET_CASES else None
    if case in _PLACE_CASES and roles.location is None:
        roles.location = party
    if _place_ok(ctx, sense) or case in _ONLY_RECIPIENT:
        return _as_target(ctx, party)
    if party.kind == "LOC":
        return None  # a city or region is where, not whom
    is_capital = party.actor.id != party.place.id
    if case in _PLACE_CASES and (is_capital or case not in ("à", "au", "aux")):
        return None  # "à Pyongyang", "en Corée du Nord": where; "livré à la Russie": whom
    return party if case is None or case in _TARGET_CASES else None


def _obliques(ctx: Context, tok: Token, sense: TriggerSense, roles: _Roles, exclude: set[str],
              bare: bool = False) -> _Party | None:
    """The target among a word's prepositional dependents (or bare noun dependents when `bare`)."""
    target: _Party | None = None
    for child in _complements(ctx, tok):
        if child.dep_ not in _OBLIQUE or child.lemma_.lower() in ctx.lexicon.rules.relational_nouns:
            continue  # "aux côtés de X", "à la suite de X": X is beside the event, not in it
        case = _case_of(child)
        if case in _NOT_WITHIN or (case is None and not bare):
            continue
        party = resolve(ctx, child, 2, frozenset(exclude))
        if party is None:
            continue
        candidate = _oblique_party(ctx, party, case, sense, roles)
        if candidate is not None and (target is None or _RANK[candidate.kind] < _RANK[target.kind]):
            target = candidate  # "se rendra à Bruxelles pour des consultations avec X": X
    return target


def _subject_parties(ctx: Context, subj: Token | None) -> list[_Party]:
    if subj is None:
        return []
    pair = _pair(ctx, subj)
    if pair:
        return pair
    first = resolve(ctx, subj)
    if first is None:
        return []
    second = _conj_party(ctx, subj) or _adjacent_party(ctx, subj, first)
    if second is None and subj.dep_ == "conj" and subj.head.i in ctx.table.token_entity:
        head = resolve(ctx, subj.head, 0)  # the linear fallback landed on the second of "X et Y"
        if head is not None and head.id != first.id:
            return [head, first]
    if second is None or second.id == first.id:
        return [first]
    return sorted([first, second], key=lambda p: p.token)


def _other_of_pair(pair: list[_Party], source: _Party | None) -> _Party | None:
    """Of 'entre la Russie et l'Iran', the side that is not the source (nor the source's country)."""
    for party in pair:
        if source is None or (party.id != source.id and (party.country is None or party.country != source.country)):
            return party
    return None


def _verb_roles(ctx: Context, verb: Token, found: _Found, sent: Span) -> _Roles:
    sense = found.sense
    rules = ctx.lexicon.rules
    roles = _Roles()
    passive = _is_passive(verb)
    subj = _subject(ctx, verb) or _linear_subject(ctx, sent, verb)
    purpose = _purpose_agent(ctx, verb)
    agent = next((c for c in _children(ctx, verb) if c.dep_ == "obl:agent"), None)
    if agent is None and passive:
        # "ont été ciblés, ce mardi, par le JNIM": past a date between commas the parser files the agent as a
        # modifier; a passive's "par" complement is still who did it
        agent = next((c for c in _children(ctx, verb) if c.dep_ in ("obl", "obl:mod") and _case_of(c) == "par"),
                     None)
    obj = _object(ctx, verb)
    subjects = _subject_parties(ctx, subj)
    # "a reçu une délégation russe": the phrase's noun is itself the other party
    party_noun = found.noun is not None and found.noun.lemma_.lower() in rules.visitor_nouns
    if subj is not None and subj.lower_ in _FIRST_PERSON:
        subjects = [p for p in [_speaker(ctx, sent)] if p is not None]
    if purpose is not None:
        subjects = [purpose]
    if passive:
        roles.source = resolve(ctx, agent)
        roles.target = subjects[0] if subjects else None
    else:
        roles.source = subjects[0] if subjects else None
        # "X et Y ont signé" names both sides; "X et Y se sont engagés à..." names two who pledge alike
        unilateral = found.noun is None and f"{sense.type}.{sense.mode}" in rules.unilateral
        # "X et son épouse reçoivent Y": a host and a companion receive, the object is the other side
        hosts = verb.lemma_.lower() in rules.recipient_subject and obj is not None
        if len(subjects) > 1 and not unilateral and not hosts and (
                sense.type in SYMMETRIC or verb.lemma_.lower() in rules.reciprocal):
            roles.target = subjects[1]
        if roles.target is None and obj is not None and (found.noun is None or obj.i != found.noun.i
                                                         or party_noun):
            pair = _pair(ctx, obj)
            # a host receives people ("a reçu le ministre X"), not things ("a reçu des œuvres d'art de X")
            depth = 1 if verb.lemma_.lower() in rules.recipient_subject else 2
            roles.target = _other_of_pair(pair, roles.source) if pair else resolve(ctx, obj, depth)
            if roles.target is not None and roles.target.kind == "LOC" and not _place_ok(ctx, sense):
                roles.target = None
    exclude = {roles.source.id} if roles.source else set()
    oblique = _obliques(ctx, verb, sense, roles, exclude)
    if roles.target is None or (roles.source is not None and roles.target.id == roles.source.id):
        roles.target = oblique
    if roles.target is None:
        roles.target = _clitic_party(ctx, verb, exclude)  # "afin de le féliciter", "lui conteste la victoire"
    if found.noun is not None and (roles.target is None or roles.target.place is not None):
        # "a mené une frappe contre X dans le sud de Y": the noun's own party beats the verb's place
        inner = _noun_complement(ctx, found.noun, sense, roles, exclude)
        if inner is not None and (roles.target is None or inner.place is None):
            roles.target = inner
    if roles.target is None and obj is not None and (
            verb.lemma_.lower() not in rules.recipient_subject or obj.lemma_.lower() in rules.visitor_nouns):
        roles.target = _obliques(ctx, obj, sense, roles, exclude)  # "a reçu une délégation de X"
    if roles.target is None and obj is not None:
        agent_of_object = next((c for c in _children(ctx, obj) if _case_of(c) == "par"), None)
        roles.target = resolve(ctx, agent_of_object, 1)  # "a condamné l'exécution de militants par l'Iran"
    if verb.lemma_.lower() in rules.recipient_subject and (found.noun is None or party_noun):
        roles.source, roles.target = roles.target, roles.source
    if (roles.source is None or roles.target is None) and agent is None:
        _borrow(ctx, verb, roles)
    # the parser may also hang the announcing verb on the reported one ("X a fait savoir, samedi, qu'un accord...")
    teller = verb.head if verb.dep_ == "ccomp" else next((c for c in _children(ctx, verb) if c.pos_ == "VERB" and c.dep_ in (
        "advmod", "parataxis") and c.i < verb.i), None)
    if passive and agent is None and roles.source is None and roles.target is not None and sense.type in SYMMETRIC \
            and teller is not None:
        # "X a annoncé qu'un accord avait été trouvé avec Y": who announces a deal it is party to is a side
        speaker = _subject_parties(ctx, _subject(ctx, teller) or _linear_subject(ctx, sent, teller))
        if speaker and speaker[0].id != roles.target.id:
            roles.source = speaker[0]
    if roles.target is None and sense.type in rules.embedded_target:
        roles.target = _embedded_target(ctx, verb, sense, roles, exclude)
    if roles.target is None and sense.type not in rules.source_only:
        roles.target = _linear_target(ctx, sent, verb, roles.source, sense)
    return roles


_CLITICS = frozenset({"le", "la", "l'", "l’", "lui"})


def _clitic_party(ctx: Context, verb: Token, exclude: set[str]) -> _Party | None:
    """An object clitic on the verb ("le", "la", "l'", "lui") as the other party, never the subject itself."""
    for child in _children(ctx, verb):
        if child.pos_ == "PRON" and child.dep_ in ("obj", "iobj") and child.lower_ in _CLITICS and child.i < verb.i:
            party = resolve(ctx, child)
            if party is not None and party.id not in exclude:
                return party
    return None


def _embedded_target(ctx: Context, verb: Token, sense: TriggerSense, roles: _Roles,
                     exclude: set[str]) -> _Party | None:
    """'a menacé de riposter contre X', 'menace de quitter X': the threatened act's target is the threat's."""
    for child in _children(ctx, verb):
        if child.dep_ == "xcomp" and child.pos_ == "VERB":
            obj = _object(ctx, child)
            target = resolve(ctx, obj, 2, frozenset(exclude)) if obj is not None else None
            return target or _obliques(ctx, child, sense, roles, exclude)
    return None


def _borrow(ctx: Context, verb: Token, roles: _Roles) -> None:
    """'Aucun accord n'a été signé lors de la rencontre entre X et Y': the meeting names the parties."""
    for child in verb.subtree:
        if child.i == verb.i or child.pos_ != "NOUN":
            continue
        sense = ctx.lexicon.nouns.get(child.lemma_.lower())
        if sense is None or sense.type != "CONSULT":
            continue
        inner = _noun_roles(ctx, child, _Found(sense), child.sent)
        if inner.source is not None and inner.target is not None:
            roles.source = roles.source or inner.source
            if inner.target.id != roles.source.id:
                roles.target = roles.target or inner.target
            return


def _noun_complement(ctx: Context, noun: Token, sense: TriggerSense, roles: _Roles,
                     exclude: set[str]) -> _Party | None:
    """The other party named inside the noun phrase: 'solidarité avec X', 'sanctions contre X'."""
    for child in _children(ctx, noun):
        if _case_of(child) == "entre":
            pair = _pair(ctx, child)
            if not pair:
                first, second = resolve(ctx, child, 1), _conj_party(ctx, child)
                pair = [p for p in (first, second) if p is not None]
            other = _other_of_pair(pair, roles.source)
            if other is not None:
                return other
    target = _obliques(ctx, noun, sense, roles, exclude, bare=True)
    tail = next((c for c in _children(ctx, noun) if c.dep_ == "nmod" and c.pos_ == "NOUN" and c.i <= noun.i + 2
                 and _case_of(c) in ("de", "d'")), None)
    if target is None and tail is not None:
        # "une motion de censure contre X", "un accord de paix avec X": the parser hangs the party on the
        # noun's own complement
        target = _obliques(ctx, tail, sense, roles, exclude)
    return target


def _noun_roles(ctx: Context, noun: Token, found: _Found, sent: Span) -> _Roles:
    sense = found.sense
    roles = _Roles()
    for child in _children(ctx, noun):
        case = _case_of(child)
        if case == "entre":
            pair = _pair(ctx, child)
            first = pair[0] if pair else resolve(ctx, child, 1)
            second = pair[1] if len(pair) > 1 else _conj_party(ctx, child)
            if first is not None and second is not None:
                roles.source, roles.target = first, second
                return roles
        if roles.source is None and (child.dep_ == "amod" or (child.dep_ == "nmod" and case in _OF_CASES)
                                     or case == "par"):
            party = _source_in(ctx, child)
            if party is not None:
                roles.source = party
    if sense.type == "CONSULT" and any(c.dep_ == "det" and c.lower_ in ("leur", "leurs") for c in _children(ctx, noun)):
        pair = _previous(ctx, noun.i, ("PER",), 2)
        if len(pair) == 2:
            roles.source, roles.target = pair
            return roles
    exclude = {roles.source.id} if roles.source else set()
    roles.target = _noun_complement(ctx, noun, sense, roles, exclude)
    # "a annoncé jeudi des droits de douane", "a adopté un paquet de sanctions": the object hung on the date or
    # counted by a container stands where they stand
    head, dep = through_container(noun)
    while head.pos_ in ("ADV", "ADP") and head.head.i != head.i:
        head = head.head  # "lors de la rencontre": lors -> its verb
    if head.i != noun.i and _is_verbal(head) and dep in ("obj", "obl", "obl:arg", "obl:mod", "advmod", "nmod"):
        # "X a sanctionné les officiers impliqués dans le coup d'État": under a participle that describes
        # another noun, the event is background to that noun; the main clause's subject did not do it
        subj = None if _is_passive(head) or head.dep_ == "acl" else _subject(ctx, head)
        subject = _subject_parties(ctx, subj)
        if subject and roles.source is None:
            roles.source = subject[0]
        elif subject and roles.target is None and roles.source is not None and subject[0].id != roles.source.id \
                and dep != "obj":
            roles.target = subject[0]
        if roles.target is None and dep == "obj":
            exclude = {roles.source.id} if roles.source else set()
            roles.target = _obliques(ctx, head, sense, roles, exclude)
    return roles


def _source_in(ctx: Context, child: Token) -> _Party | None:
    """The agent side of an event noun: 'la visite de X', 'livraisons d'armes nord-coréennes', 'par X'."""
    party = _party_of_token(ctx, child)
    if party is None:
        for grandchild in _children(ctx, child):
            if grandchild.dep_ in ("amod", "appos", "flat:name") or (
                    grandchild.dep_ == "nmod" and _case_of(grandchild) in _OF_CASES):
                party = _party_of_token(ctx, grandchild)
                if party is not None:
                    break
    if party is None or party.kind == "LOC":
        return None
    return party


def _speaker(ctx: Context, sent: Span) -> _Party | None:
    """Who speaks in a quoted sentence: the subject of '..., a déclaré X'."""
    for tok in sent:
        if tok.pos_ == "VERB" and tok.lemma_.lower() in ctx.cues.attribution_verbs:
            subj = next((c for c in _children(ctx, tok) if c.dep_ in _SUBJ), None)
            party = resolve(ctx, subj)
            if party is not None:
                return party
    return None


def _roles(ctx: Context, tok: Token, found: _Found, sent: Span) -> _Roles:
    if found.visit_of is not None:
        roles = _noun_roles(ctx, found.visit_of, found, sent)
        if roles.target is None:
            host = _subject_parties(ctx, _subject(ctx, tok))
            roles.target = host[0] if host else None
        return roles
    roles = _verb_roles(ctx, tok, found, sent) if _is_verbal(tok) else _noun_roles(ctx, tok, found, sent)
    if roles.target is None and roles.source is not None and _condemns_an_act(ctx, tok, found):
        roles.target = next((p for p in reversed(ctx.sources) if p.id != roles.source.id), None)
    if roles.source is not None and found.sense.type in ctx.lexicon.rules.condemnable:
        ctx.sources.append(roles.source)
    _settle_by_parties(ctx, tok, found, roles)
    return roles


def _settle_by_parties(ctx: Context, tok: Token, found: _Found, roles: _Roles) -> None:
    """Where the parties decide the coding: a ceasefire between two sides is an agreement between them
    ("un cessez-le-feu entre X et Y est entré en vigueur"); a bare withdrawal, ceasefire or disarmament
    noun with a single party is mostly mentioned in passing ("a conduit au désarmement de X") and is
    not coded (a verb or verb phrase still is: "X s'est retiré", "X a décrété une trêve")."""
    rules = ctx.lexicon.rules
    key = f"{found.sense.type}.{found.sense.mode}"
    if roles.source is not None and roles.target is not None and key in rules.bilateral_as:
        found.sense = rules.bilateral_as[key]
    elif tok.pos_ == "NOUN" and found.noun is None and not _is_verbal(tok) and (
            found.sense.type in rules.noun_needs_two or key in rules.noun_needs_two):
        roles.source = roles.target = None


def _condemns_an_act(ctx: Context, tok: Token, found: _Found) -> bool:
    """'a condamné le tir', 'a dénoncé un acte scandaleux': the act named is the one just reported, so its
    author is the target (a condemned act with a party of its own has already given it)."""
    rules = ctx.lexicon.rules
    if f"{found.sense.type}.{found.sense.mode}" not in rules.condemned_act:
        return False
    lex = ctx.lexicon
    # "a condamné le tir"; the noun: "a réaffirmé sa condamnation de tels tirs"
    verbal = _is_verbal(tok)
    if not verbal and (tok.pos_ != "NOUN" or found.noun is not None):
        return False
    return any((c.dep_ == "obj" if verbal else c.dep_ == "nmod" and _case_of(c) in _OF_CASES) and c.pos_ == "NOUN"
               and (c.lemma_.lower() in rules.act_nouns or c.lemma_.lower() in lex.nouns
                    or c.lemma_.lower() in lex.compound_heads)
               for c in _complements(ctx, tok))


def _complete(ctx: Context, sense: TriggerSense, roles: _Roles) -> bool:
    rules = ctx.lexicon.rules
    if roles.source is not None and roles.target is not None:
        # an armed group striking the country it fights in ("le JNIM a attaqué Bamako") is the news itself
        insurgent = sense.type == "ASSAULT" and roles.source.kind == "ORG"
        return roles.source.id != roles.target.id and (insurgent or not _own_country(roles.source, roles.target)) \
            and not _part_of(roles.source, roles.target)
    if sense.type in rules.actorless or f"{sense.type}.{sense.mode}" in rules.actorless:
        return True
    if sense.type in rules.source_only:
        return roles.source is not None
    if sense.type in rules.target_only:
        return roles.target is not None
    return False


def _part_of(source: _Party, target: _Party) -> bool:
    """'le Conseil de sécurité de l'ONU' and 'l'ONU': a body and the one its name says it belongs to are
    one side, not two."""
    a, b = set(fold(source.actor.name).split()), set(fold(target.actor.name).split())
    return bool(a) and bool(b) and (a < b or b < a) and (source.kind != "PER" and target.kind != "PER")


def _own_country(source: _Party, target: _Party) -> bool:
    """A leader or body acting on its own state ("Kim a salué les progrès de la Corée du Nord"): no second party."""
    return (target.kind == "GOV" and source.kind in ("PER", "ORG") and source.country is not None
            and source.country == target.country)
