"""`depeche`: the worker, and the tools around it (publish, tail, extract, dlq, demo, bench)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import redis
import typer
from pydantic import SecretStr
from rich.console import Console
from rich.progress import track

from contracts.models import ArticleIn
from service import metrics_multiprocess, names, regex_cache
from service.config import Settings
from service.logs import configure_logging, get_logger, redact
from service.producer import InputError, Sourced, publish, read_articles, validated
from service.redis_server import RedisServer, start_embedded
from service.validate import Rejected, parse_entry

app = typer.Typer(help="Dépêche: French news in, entities and PLOVER events out, over Redis Streams.",
                  no_args_is_help=True)
dlq_app = typer.Typer(help="Inspect and replay dead letters.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
console = Console(soft_wrap=True)  # piped output stays one line per item
err = Console(stderr=True, soft_wrap=True, highlight=False)
log = get_logger("depeche.cli")
_debug = False
# Dead letters that did not fail validation: the pipeline or the worker failed, which a fix or a retry can
# change. Every other reason is checked by running the worker's validation on the payload again.
REPLAYABLE_REASONS = frozenset({"processing_error", "max_deliveries_exceeded"})


@app.callback()
def _options(debug: Annotated[bool, typer.Option(
        "--debug", help="Show the full traceback of an error instead of one line.")] = False) -> None:
    global _debug
    _debug = debug


def _refuse(origin: str, rejected: Rejected) -> None:
    err.print(f"{origin}: refused ({rejected.reason}): {rejected.error}", markup=False)


def _validated(sourced: list[Sourced], settings: Settings) -> tuple[list[tuple[Sourced, ArticleIn]], int]:
    """The articles the worker would accept, with their origin; each refusal is one line on stderr."""
    accepted: list[tuple[Sourced, ArticleIn]] = []
    refused = 0
    for item in sourced:
        result = validated(item.article, settings.max_text_chars)
        if isinstance(result, Rejected):
            _refuse(item.origin, result)
            refused += 1
        else:
            accepted.append((item, result))
    return accepted, refused


def _settings(**overrides: Any) -> Settings:
    """Settings for this command, and the process set up by them: logging, the start-up regex cache."""
    settings = Settings(**overrides)
    configure_logging(settings.log_level, settings.log_format)
    regex_cache.install(Path(settings.regex_cache_dir) if settings.regex_cache_dir else None)
    return settings


def _with_redis(settings: Settings) -> tuple[Settings, RedisServer | None]:
    """Use REDIS_URL when set; otherwise start the embedded Redis and say so."""
    if settings.redis_url is not None:
        return settings, None
    server = start_embedded()
    log.warning("embedded_redis", url=server.url,
                hint="no REDIS_URL set: using an embedded Redis (data is lost on exit); "
                     "set REDIS_URL=redis://host:6379/0 to use a real one")
    return settings.model_copy(update={"redis_url": SecretStr(server.url)}), server


def _client(settings: Settings) -> Any:
    """A synchronous client; typed Any because redis-py's reply types are unions of every shape."""
    if settings.redis_url is None:
        console.print("[red]REDIS_URL is not set[/red]: this command needs the Redis the worker uses.")
        raise typer.Exit(2)
    return redis.Redis.from_url(settings.redis_url.get_secret_value())


@app.command()
def worker(
    processes: Annotated[int | None, typer.Option(
        help="Worker processes (0 = one per core); default DEPECHE_PROCESSES.")] = None,
) -> None:
    """Run the service: consume articles.raw, publish articles.enriched, serve /metrics /healthz /readyz."""
    settings, server = _with_redis(_settings())
    try:
        wanted = settings.processes if processes is None else processes
        count = wanted or os.cpu_count() or 1
        if count == 1:
            from service.worker import run_worker  # imported here: several processes share their metrics

            asyncio.run(run_worker(settings))
        else:
            _run_processes(settings, count)
    finally:
        if server is not None:
            server.stop()


def _run_processes(settings: Settings, count: int) -> None:
    """One OS process per worker: spaCy holds the GIL, so processes are how we use every core.

    The parent loads the model once and forks: children are ready as soon as they connect, and they share
    the model's pages copy-on-write. Each child is a full replica (consumer `<name>-i`, HTTP port
    base + i). SIGTERM or SIGINT to the parent is passed on and the parent waits for the children to
    drain. A child that fails makes the parent stop the others and exit with the child's code, so the
    supervisor restarts a whole set instead of leaving one process short.
    """
    from service.pipeline import preload

    children: dict[int, int] = {}  # pid -> process index
    stopping = False

    def forward(signum: int, _: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    metrics_multiprocess.enable()  # one /metrics for the set: before the fork and service.metrics
    # Installed before the model loads, so a stop during those seconds still runs our cleanup.
    signal.signal(signal.SIGTERM, forward)
    signal.signal(signal.SIGINT, forward)
    preload()
    if stopping:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    parent = os.getpid()
    for i in range(count):
        pid = os.fork()
        if pid == 0:
            _run_child(settings, i, parent)
        children[pid] = i

    failed = 0
    while children:
        time.sleep(0.2)  # waitpid on our own children only: the embedded Redis is a child too
        for pid, index in list(children.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done == 0:
                continue
            del children[pid]
            metrics_multiprocess.process_exited(pid)
            code = os.waitstatus_to_exitcode(status)
            if stopping and code in (-signal.SIGTERM, -signal.SIGINT):
                code = 0  # stopped before its own handlers were in place: nothing was in hand
            if code != 0 and not failed:
                log.error("worker_process_failed", process=index, exit_code=code,
                          hint="stopping the other processes; the supervisor restarts the set")
                failed = code if code > 0 else 1
                if not stopping:
                    forward(signal.SIGTERM, None)
    if failed:
        raise typer.Exit(failed)


def _run_child(settings: Settings, index: int, parent: int) -> NoReturn:
    """Body of a forked worker process; never returns into the parent's stack (its finally blocks would
    stop the parent's embedded Redis, its loop would fork again)."""
    code = 1
    try:
        # The parent's handler would signal the siblings forked before us; run_worker installs ours.
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        _die_with_parent()
        if os.getppid() != parent:  # the parent died before prctl took effect
            raise SystemExit(0)
        from service.worker import run_worker

        child = settings.model_copy(update={
            "consumer": f"{settings.consumer}-{index}", "processes": 1,
            "http_port": settings.http_port + index if settings.http_port else 0})
        asyncio.run(run_worker(child))
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        with contextlib.suppress(BaseException):
            log.exception("worker_process_crashed", process=index)
    finally:
        # Nothing may stop us from reaching os._exit, not even a second Ctrl-C.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        with contextlib.suppress(BaseException):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _die_with_parent() -> None:
    """Linux: a child gets SIGTERM (and drains) when the parent dies, even by SIGKILL; no orphan workers."""
    import ctypes

    pr_set_pdeathsig = 1
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@app.command("publish")
def publish_cmd(
    files: Annotated[list[Path], typer.Argument(help=".txt, .html, .json or .jsonl files; '-' for JSON lines on stdin")],
    published_at: Annotated[str | None, typer.Option(help="published_at for articles that lack one")] = None,
    source: Annotated[str | None, typer.Option(help="source for articles that lack one")] = None,
) -> None:
    """Push articles onto articles.raw (needs REDIS_URL).

    Each article is first checked by the worker's own validation: what the worker would dead-letter is
    refused here, one line on stderr naming its file and line; the others are sent. Exit 1 if any was refused.
    """
    settings = _settings()
    sourced = read_articles(files)
    for item in sourced:
        if published_at:
            item.article.setdefault("published_at", published_at)
        if source:
            item.article.setdefault("source", source)
    accepted, refused = _validated(sourced, settings)
    client = _client(settings)
    ids: list[str] = []
    batch = [item.article for item, _ in accepted]
    for start in track(range(0, len(batch), 100), description="publishing", console=err):
        ids += publish(client, batch[start:start + 100], settings.input_stream)
    console.print(f"published {len(ids)} articles to {settings.input_stream}"
                  + (f"; refused {refused} (see above)" if refused else ""))
    if refused:
        raise typer.Exit(1)


def _describe_event(event: dict[str, Any]) -> str:
    def name(actor: dict[str, Any] | None) -> str:
        return actor["name"] if actor else "?"

    date = event["date"]["value"] if event.get("date") else "?"
    extra = f" ({event['modality']})" if event["modality"] != "asserted" else ""
    return f"{event['type']:<9} {name(event['source'])} → {name(event['target'])}  {date}{extra}"


def print_enriched(doc: dict[str, Any]) -> None:
    console.print(f"[bold]{doc['article_id']}[/bold]  lang={doc['lang']} status={doc['status']}"
                  + (f"  near-duplicate of {doc['near_duplicate_of']['article_id']}"
                     if doc.get("near_duplicate_of") else ""))
    if doc["entities"]:
        console.print("  entities: " + ", ".join(f"{e['name']} ({e['label']})" for e in doc["entities"]))
    for event in doc["events"]:
        console.print("  event:    " + _describe_event(event))


def _print_entry(doc: dict[str, Any], raw: bool, events: bool) -> None:
    if raw:
        print(json.dumps(doc, ensure_ascii=False), flush=True)
    elif events:
        console.print(f"{doc['event_key'][:12]}  {_describe_event(doc)}  "
                      f"mentions={doc['mentions']} sources={', '.join(doc['sources'])}")
    else:
        print_enriched(doc)
    sys.stdout.flush()


@app.command()
def tail(
    events: Annotated[bool, typer.Option("--events", help="The events stream instead of articles.enriched.")] = False,
    count: Annotated[int, typer.Option("--count", "-n", min=0,
                                       help="The last N entries (the first N with --from-start); 0 = all.")] = 10,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Then keep printing new entries (Ctrl-C stops).")] = False,
    from_start: Annotated[bool, typer.Option(help="Count from the oldest entry instead of the newest.")] = False,
    raw: Annotated[bool, typer.Option("--json", help="Print the JSON payloads, one per line.")] = False,
) -> None:
    """Show articles.enriched (or events) like `tail`: the last N entries, then follow with -f. Plain XREAD."""
    settings = _settings()
    client = _client(settings)
    stream = settings.events_stream if events else settings.output_stream
    if from_start:
        backlog = client.xrange(stream, count=count or None)
    else:
        backlog = list(reversed(client.xrevrange(stream, count=count or None)))
    for _, fields in backlog:
        _print_entry(json.loads(fields[names.DATA_FIELD.encode()]), raw, events)
    if not follow:
        return
    # Following resumes after the last entry shown (none missed in between), else at the stream's end.
    last = backlog[-1][0] if backlog else ("0-0" if from_start else _last_id(client, stream))
    while True:
        for _, entries in client.xread({stream: last}, block=1000, count=100) or []:
            for entry_id, fields in entries:
                last = entry_id
                _print_entry(json.loads(fields[names.DATA_FIELD.encode()]), raw, events)


def _last_id(client: Any, stream: str) -> str:
    newest = client.xrevrange(stream, count=1)
    return newest[0][0] if newest else "0-0"


def _load_dates(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise InputError(f"{path}: invalid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a JSON object of published_at by article id")
    if "articles" in data:  # the evaluation's gold format
        return {k: v["published_at"] for k, v in data["articles"].items() if v.get("published_at")}
    return {str(k): str(v) for k, v in data.items()}


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help=".txt, .html, .json or .jsonl files; '-' for stdin")],
    dates: Annotated[Path | None, typer.Option(
        help="JSON file of published_at by article id ({id: date}, or an eval gold file)")] = None,
    pretty: Annotated[bool, typer.Option(help="Readable summary instead of JSON lines.")] = False,
) -> None:
    """Run the pipeline offline (no Redis) and print enriched articles as JSON lines.

    Articles the worker would dead-letter are refused with one line on stderr each (file, line, reason);
    the others are enriched. Exit 1 if any was refused.
    """
    from service.pipeline import pipeline_batch

    settings = _settings()
    published = _load_dates(dates)
    sourced = read_articles(files)
    for item in sourced:
        if item.article.get("id") in published:
            item.article.setdefault("published_at", published[item.article["id"]])
    accepted, refused = _validated(sourced, settings)
    for doc in pipeline_batch([article for _, article in accepted]):
        if pretty:
            print_enriched(doc.model_dump(mode="json"))
        else:
            print(doc.model_dump_json())
    if refused:
        raise typer.Exit(1)


@dlq_app.command("list")
def dlq_list(count: Annotated[int, typer.Option(help="How many, newest first.")] = 20) -> None:
    """Show the newest dead letters with their reasons."""
    settings = _settings()
    client = _client(settings)
    for entry_id, fields in client.xrevrange(settings.dlq_stream, count=count):
        doc = json.loads(fields[names.DATA_FIELD.encode()])
        console.print(f"{entry_id.decode()}  [bold]{doc['reason']}[/bold]  input={doc['input_entry_id']} "
                      f"article={doc.get('article_id')}  {doc['error'][:120]}")


@dlq_app.command("replay")
def dlq_replay(
    ids: Annotated[list[str] | None, typer.Argument(help="Dead-letter entry ids (default: all)")] = None,
    reason: Annotated[str | None, typer.Option(help="Only dead letters with this reason.")] = None,
    force: Annotated[bool, typer.Option(help="Replay even entries that would be dead-lettered again.")] = False,
    dry_run: Annotated[bool, typer.Option(help="Say what would be replayed and skipped; change nothing.")] = False,
) -> None:
    """Put dead letters back on articles.raw (original payload) and remove them from the DLQ atomically.

    A dead letter whose payload the worker would refuse again (checked with its own validation, so an entry
    refused by an older version can pass now) is skipped unless --force; one without a payload always is.
    """
    settings = _settings()
    client = _client(settings)
    entries = client.xrange(settings.dlq_stream) if not ids else [
        e for i in ids for e in client.xrange(settings.dlq_stream, i, i)]
    if ids and len(entries) < len(ids):
        found = {e[0].decode() for e in entries}
        for missing in (i for i in ids if i not in found):
            err.print(f"{missing}: no such dead letter in {settings.dlq_stream}", markup=False)
    replayed = skipped = 0
    for entry_id, fields in entries:
        doc = json.loads(fields[names.DATA_FIELD.encode()])
        if reason and doc["reason"] != reason:
            continue
        why = _cannot_replay(doc, settings.max_text_chars, force)
        if why:
            skipped += 1
            err.print(f"{entry_id.decode()}: skipped ({doc['reason']}): {why}", markup=False)
            continue
        replayed += 1
        if not dry_run:
            pipe = client.pipeline(transaction=True)
            pipe.xadd(settings.input_stream, {names.DATA_FIELD: doc["payload"]})
            pipe.xdel(settings.dlq_stream, entry_id)
            pipe.execute()
    verb = "would replay" if dry_run else "replayed"
    console.print(f"{verb} {replayed} dead letters onto {settings.input_stream}; skipped {skipped}"
                  + (" (--force replays those that only failed validation)" if skipped and not force else ""))


def _cannot_replay(doc: dict[str, Any], max_text_chars: int, force: bool) -> str | None:
    """Why replaying this dead letter cannot succeed, or None."""
    if not doc.get("payload"):
        return "no payload to replay"
    if force or doc["reason"] in REPLAYABLE_REASONS:
        return None
    result = parse_entry({names.DATA_FIELD.encode(): doc["payload"].encode("utf-8")}, max_text_chars)
    if isinstance(result, Rejected):
        return f"would be dead-lettered again: {result.reason}: {result.error}"
    return None


def _window_id(value: str, now_ms: int) -> str:
    """A stream id from an entry id ("1733142000000-0"), a Unix time in ms, an ISO time or an age ("2h", "3d")."""
    units = {"s": 1_000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
    if value[:-1].isdigit() and value[-1] in units:
        return str(now_ms - int(value[:-1]) * units[value[-1]])
    if value.replace("-", "").isdigit():
        return value
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(f"'{value}': not an entry id, a time (ISO 8601) or an age like 2h or 3d") from None
    return str(int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000))


@app.command()
def reprocess(
    files: Annotated[list[Path] | None, typer.Argument(
        help="Articles to re-enrich from files (.txt, .html, .json, .jsonl; '-' for stdin)")] = None,
    since: Annotated[str | None, typer.Option(
        help="Entries of articles.raw from this entry id, time (ISO 8601) or age ago (2h, 3d).")] = None,
    until: Annotated[str | None, typer.Option(help="... up to this entry id, time or age (default: now).")] = None,
    article: Annotated[list[str] | None, typer.Option(
        help="Entries of articles.raw whose article id is this (repeatable).")] = None,
    dry_run: Annotated[bool, typer.Option(help="Say what would be re-enriched; send nothing.")] = False,
) -> None:
    """Re-enrich articles through the current pipeline, even if their content was already seen.

    Takes input entries still held by articles.raw (by id range or time window, or by article id) or articles
    from files, and adds them again with a `reprocess` mark: the worker skips the exact-duplicate check, and its
    output says `reprocessed_from` (the earlier output) with the new `pipeline.version`.
    """
    settings = _settings()
    if not files and since is None and not article:
        raise InputError("say what to reprocess: FILES, --since/--until (ids, times or ages) or --article ID")
    sourced = read_articles(files or [])
    accepted, refused = _validated(sourced, settings)
    payloads = [item.article for item, _ in accepted]
    client = _client(settings)
    if since is not None or article:
        now_ms = int(time.time() * 1000)
        start = _window_id(since, now_ms) if since is not None else "-"
        end = _window_id(until, now_ms) if until is not None else "+"
        wanted = set(article or [])
        for _, fields in client.xrange(settings.input_stream, start, end):
            if names.REPROCESS_FIELD.encode() in fields:
                continue  # a reprocessing request itself: its original is in the window too
            raw = fields.get(names.DATA_FIELD.encode())
            try:
                doc = json.loads(raw) if raw is not None else None
            except ValueError:
                continue  # it was dead-lettered; `depeche dlq replay` is the way back for it
            if isinstance(doc, dict) and (not wanted or doc.get("id") in wanted):
                payloads.append(doc)
        for missing in sorted(wanted - {str(doc.get("id")) for doc in payloads}):
            err.print(f"article {missing}: not in {settings.input_stream} (trimmed, or never sent); "
                      "reprocess it from a file instead", markup=False)
            refused += 1
    if not dry_run:
        publish(client, payloads, settings.input_stream, extra_fields={names.REPROCESS_FIELD: "1"})
    verb = "would reprocess" if dry_run else "sent for reprocessing"
    console.print(f"{verb} {len(payloads)} articles onto {settings.input_stream}"
                  + (f"; refused {refused} (see above)" if refused else ""))
    if refused:
        raise typer.Exit(1)


@app.command()
def demo(
    timeout: Annotated[float, typer.Option(help="Seconds to wait for the results.")] = 120.0,
) -> None:
    """Zero-setup tour: embedded Redis, a real worker, sample French articles, the entities and events found."""
    from service.demo import run_demo

    settings, server = _with_redis(_settings(http_port=0))
    try:
        run_demo(settings, timeout)
    finally:
        if server is not None:
            server.stop()


@app.command()
def bench(
    articles: Annotated[int, typer.Option(help="Articles in the workload.")] = 400,
    workers: Annotated[int, typer.Option(help="N for the N-worker run (0 = cores).")] = 0,
    out: Annotated[Path, typer.Option(help="Directory for bench.json, bench.md and bench.png.")] = Path("bench"),
) -> None:
    """Benchmark the real service against raw nlp.pipe and the offline pipeline."""
    from bench.run import run_bench

    _settings()
    run_bench(articles=articles, workers=workers or os.cpu_count() or 1, out=out)


@app.command("bench-near")
def bench_near(
    indexed: Annotated[int, typer.Option(help="Articles in the near-duplicate index.")] = 100_000,
    probes: Annotated[int, typer.Option(help="Checks timed.")] = 100,
) -> None:
    """Time the near-duplicate check against a large index in a throw-away Redis."""
    from bench.near import run_bench_near

    _settings()
    console.print_json(json.dumps(run_bench_near(indexed, probes)))


def _fail(message: str, code: int) -> NoReturn:
    err.print(f"depeche: {message}", markup=False)
    sys.exit(code)


def main() -> None:
    """Entry point: a user's mistake is one line on stderr and a non-zero exit; --debug shows the traceback."""
    from pydantic import ValidationError

    try:
        app()
    except Exception as exc:
        if _debug:
            raise
        if isinstance(exc, InputError):
            _fail(str(exc), 2)
        if isinstance(exc, redis.ConnectionError):
            _fail(f"cannot reach Redis: {redact(str(exc))}", 2)
        if isinstance(exc, redis.RedisError):
            _fail(f"Redis error: {redact(str(exc))}", 2)
        if isinstance(exc, ValidationError) and exc.title == "Settings":
            first = exc.errors()[0]
            field = ".".join(str(x) for x in first["loc"])
            _fail(f"configuration: {field.upper()}: {first['msg']} (see the README's configuration table)", 2)
        _fail(f"unexpected error: {type(exc).__name__}: {redact(str(exc))} (run with --debug for the traceback)", 1)


if __name__ == "__main__":
    main()
