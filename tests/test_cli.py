"""The `depeche` command line: publish, tail, extract, dlq, demo; one line per user mistake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from typer.testing import CliRunner

from contracts.models import DeadLetter
from service import names
from service.cli import app
from tests.conftest import WorkerFactory, run_burst, wait_until
from tests.helpers_worker import enriched, stub_pipeline

runner = CliRunner()
TEXT = "Le président français Emmanuel Macron a reçu lundi à Paris le chancelier allemand Friedrich Merz."


def _cli(*args: str, redis_url: str | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`depeche ARGS` as a user runs it: its own process, its own stderr."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    if redis_url:
        env["REDIS_URL"] = redis_url
    return subprocess.run([sys.executable, "-m", "service", *args], capture_output=True, text=True, env=env,
                          input=stdin, timeout=240)


def _enriched(article_id: str) -> str:
    return enriched(article_id).model_dump_json()


def _fill_output(r: redis.Redis, count: int) -> None:
    for i in range(count):
        r.xadd(names.OUTPUT_STREAM, {names.DATA_FIELD: _enriched(f"out-{i}")})


def _dead_letter(r: redis.Redis, reason: str, payload: str) -> str:
    doc = DeadLetter(input_entry_id="1-0", reason=reason, error="test", deliveries=1, consumer="w",  # type: ignore[arg-type]
                     failed_at=datetime.now(UTC), payload=payload)
    return r.xadd(names.DLQ_STREAM, {names.DATA_FIELD: doc.model_dump_json()}).decode()


# ---- publish ------------------------------------------------------------------------------------

def test_publish_pushes_each_file_kind_onto_the_input_stream(r: redis.Redis, redis_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.html").write_text(f"<html><body><article><p>{TEXT}</p></article></body></html>", encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": "c1", "text": TEXT}) + "\n"
                                      + json.dumps({"id": "c2", "text": TEXT}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["publish", str(tmp_path / "a.txt"), str(tmp_path / "b.html"),
                                 str(tmp_path / "c.jsonl"), "--published-at", "2025-05-05"],
                           env={"REDIS_URL": redis_url})
    assert result.exit_code == 0, result.output
    pushed = [json.loads(f[b"data"]) for _, f in r.xrange(names.INPUT_STREAM)]
    assert [p["id"] for p in pushed] == ["a", "b", "c1", "c2"]
    assert "html" in pushed[1] and all(p["published_at"] == "2025-05-05" for p in pushed)


def test_publish_refuses_what_the_worker_would_dead_letter_and_sends_the_rest(r: redis.Redis, redis_url: str) -> None:
    lines = json.dumps({"id": "ok-1", "text": TEXT}) + "\n" + json.dumps({"text": TEXT}) + "\n"
    result = _cli("publish", "-", redis_url=redis_url, stdin=lines)
    assert result.returncode == 1
    assert "<stdin>:2: refused (invalid_article): id:" in result.stderr
    assert [json.loads(f[b"data"])["id"] for _, f in r.xrange(names.INPUT_STREAM)] == ["ok-1"]
    assert "published 1 articles" in result.stdout and "refused 1" in result.stdout


# ---- user mistakes: one line on stderr, non-zero exit, no traceback -------------------------------

@pytest.mark.parametrize(("make", "expected"), [
    (lambda d: d / "notes.md", "notes.md: unsupported file type '.md'"),
    (lambda d: d / "absent.jsonl", "absent.jsonl: no such file"),
    (lambda d: _write(d / "bad.jsonl", '{"id": "x", "text": "ok"}\n{"id": oops}\n'), "bad.jsonl:2: invalid JSON"),
    (lambda d: _write(d / "list.jsonl", "[1, 2]\n"), "list.jsonl:1: expected a JSON object"),
], ids=["unsupported-type", "missing-file", "bad-json-line", "not-an-object"])
def test_a_bad_input_file_is_one_line_on_stderr(tmp_path: Path, redis_url: str, make: object,
                                                 expected: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    result = _cli("publish", str(path), redis_url=redis_url)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and expected in result.stderr
    assert "Traceback" not in result.stderr


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_setting_is_one_line_naming_the_variable(tmp_path: Path) -> None:
    env = {**os.environ, "DEPECHE_BATCH_SIZE": "lots"}
    result = subprocess.run([sys.executable, "-m", "service", "dlq", "list"], capture_output=True, text=True,
                            env=env, timeout=120)
    assert result.returncode == 2
    assert "BATCH_SIZE" in result.stderr and result.stderr.count("\n") == 1


def test_debug_shows_the_traceback(tmp_path: Path, redis_url: str) -> None:
    result = _cli("--debug", "publish", str(tmp_path / "notes.md"), redis_url=redis_url)
    assert result.returncode != 0 and "Traceback" in result.stderr


# ---- extract --------------------------------------------------------------------------------------

def test_extract_prints_enriched_json_lines_without_redis(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(TEXT, encoding="utf-8")
    out = _cli("extract", str(tmp_path / "note.txt"))
    assert out.returncode == 0, out.stderr
    [doc] = [json.loads(line) for line in out.stdout.splitlines()]
    assert doc["article_id"] == "note"
    assert {"Emmanuel Macron", "Friedrich Merz"} <= {e["name"] for e in doc["entities"]}


def test_extract_refuses_an_invalid_line_by_file_and_line_and_enriches_the_others(tmp_path: Path) -> None:
    path = _write(tmp_path / "mixed.jsonl", json.dumps({"id": "good", "text": TEXT}) + "\n"
                  + json.dumps({"id": "no-body", "title": "sans texte"}) + "\n")
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: refused (missing_text)" in result.stderr
    assert [json.loads(line)["article_id"] for line in result.stdout.splitlines()] == ["good"]


# ---- tail -------------------------------------------------------------------------------------------

def _tail_ids(redis_url: str, *args: str) -> list[str]:
    result = runner.invoke(app, ["tail", "--json", *args], env={"REDIS_URL": redis_url})
    assert result.exit_code == 0, result.output
    return [json.loads(line)["article_id"] for line in result.stdout.splitlines()]


def test_tail_shows_the_last_n_entries_already_published(r: redis.Redis, redis_url: str) -> None:
    _fill_output(r, 5)
    assert _tail_ids(redis_url, "--count", "2") == ["out-3", "out-4"]


def test_tail_from_start_shows_the_first_n_entries(r: redis.Redis, redis_url: str) -> None:
    _fill_output(r, 5)
    assert _tail_ids(redis_url, "--from-start", "-n", "2") == ["out-0", "out-1"]


def test_tail_count_zero_shows_every_entry(r: redis.Redis, redis_url: str) -> None:
    _fill_output(r, 12)
    assert len(_tail_ids(redis_url, "--count", "0")) == 12


def test_tail_prints_the_readable_summary(r: redis.Redis, redis_url: str) -> None:
    _fill_output(r, 1)
    result = runner.invoke(app, ["tail"], env={"REDIS_URL": redis_url})
    assert "out-0" in result.stdout and "status=ok" in result.stdout


def test_tail_follow_prints_entries_published_after_it_started(r: redis.Redis, redis_url: str) -> None:
    _fill_output(r, 3)
    env = {**os.environ, "REDIS_URL": redis_url}
    proc = subprocess.Popen([sys.executable, "-m", "service", "tail", "-f", "-n", "1", "--json"], env=env,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert json.loads(proc.stdout.readline())["article_id"] == "out-2"
        r.xadd(names.OUTPUT_STREAM, {names.DATA_FIELD: _enriched("late")})
        assert json.loads(proc.stdout.readline())["article_id"] == "late"
    finally:
        proc.kill()
        proc.wait(10)


# ---- dlq -------------------------------------------------------------------------------------------

def test_dlq_list_shows_reasons(r: redis.Redis, redis_url: str) -> None:
    _dead_letter(r, "missing_text", json.dumps({"id": "fixme"}))
    listed = runner.invoke(app, ["dlq", "list"], env={"REDIS_URL": redis_url})
    assert listed.exit_code == 0 and "missing_text" in listed.stdout


def test_dlq_replay_puts_a_processing_error_back_on_the_input(r: redis.Redis, redis_url: str) -> None:
    payload = json.dumps({"id": "retry-me", "text": TEXT})
    _dead_letter(r, "processing_error", payload)
    result = runner.invoke(app, ["dlq", "replay"], env={"REDIS_URL": redis_url})
    assert result.exit_code == 0 and "replayed 1" in result.stdout and "skipped 0" in result.stdout
    assert r.xlen(names.DLQ_STREAM) == 0
    assert r.xrange(names.INPUT_STREAM)[0][1][b"data"].decode() == payload


def test_dlq_replay_skips_entries_that_would_fail_again_and_says_why(r: redis.Redis, redis_url: str) -> None:
    still_bad = _dead_letter(r, "missing_text", json.dumps({"id": "fixme", "title": "no text yet"}))
    empty = _dead_letter(r, "trimmed_before_processing", "")
    result = runner.invoke(app, ["dlq", "replay"], env={"REDIS_URL": redis_url})
    assert "replayed 0" in result.stdout and "skipped 2" in result.stdout
    assert f"{still_bad}: skipped (missing_text): would be dead-lettered again: missing_text" in result.stderr
    assert f"{empty}: skipped (trimmed_before_processing): no payload" in result.stderr
    assert r.xlen(names.DLQ_STREAM) == 2 and r.xlen(names.INPUT_STREAM) == 0


def test_dlq_replay_replays_an_entry_the_current_validation_accepts(r: redis.Redis, redis_url: str) -> None:
    # refused by an older version (say, over its date), valid today: worth replaying
    _dead_letter(r, "invalid_article", json.dumps({"id": "now-fine", "text": TEXT}))
    result = runner.invoke(app, ["dlq", "replay"], env={"REDIS_URL": redis_url})
    assert "replayed 1" in result.stdout and r.xlen(names.INPUT_STREAM) == 1


def test_dlq_replay_force_replays_what_would_fail_again(r: redis.Redis, redis_url: str) -> None:
    _dead_letter(r, "missing_text", json.dumps({"id": "fixme"}))
    result = runner.invoke(app, ["dlq", "replay", "--force"], env={"REDIS_URL": redis_url})
    assert "replayed 1" in result.stdout and r.xlen(names.INPUT_STREAM) == 1


def test_dlq_replay_dry_run_changes_nothing(r: redis.Redis, redis_url: str) -> None:
    _dead_letter(r, "processing_error", json.dumps({"id": "retry-me", "text": TEXT}))
    result = runner.invoke(app, ["dlq", "replay", "--dry-run"], env={"REDIS_URL": redis_url})
    assert "would replay 1" in result.stdout
    assert r.xlen(names.DLQ_STREAM) == 1 and r.xlen(names.INPUT_STREAM) == 0


# ---- worker and demo ----------------------------------------------------------------------------------

def test_worker_ready_time_counts_from_the_start_of_the_command(start_worker: WorkerFactory) -> None:
    started = time.monotonic()
    worker = start_worker()
    wall = time.monotonic() - started
    wait_until(lambda: "worker_ready" in worker.log())
    line = next(json.loads(x) for x in worker.log().splitlines() if '"worker_ready"' in x)
    # The model load and the imports before it are part of the ready time, not only the connection.
    assert line["seconds"] >= 0.75 * wall - 0.5, (line, wall)
    assert line["seconds"] > line["worker_seconds"]


def test_demo_runs_with_nothing_but_python(tmp_path: Path) -> None:
    out = _cli("demo")
    assert out.returncode == 0, out.stderr[-2000:]
    assert "embedded_redis" in out.stderr
    assert "articles/s" in out.stdout and "dropped as exact duplicates" in out.stdout
    assert "event:" in out.stdout


# ---- reprocess ---------------------------------------------------------------------------------------

def _marked(r: redis.Redis) -> list[str]:
    """Article ids of the input entries marked for reprocessing."""
    return [json.loads(f[names.DATA_FIELD.encode()])["id"] for _, f in r.xrange(names.INPUT_STREAM)
            if f.get(names.REPROCESS_FIELD.encode()) == b"1"]


def _raw(r: redis.Redis, article_id: str) -> str:
    return r.xadd(names.INPUT_STREAM, {names.DATA_FIELD: json.dumps({"id": article_id, "text": TEXT})}).decode()


def test_reprocess_by_article_id_sends_that_entry_again_marked(r: redis.Redis, redis_url: str) -> None:
    _raw(r, "a"), _raw(r, "b")
    result = runner.invoke(app, ["reprocess", "--article", "b"], env={"REDIS_URL": redis_url})
    assert result.exit_code == 0, result.output
    assert _marked(r) == ["b"]


def test_reprocess_by_id_range_takes_the_entries_in_the_range(r: redis.Redis, redis_url: str) -> None:
    _raw(r, "before")
    first, second = _raw(r, "in-1"), _raw(r, "in-2")
    _raw(r, "after")
    result = runner.invoke(app, ["reprocess", "--since", first, "--until", second], env={"REDIS_URL": redis_url})
    assert result.exit_code == 0, result.output
    assert _marked(r) == ["in-1", "in-2"]


def test_reprocess_by_age_takes_recent_entries(r: redis.Redis, redis_url: str) -> None:
    _raw(r, "recent")
    result = runner.invoke(app, ["reprocess", "--since", "1h"], env={"REDIS_URL": redis_url})
    assert result.exit_code == 0 and _marked(r) == ["recent"]


def test_reprocess_from_files_marks_them(r: redis.Redis, redis_url: str, tmp_path: Path) -> None:
    path = _write(tmp_path / "again.jsonl", json.dumps({"id": "from-file", "text": TEXT}) + "\n")
    result = runner.invoke(app, ["reprocess", str(path)], env={"REDIS_URL": redis_url})
    assert result.exit_code == 0 and _marked(r) == ["from-file"]


def test_reprocess_says_which_article_ids_it_could_not_find(r: redis.Redis, redis_url: str) -> None:
    _raw(r, "a")
    result = runner.invoke(app, ["reprocess", "--article", "gone"], env={"REDIS_URL": redis_url})
    assert result.exit_code == 1 and "article gone: not in" in result.stderr
    assert _marked(r) == []


def test_reprocess_dry_run_sends_nothing(r: redis.Redis, redis_url: str) -> None:
    _raw(r, "a")
    result = runner.invoke(app, ["reprocess", "--article", "a", "--dry-run"], env={"REDIS_URL": redis_url})
    assert "would reprocess 1" in result.stdout and _marked(r) == []


def test_reprocess_through_a_worker_publishes_a_new_output_pointing_to_the_earlier_one(
        r: redis.Redis, redis_url: str) -> None:
    pipeline, _ = stub_pipeline()
    first_in = _raw(r, "again")
    run_burst(redis_url, pipeline)
    result = runner.invoke(app, ["reprocess", "--article", "again"], env={"REDIS_URL": redis_url})
    assert result.exit_code == 0, result.output
    run_burst(redis_url, pipeline)
    first, second = (json.loads(f[names.DATA_FIELD.encode()]) for _, f in r.xrange(names.OUTPUT_STREAM))
    assert first["input_entry_id"] == first_in
    assert second["article_id"] == "again" and second["reprocessed_from"]["input_entry_id"] == first_in
