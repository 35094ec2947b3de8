"""The `depeche` command line: publish, tail, extract, dlq, demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import redis
from typer.testing import CliRunner

from service import names
from service.cli import app
from tests.conftest import WorkerFactory, wait_until, xadd_article

runner = CliRunner()
TEXT = "Le président français Emmanuel Macron a reçu lundi à Paris le chancelier allemand Friedrich Merz."


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


def test_extract_prints_enriched_json_lines_without_redis(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text(TEXT, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    out = subprocess.run([sys.executable, "-m", "service", "extract", str(tmp_path / "note.txt")],
                         capture_output=True, text=True, env=env, check=True)
    [doc] = [json.loads(line) for line in out.stdout.splitlines()]
    assert doc["article_id"] == "note"
    assert {"Emmanuel Macron", "Friedrich Merz"} <= {e["name"] for e in doc["entities"]}


def test_dlq_replay_puts_dead_letters_back_on_the_input(r: redis.Redis, redis_url: str,
                                                        start_worker: WorkerFactory) -> None:
    start_worker()
    xadd_article(r, json.dumps({"id": "fixme", "title": "no text yet"}))
    wait_until(lambda: r.xlen(names.DLQ_STREAM) == 1)
    listed = runner.invoke(app, ["dlq", "list"], env={"REDIS_URL": redis_url})
    assert "missing_text" in listed.output
    replayed = runner.invoke(app, ["dlq", "replay", "--reason", "missing_text"], env={"REDIS_URL": redis_url})
    assert replayed.exit_code == 0 and "replayed 1" in replayed.output
    assert r.xlen(names.DLQ_STREAM) in (0, 1)  # replayed, then dead-lettered again: still missing its text
    assert json.loads(r.xrevrange(names.INPUT_STREAM, count=1)[0][1][b"data"])["id"] == "fixme"


def test_tail_prints_the_enriched_articles(r: redis.Redis, redis_url: str, start_worker: WorkerFactory) -> None:
    start_worker()
    xadd_article(r, {"id": "tail-me", "text": TEXT, "published_at": "2025-05-06"})
    wait_until(lambda: r.xlen(names.OUTPUT_STREAM) == 1)
    result = runner.invoke(app, ["tail", "--from-start", "--count", "1"], env={"REDIS_URL": redis_url})
    assert result.exit_code == 0
    assert "tail-me" in result.output and "Emmanuel Macron" in result.output


def test_demo_runs_with_nothing_but_python(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    out = subprocess.run([sys.executable, "-m", "service", "demo"], capture_output=True, text=True, env=env,
                         timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "embedded_redis" in out.stderr
    assert "articles/s" in out.stdout and "dropped as exact duplicates" in out.stdout
    assert "event:" in out.stdout

