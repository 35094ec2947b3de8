"""Near-duplicates and one record per real-world event, across articles and replicas (real Redis).

The worker runs in-process (`run_burst`: the real reading and commit script); the pipeline is the real one
except in the replica race, where the commit script's atomic clustering is what is tested.
"""

from __future__ import annotations

import asyncio
import json

import redis
from pydantic import SecretStr

from service import names
from service.config import Settings
from service.worker import Worker
from tests.conftest import article, read_stream, run_burst, xadd_article
from tests.helpers_worker import stub_pipeline

MEETING_A = (
    "Le ministre russe des Affaires étrangères Sergueï Lavrov a rencontré mardi 11 mars à Pékin son homologue "
    "chinois Wang Yi. Les deux ministres ont parlé de la situation en Ukraine et du commerce entre leurs pays."
)
MEETING_B = (
    "Le chef de la diplomatie chinoise Wang Yi a rencontré le 11 mars à Pékin son homologue russe Sergueï "
    "Lavrov, a rapporté l'agence Tass. Les relations sont « au plus haut niveau », selon Pékin."
)
MEETING_OTHER_DAY = (
    "Le ministre russe des Affaires étrangères Sergueï Lavrov a rencontré le 2 mars à Pékin son homologue "
    "chinois Wang Yi, pour préparer une visite d'État prévue au printemps."
)
DISPATCH = "\n".join([
    "Le président ukrainien Volodymyr Zelensky a rencontré lundi à Berlin le chancelier allemand Friedrich Merz.",
    "Les deux dirigeants ont signé une déclaration sur la production commune de drones et de munitions.",
    "Friedrich Merz a promis une aide militaire supplémentaire de plusieurs milliards d'euros à l'Ukraine.",
    "Moscou a dénoncé une décision qui, selon le Kremlin, prolonge la guerre.",
    "La rencontre intervient quelques jours après un entretien téléphonique entre les deux hommes.",
])


def _enrich(redis_url: str, r: redis.Redis, *docs: dict) -> list[dict]:
    """XADD the articles, run the worker until they are done, return their outputs in order."""
    ids = [xadd_article(r, d) for d in docs]
    run_burst(redis_url)
    by_entry = {o["input_entry_id"]: o for o in read_stream(r, names.OUTPUT_STREAM)}
    return [by_entry[i] for i in ids]


def _consult_keys(doc: dict) -> set[str]:
    return {e["event_key"] for e in doc["events"] if e["type"] == "CONSULT"}


def test_two_reports_of_one_meeting_share_an_event_key(redis_url: str, r: redis.Redis) -> None:
    a, b = _enrich(redis_url, r, article("ma", MEETING_A, source="Wire A"), article("mb", MEETING_B, source="Wire B"))
    assert _consult_keys(a) & _consult_keys(b)


def test_meetings_on_different_days_are_different_events(redis_url: str, r: redis.Redis) -> None:
    a, other = _enrich(redis_url, r, article("day11", MEETING_A), article("day2", MEETING_OTHER_DAY))
    day = {e["event_key"] for e in a["events"] if e["type"] == "CONSULT" and e["date"]["value"] == "2025-03-11"}
    assert day and not day & _consult_keys(other)


def test_events_stream_counts_mentions_and_sources(redis_url: str, r: redis.Redis) -> None:
    a, b = _enrich(redis_url, r, article("ea", MEETING_A, source="Wire C"), article("eb", MEETING_B, source="Wire D"))
    [key] = sorted(_consult_keys(a) & _consult_keys(b))[:1]
    records = [x for x in read_stream(r, names.EVENTS_STREAM) if x["event_key"] == key]
    last = records[-1]
    assert last["mentions"] == len({x["article_id"] for x in last["articles"]}) >= 2
    assert {"Wire C", "Wire D"} <= set(last["sources"])
    assert [x["mentions"] for x in records] == sorted(x["mentions"] for x in records)


def test_syndicated_copy_is_flagged_near_duplicate(redis_url: str, r: redis.Redis) -> None:
    copy_text = "Suivez-nous sur X\n" + DISPATCH.replace(" ", "  ").replace("\n", "\n\n") + "\nCommentaires (0)"
    original, copy = _enrich(redis_url, r, article("orig", "Accueil » Monde\n" + DISPATCH + "\nPartager"),
                             article("synd", copy_text, source="Other Wire"))
    assert original["near_duplicate_of"] is None
    assert copy["near_duplicate_of"]["article_id"] == "art-orig"
    assert copy["near_duplicate_of"]["similarity"] >= 0.8


def test_different_article_is_not_a_near_duplicate(redis_url: str, r: redis.Redis) -> None:
    _, doc = _enrich(redis_url, r, article("orig", DISPATCH), article("unrelated", MEETING_OTHER_DAY + " Rien à voir."))
    assert doc["near_duplicate_of"] is None


def test_event_records_validate_against_checked_in_schema(redis_url: str, r: redis.Redis) -> None:
    from pathlib import Path

    import jsonschema

    _enrich(redis_url, r, article("schema-ev", MEETING_A, source="Wire S"))
    schema = json.loads((Path(__file__).resolve().parent.parent / "contracts" / "schemas" / "event_record.json")
                        .read_text())
    records = read_stream(r, names.EVENTS_STREAM)
    assert records
    for record in records:
        jsonschema.validate(record, schema)


def test_two_replicas_racing_on_one_event_make_one_event_with_two_mentions(redis_url: str, r: redis.Redis) -> None:
    """Two consumers read one report each and commit at once: the commit script clusters atomically."""
    pipeline, _ = stub_pipeline()  # one CONSULT event per report: the script, not the rules, is tested here
    pipe = r.pipeline(transaction=False)
    for i, text in enumerate((MEETING_A, MEETING_B)):
        pipe.xadd(names.INPUT_STREAM, {"data": json.dumps(article(f"race{i}", text, source=f"S{i}"))})
    pipe.execute()

    async def race() -> None:
        workers = [Worker(Settings(redis_url=SecretStr(redis_url), consumer=f"replica-{n}", batch_size=1,
                                   reclaim_idle_ms=100), pipeline) for n in range(2)]
        await workers[0].ensure_group()
        try:
            await asyncio.gather(*(w.read_once() for w in workers))
        finally:
            for w in workers:
                w.close()
                await w.redis.aclose()

    asyncio.run(race())
    outputs = read_stream(r, names.OUTPUT_STREAM)
    assert len(outputs) == 2 and {o["article_id"] for o in outputs} == {"art-race0", "art-race1"}
    shared = _consult_keys(outputs[0]) & _consult_keys(outputs[1])
    assert len(shared) == 1
    [key] = shared
    final = [x for x in read_stream(r, names.EVENTS_STREAM) if x["event_key"] == key][-1]
    assert final["mentions"] == 2
