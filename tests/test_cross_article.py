"""Near-duplicates and one record per real-world event, across articles and replicas (real Redis)."""

from __future__ import annotations

import redis

from service import names
from tests.conftest import WorkerFactory, article, output_for, read_stream, wait_until, xadd_article

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


def _consult_keys(doc: dict) -> set[str]:
    return {e["event_key"] for e in doc["events"] if e["type"] == "CONSULT"}


def test_two_reports_of_one_meeting_share_an_event_key(lr: redis.Redis) -> None:
    a = output_for(lr, xadd_article(lr, article("ma", MEETING_A, source="Wire A")))
    b = output_for(lr, xadd_article(lr, article("mb", MEETING_B, source="Wire B")))
    assert _consult_keys(a) & _consult_keys(b)


def test_meetings_on_different_days_are_different_events(lr: redis.Redis) -> None:
    a = output_for(lr, xadd_article(lr, article("day11", MEETING_A.replace("Pékin", "Pékin (bis)"))))
    other = output_for(lr, xadd_article(lr, article("day2", MEETING_OTHER_DAY)))
    day = {e["event_key"] for e in a["events"] if e["type"] == "CONSULT" and e["date"]["value"] == "2025-03-11"}
    assert day and not day & _consult_keys(other)


def test_events_stream_counts_mentions_and_sources(lr: redis.Redis) -> None:
    a = output_for(lr, xadd_article(lr, article("ea", MEETING_A + " (version A)", source="Wire C")))
    b = output_for(lr, xadd_article(lr, article("eb", MEETING_B + " (version B)", source="Wire D")))
    [key] = sorted(_consult_keys(a) & _consult_keys(b))[:1]
    records = [r for r in read_stream(lr, names.EVENTS_STREAM) if r["event_key"] == key]
    last = records[-1]
    assert last["mentions"] == len({x["article_id"] for x in last["articles"]}) >= 2
    assert {"Wire C", "Wire D"} <= set(last["sources"])
    assert [r["mentions"] for r in records] == sorted(r["mentions"] for r in records)


def test_syndicated_copy_is_flagged_near_duplicate(lr: redis.Redis) -> None:
    original = output_for(lr, xadd_article(lr, article("orig", "Accueil » Monde\n" + DISPATCH + "\nPartager")))
    copy_text = "Suivez-nous sur X\n" + DISPATCH.replace(" ", "  ").replace("\n", "\n\n") + "\nCommentaires (0)"
    copy = output_for(lr, xadd_article(lr, article("synd", copy_text, source="Other Wire")))
    assert original["near_duplicate_of"] is None
    assert copy["near_duplicate_of"]["article_id"] == "art-orig"
    assert copy["near_duplicate_of"]["similarity"] >= 0.8


def test_different_article_is_not_a_near_duplicate(lr: redis.Redis) -> None:
    doc = output_for(lr, xadd_article(lr, article("unrelated", MEETING_OTHER_DAY + " Rien à voir.")))
    assert doc["near_duplicate_of"] is None or doc["near_duplicate_of"]["article_id"] != "art-orig"


def test_event_records_validate_against_checked_in_schema(lr: redis.Redis) -> None:
    import json
    from pathlib import Path

    import jsonschema

    output_for(lr, xadd_article(lr, article("schema-ev", MEETING_A + " (version schéma)", source="Wire S")))
    schema = json.loads((Path(__file__).resolve().parent.parent / "contracts" / "schemas" / "event_record.json")
                        .read_text())
    records = read_stream(lr, names.EVENTS_STREAM)
    assert records
    for record in records:
        jsonschema.validate(record, schema)


# Last: it flushes Redis, which the module's shared worker does not survive (by design).
def test_two_replicas_racing_on_one_event_make_one_event_with_two_mentions(
    r: redis.Redis, start_worker: WorkerFactory
) -> None:
    start_worker("replica-1", DEPECHE_BATCH_SIZE="1")
    start_worker("replica-2", DEPECHE_BATCH_SIZE="1")
    pipe = r.pipeline(transaction=False)
    for i, text in enumerate((MEETING_A, MEETING_B)):
        pipe.xadd(names.INPUT_STREAM, {"data": __import__("json").dumps(article(f"race{i}", text,
                                                                                source=f"S{i}"))})
    pipe.execute()
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) == 2)
    outputs = read_stream(r, names.OUTPUT_STREAM)
    shared = _consult_keys(outputs[0]) & _consult_keys(outputs[1])
    assert len(shared) == 1
    [key] = shared
    final = [x for x in read_stream(r, names.EVENTS_STREAM) if x["event_key"] == key][-1]
    assert final["mentions"] == 2
