"""Events stage: PLOVER events with actors, place, date, attribution and modality.

Pure: a parsed Doc, the article's entities and its publication date in, events
out. Triggers come from the lexicon (verbs, pronominal verbs, nouns, compound
nouns, verb+noun phrases); actors from the dependency parse, resolved to the
article's canonical entities, with capitals and seats of power standing for
their governments. The parse of news French is often wrong in places, so each
step has a narrower fallback rather than giving up.

One module per question: `triggers` (which words report an event), `parties` and
`roles` (who did it to whom), `modality` (how sure), `attribution` (said by whom),
`dates` (when), `merging` (the same event twice); `stage` runs them sentence by
sentence. Per-article state lives in the `Context`, never in module globals.
"""

from service.events.context import Context
from service.events.merging import merge_same_events
from service.events.stage import extract_events

__all__ = ["Context", "extract_events", "merge_same_events"]
