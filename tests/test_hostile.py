"""Hostile input: thousands of malformed entries through one live worker, and the validator fuzzed.

Hypothesis generates the entries in-process; they are XADDed in bulk (pipelined) to the shared
live worker (`lr`), then every input id must end in exactly one enriched output or one dead letter
with a non-empty reason (or be an exact duplicate of another input's content, which is dropped by
design), the worker must still be alive and ready, and its peak RSS must stay under RSS_BOUND_MB.
Counts by reason are printed (run with `-s`).
"""

from __future__ import annotations

import json
import string
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from contracts.models import ArticleIn
from service import names
from service.validate import Rejected, parse_entry
from tests.conftest import RedisHandle, WorkerProcess, wait_until
from tests.helpers_faults import http_get, outcomes, peak_rss_mb, push_fields

pytestmark = pytest.mark.xdist_group("hostile")

MAX_TEXT_CHARS = 200_000  # the worker's default DEPECHE_MAX_TEXT_CHARS
# Measured peak RSS of the live worker after the whole hostile run (incl. one 50 MB entry, one
# 199,000-character French article and one ~1 MB HTML page): see docs/guarantees.md. Bound with headroom.
RSS_BOUND_MB = 1536
KNOWN_REASONS = {
    "missing_data_field", "payload_too_large", "invalid_utf8", "invalid_json", "invalid_article",
    "missing_text", "text_too_long", "empty_text", "invalid_text", "processing_error", "max_deliveries_exceeded",
}

# ---- strategies ------------------------------------------------------------------------------------

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                         st.text(max_size=40))
json_values = st.recursive(json_scalars, lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=8), c,
                                                                                               max_size=4),
                           max_leaves=16)
WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\u00a0\u1680\u2000\u2003\u2028\u2029\u202f\u205f\u3000"
CONTROL = "".join(chr(c) for c in range(0, 32)) + "\x7f\u200b\u200e\u202e\u2066\ufeff\ufffe\ufffd"
FINNISH = [
    "Suomen hallitus ilmoitti tiistaina uusista toimista energian hinnan laskemiseksi. Pääministeri kertoi, "
    "että päätökset tehdään ensi viikolla eduskunnan kanssa.",
    "Helsingin kaupunginvaltuusto hyväksyi keskiviikkona talousarvion, joka sisältää merkittäviä investointeja "
    "joukkoliikenteeseen ja kouluihin.",
]
JAPANESE = [
    "日本政府は火曜日、エネルギー価格を引き下げるための新たな対策を発表した。首相は来週、国会と協議すると述べた。",
    "東京都議会は水曜日、公共交通機関と学校への大規模な投資を含む予算案を可決した。",
]
FRENCH_WORDS = ("le", "la", "ministre", "président", "a", "rencontré", "mardi", "Paris", "Berlin", "selon", "l'AFP",
                "accord", "sanctions", "contre", "la", "Russie", "et", "l'Ukraine", "à", "Kiev", "hier", ".", ",")


def _article(**over: Any) -> dict[str, Any]:
    base = {"id": "h", "url": "https://example.org/h", "source": "Hostile Wire", "title": "Titre",
            "text": "Le ministre a rencontré mardi à Paris son homologue allemand.", "lang": "fr",
            "published_at": "2025-03-14T10:00:00+00:00"}
    base.update(over)
    return {k: v for k, v in base.items() if v is not _DROP}


_DROP = object()


def _data(doc: Any) -> dict[bytes, bytes]:
    return {b"data": json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")}


uid = st.integers(0, 10**12).map(str)

random_bytes = st.binary(max_size=300).map(lambda b: ("random_bytes", {b"data": b}))
invalid_utf8 = st.tuples(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]),
                         uid).map(lambda t: ("invalid_utf8", {b"data": json.dumps(_article(
                             id=t[1], text=f"Texte {t[1]} PLACEHOLDER")).encode().replace(b"PLACEHOLDER", t[0])}))
_FIELDS = ("id", "url", "source", "title", "text", "html", "lang", "published_at")
wrong_types = st.tuples(st.sampled_from(_FIELDS), json_values, uid).map(
    lambda t: ("wrong_types", _data(_article(**{"id": t[2], t[0]: t[1]}))))
missing_fields = st.tuples(st.sets(st.sampled_from(_FIELDS)), uid).map(
    lambda t: ("missing_fields", _data(_article(**({"id": t[1], "text": f"Texte {t[1]} du ministre à Paris."}
                                                   | dict.fromkeys(t[0], _DROP))))))
extra_fields = st.tuples(st.dictionaries(st.text(max_size=12), json_values, max_size=6), uid).map(
    lambda t: ("extra_fields", _data({**t[0], **_article(id=t[1], text=f"Le ministre {t[1]} a parlé mardi.")})))
extra_stream_fields = st.tuples(st.dictionaries(st.binary(min_size=1, max_size=10).filter(lambda b: b != b"data"),
                                                st.binary(max_size=50), max_size=4), uid).map(
    lambda t: ("extra_stream_fields", {**t[0], **_data(_article(id=t[1], text=f"Le préfet {t[1]} a parlé."))}))
no_data_field = st.dictionaries(st.binary(min_size=1, max_size=10).filter(lambda b: b != b"data"),
                                st.binary(max_size=50), min_size=1, max_size=4).map(lambda d: ("no_data_field", d))
not_object = json_values.filter(lambda v: not isinstance(v, dict)).map(lambda v: ("not_object", _data(v)))
blank_text = st.tuples(st.text(alphabet=WHITESPACE, max_size=50), st.booleans(), uid).map(
    lambda t: ("blank_text", _data(_article(id=t[2], **({"text": t[0]} if t[1] else {"text": None, "html": t[0]})))))
control_chars = st.tuples(st.text(alphabet=CONTROL + "abcdé ", min_size=1, max_size=200), uid).map(
    lambda t: ("control_chars", _data(_article(id=t[1], text=f"Le ministre {t[1]} a parlé. {t[0]}"))))
_HTML_PARTS = ["<script>alert(1)</script>", "<script src='//evil'></script>", "<style>p{}</style>", "&amp;" * 50,
               "&#x41;" * 30, "&lt;script&gt;", "<p>", "</p>", "<div>" * 40, "</div>" * 3, "<!-- -->", "<![CDATA[x]]>",
               "<img src=x onerror=alert(1)>", "<iframe src='javascript:alert(1)'>", "<svg><script>1</script></svg>",
               "Le ministre a rencontré mardi à Paris son homologue. ", "<a href='javascript:x'>lien</a>", "&#0;",
               "&#xD800;", "&unknown;", "<p>Le président a parlé hier à Berlin.</p>", "<<>>", "<p", "&"]
html_hostile = st.tuples(st.lists(st.sampled_from(_HTML_PARTS), min_size=1, max_size=30).map("".join), uid).map(
    lambda t: ("html_hostile", _data(_article(id=t[1], text=None, html=f"<html><body><p>{t[1]}</p>{t[0]}</body></html>"))))
random_text = st.tuples(st.one_of(st.text(max_size=600), st.lists(st.sampled_from(FRENCH_WORDS), max_size=80)
                                  .map(" ".join)), uid).map(
    lambda t: ("random_text", _data(_article(id=t[1], text=f"{t[1]} {t[0]}"))))
nested_json = st.tuples(st.integers(15, 3000), st.sampled_from("[{"), st.booleans(), uid).map(
    lambda t: ("nested_json", {b"data": (
        json.dumps(_article(id=t[3])).replace('"Titre"', ('[' * t[0]) + (']' * t[0]), 1) if t[2]
        else ('[' * t[0] if t[1] == "[" else '{"a":' * t[0]) + "1" + (']' * t[0] if t[1] == "[" else "}" * t[0])
    ).encode()}))
unknown_language = st.tuples(st.sampled_from(FINNISH + JAPANESE), st.sampled_from(["fr", "fi", "ja", None]), uid).map(
    lambda t: ("unknown_language", _data(_article(id=t[2], text=f"{t[0]} {t[2]}", lang=t[1]))))
json_edge = st.tuples(st.sampled_from([
    '{"id": "ID", "text": "Le ministre ID a parlé.", "published_at": NaN}',
    '{"id": "ID", "text": "Le ministre ID a parlé.", "id": "ID-again"}',
    '{"id": "ID", "text": "Le ministre ID a parlé.", "published_at": "not a date"}',
    '{"id": "ID", "text": "Le ministre ID a parlé.", "published_at": "9999-12-31T23:59:59+00:00"}',
    '{"id": "ID", "text": "Le ministre ID a parlé.", "published_at": "0001-01-01T00:00:00+00:00"}',
    '{"id": "ID", "text": "Le ministre ID a parlé.", "published_at": 1e400}',
    '{"id": "' + "x" * 600 + 'ID", "text": "Le ministre ID a parlé."}',
    '{"id": "ID", "text": "Le ministre ID a parlé.\\ud800"}',
    '{"id": "ID", "text": "Le ministre ID a parlé."}   trailing',
    '\ufeff{"id": "ID", "text": "Le ministre ID a parlé."}',
    '{"id": "ID", "text": "Le ministre ID a parlé.", "lang": "' + "fr" * 20 + '"}',
]), uid).map(lambda t: ("json_edge", {b"data": t[0].replace("ID", t[1]).encode("utf-8", "surrogatepass")}))

hostile_entry = st.one_of(random_bytes, invalid_utf8, wrong_types, missing_fields, extra_fields, extra_stream_fields,
                          no_data_field, not_object, blank_text, control_chars, html_hostile, random_text,
                          nested_json, unknown_language, json_edge)


def _generate(n: int) -> list[tuple[str, dict[bytes, bytes]]]:
    """n entries drawn by Hypothesis (generation phase only: the property is checked on the whole run)."""
    drawn: list[tuple[str, dict[bytes, bytes]]] = []

    @settings(max_examples=n, database=None, phases=[Phase.generate], deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(hostile_entry)
    def collect(entry: tuple[str, dict[bytes, bytes]]) -> None:
        drawn.append(entry)

    collect()
    return drawn


def _specials() -> list[tuple[str, dict[bytes, bytes]]]:
    """The few big ones, once each."""
    french = ("Le ministre des Affaires étrangères a rencontré mardi à Paris son homologue allemand pour évoquer "
              "la guerre en Ukraine et les sanctions contre la Russie, selon l'AFP. ")
    return [
        ("huge_50mb", _data(_article(id="huge-50mb", text="a" * 50_000_000))),
        ("long_french_at_limit", _data(_article(id="long-fr", text=(french * 2000)[:MAX_TEXT_CHARS - 1000]))),
        ("big_html_at_limit", _data(_article(id="big-html", text=None, html="<html><body>" + (
            "<div><script>var x = 1;</script><p>" + french + "&amp;&eacute;</p></div>") * 3500 + "</body></html>"))),
        ("entity_bomb", _data(_article(id="entity-bomb", text=None, html="<p>" + "&amp;" * 150_000 + "</p>"))),
        ("deep_nesting", {b"data": b"[" * 100_000 + b"]" * 100_000}),
        ("deep_html", _data(_article(id="deep-html", text=None, html="<div>" * 20_000 + "Le ministre a parlé."
                                     + "</div>" * 20_000))),
    ]


# ---- the live run ------------------------------------------------------------------------------------

N_GENERATED = 3000


@pytest.fixture(scope="module")
def hostile_run(redis_handle: RedisHandle, live_worker: WorkerProcess) -> Iterator[dict[str, Any]]:
    lr = redis_handle.client()
    entries = _generate(N_GENERATED)
    specials = _specials()
    half = len(entries) // 2
    entries = entries[:half] + specials + entries[half:]
    rss_before = peak_rss_mb(live_worker.process.pid)
    t0 = time.monotonic()
    ids = push_fields(lr, (fields for _, fields in entries), chunk=200)
    push_s = time.monotonic() - t0
    last = ids[-1]

    def all_committed() -> bool:
        xp = lr.xpending(names.INPUT_STREAM, names.GROUP)
        group = next(g for g in lr.xinfo_groups(names.INPUT_STREAM) if g["name"] == names.GROUP.encode())
        delivered = tuple(map(int, group["last-delivered-id"].decode().split("-")))
        return xp["pending"] == 0 and delivered >= tuple(map(int, last.split("-")))

    wait_until(all_committed, timeout=240, interval=0.5)
    done_s = time.monotonic() - t0
    yield {"entries": entries, "ids": ids, "push_s": push_s, "done_s": done_s, "rss_before": rss_before,
           "rss_after": peak_rss_mb(live_worker.process.pid), "outcomes": outcomes(lr)}
    lr.close()


def _expected(fields: dict[bytes, bytes]) -> ArticleIn | Rejected | Exception:
    try:
        return parse_entry(fields, MAX_TEXT_CHARS)
    except Exception as exc:  # a parse_entry bug; the worker must still end the entry somewhere
        return exc


def test_every_hostile_entry_ends_in_exactly_one_output_or_dead_letter(hostile_run: dict[str, Any]) -> None:
    from service.pipeline import content_hash

    o = hostile_run["outcomes"]
    by_category: dict[str, Counter[str]] = {}
    problems: list[str] = []
    hash_to_outputs: dict[str, list[str]] = {}
    dups: list[tuple[str, str]] = []
    for (category, fields), entry_id in zip(hostile_run["entries"], hostile_run["ids"], strict=True):
        outs, letters = o.outputs[entry_id], o.letters[entry_id]
        expected = _expected(fields)
        if outs + letters > 1:
            problems.append(f"{category} {entry_id}: {outs} outputs, {letters} dead letters")
        elif letters == 1:
            reason = o.reasons[entry_id]
            if not reason:
                problems.append(f"{category} {entry_id}: dead letter without reason")
            elif isinstance(expected, Rejected) and reason != expected.reason:
                problems.append(f"{category} {entry_id}: reason {reason}, parse_entry says {expected.reason}")
        elif outs == 1:
            if not isinstance(expected, ArticleIn):
                problems.append(f"{category} {entry_id}: published although parse_entry says {expected!r:.200}")
            else:
                hash_to_outputs.setdefault(o.docs[entry_id]["content_hash"], []).append(entry_id)
        elif isinstance(expected, ArticleIn):
            dups.append((entry_id, content_hash(expected)))
        else:
            problems.append(f"{category} {entry_id}: no outcome at all (parse_entry: {expected!r:.200})")
        label = (f"dlq:{o.reasons[entry_id]}" if letters else f"out:{o.statuses[entry_id]}" if outs
                 else "dropped_as_exact_duplicate")
        by_category.setdefault(category, Counter())[label] += 1
    for entry_id, digest in dups:  # no outcome is fine only for an exact duplicate of a published input
        if digest not in hash_to_outputs:
            problems.append(f"{entry_id}: no output, no dead letter, and not a duplicate of any published input")
    totals: Counter[str] = Counter()
    for c in by_category.values():
        totals.update(c)
    print(f"\n[hostile] {len(hostile_run['ids'])} entries, pushed in {hostile_run['push_s']:.1f}s, all committed "
          f"after {hostile_run['done_s']:.1f}s; peak RSS {hostile_run['rss_before']:.0f} MB before, "
          f"{hostile_run['rss_after']:.0f} MB after")
    print("[hostile] outcomes:", json.dumps(dict(totals.most_common()), indent=None))
    for category, counts in sorted(by_category.items()):
        print(f"[hostile]   {category}: {dict(counts.most_common())}")
    assert not problems, f"{len(problems)} problems, e.g.:\n" + "\n".join(problems[:20])
    assert set(o.reasons.values()) <= KNOWN_REASONS | {"trimmed_before_processing"}


def test_unknown_languages_are_published_as_unsupported_without_events(hostile_run: dict[str, Any]) -> None:
    o = hostile_run["outcomes"]
    checked = 0
    for (category, _), entry_id in zip(hostile_run["entries"], hostile_run["ids"], strict=True):
        if category != "unknown_language" or o.outputs[entry_id] != 1:
            continue
        doc = o.docs[entry_id]
        assert doc["status"] == "unsupported_language", (doc["lang"], doc["text"][:80])
        assert doc["events"] == [] and doc["lang"] != "fr"
        checked += 1
    assert checked >= 5, f"only {checked} unknown-language articles were published"


def test_worker_survives_hostile_input_alive_ready_and_bounded_memory(
    hostile_run: dict[str, Any], live_worker: WorkerProcess
) -> None:
    assert live_worker.process.poll() is None, live_worker.log()[-3000:]
    assert http_get(live_worker, "/healthz").status_code == 200
    assert http_get(live_worker, "/readyz").status_code == 200
    peak = peak_rss_mb(live_worker.process.pid)
    assert peak < RSS_BOUND_MB, f"peak RSS {peak:.0f} MB >= {RSS_BOUND_MB} MB"


def test_huge_and_deep_entries_are_dead_lettered_with_a_bounded_payload(hostile_run: dict[str, Any]) -> None:
    o = hostile_run["outcomes"]
    special = {category: entry_id for (category, _), entry_id in zip(hostile_run["entries"], hostile_run["ids"],
                                                                      strict=True)}
    assert o.reasons[special["huge_50mb"]] == "payload_too_large"
    assert o.reasons[special["deep_nesting"]] == "invalid_json"
    assert o.statuses.get(special["long_french_at_limit"]) == "ok"


# ---- the validator, directly ----------------------------------------------------------------------------

def _check(result: object) -> None:
    assert isinstance(result, ArticleIn | Rejected)
    if isinstance(result, Rejected):
        assert result.reason and result.reason in KNOWN_REASONS, result.reason
        assert isinstance(result.error, str) and result.error
        assert isinstance(result.payload, str)
    else:
        body = result.text if result.text is not None else result.html
        assert body and body.strip() and "\x00" not in body


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.binary(max_size=12), st.binary(max_size=400), max_size=5))
def test_parse_entry_never_raises_on_arbitrary_fields(fields: dict[bytes, bytes]) -> None:
    _check(parse_entry(fields, MAX_TEXT_CHARS))


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_parse_entry_never_raises_on_arbitrary_bytes(data: bytes) -> None:
    _check(parse_entry({b"data": data}, MAX_TEXT_CHARS))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_entry, st.integers(1000, 300_000))
def test_parse_entry_never_raises_on_hostile_entries(entry: tuple[str, dict[bytes, bytes]], limit: int) -> None:
    _check(parse_entry(entry[1], limit))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values, st.dictionaries(st.sampled_from(_FIELDS), json_values))
def test_parse_entry_never_raises_on_json_documents(value: Any, doc: dict[str, Any]) -> None:
    for v in (value, doc, _article(**doc)):
        _check(parse_entry(_data(v), MAX_TEXT_CHARS))


@settings(max_examples=50, deadline=None)
@example(b'{"id": "x", "text": "Bonjour", "n": 1' + b"0" * 5000 + b"}")
@example(b"1" * 4301)
@given(st.integers(4301, 20_000).map(lambda n: b'{"id": "x", "text": "Bonjour", "n": ' + b"9" * n + b"}"))
def test_parse_entry_never_raises_on_huge_json_integers(data: bytes) -> None:
    _check(parse_entry({b"data": data}, MAX_TEXT_CHARS))


# ---- the cleaner, directly (a crash there is a poison article) ---------------------------------------------

_DATE_LINES = st.builds(
    lambda d, m, y, hh, mm, tz: f"{d} {m} {y}" + (f" {hh}:{mm:02d}" if hh is not None else "") + (tz or ""),
    st.integers(0, 40), st.sampled_from(["janvier", "février", "avril", "juin", "septembre", "Octobre"]),
    st.integers(1, 9999), st.none() | st.integers(0, 30), st.integers(0, 70),
    st.none() | st.sampled_from([" (UTC+01:00)", " (UTC+99:00)", " (GMT-30)", " UTC+5"]))


@settings(max_examples=300, deadline=None)
@example("31 février 2025\nLe ministre a parlé.")
@example("30/02/2024 à 10h00\nLe ministre a parlé.")
@example("12 octobre 2023 18:03 (UTC+99:00)\nLe ministre a parlé.")
@given(st.lists(_DATE_LINES | st.text(alphabet=string.ascii_letters + " éà\n", max_size=40), max_size=5)
       .map("\n".join))
def test_clean_never_raises_on_date_shaped_lines(text: str) -> None:
    from service.clean import clean

    clean(text, None)
    clean(None, f"<html><body><p>{text}</p></body></html>")
