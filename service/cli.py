"""`depeche`: the worker, and the tools around it (publish, tail, extract, dlq, demo, bench)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated, Any, NoReturn

import redis
import typer
from pydantic import SecretStr
from rich.console import Console
from rich.progress import track

from contracts.models import ArticleIn
from service import names, regex_cache
from service.config import Settings
from service.logs import configure_logging, get_logger, redact
from service.producer import articles_from_file, articles_from_stdin, publish
from service.redis_server import RedisServer, start_embedded

app = typer.Typer(help="Dépêche: French news in, entities and PLOVER events out, over Redis Streams.",
                  no_args_is_help=True)
dlq_app = typer.Typer(help="Inspect and replay dead letters.", no_args_is_help=True)
app.add_typer(dlq_app, name="dlq")
console = Console(soft_wrap=True)  # piped output stays one line per item
log = get_logger("depeche.cli")


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
    from service.worker import run_worker

    settings, server = _with_redis(_settings())
    try:
        wanted = settings.processes if processes is None else processes
        count = wanted or os.cpu_count() or 1
        if count == 1:
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
    """Push articles onto articles.raw (needs REDIS_URL)."""
    settings = _settings()
    client = _client(settings)
    articles: list[dict[str, Any]] = []
    for path in files:
        articles += list(articles_from_stdin() if str(path) == "-" else articles_from_file(path))
    for article in articles:
        if published_at:
            article.setdefault("published_at", published_at)
        if source:
            article.setdefault("source", source)
    ids: list[str] = []
    for start in track(range(0, len(articles), 100), description="publishing", console=console):
        ids += publish(client, articles[start:start + 100], settings.input_stream)
    console.print(f"published {len(ids)} articles to {settings.input_stream}")


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


@app.command()
def tail(
    events: Annotated[bool, typer.Option("--events", help="Follow the events stream instead.")] = False,
    from_start: Annotated[bool, typer.Option(help="Start at the beginning of the stream.")] = False,
    raw: Annotated[bool, typer.Option("--json", help="Print the JSON payloads.")] = False,
    count: Annotated[int, typer.Option(help="Stop after this many messages (0 = follow forever).")] = 0,
) -> None:
    """Follow articles.enriched (or events) with plain XREAD, as any consumer would."""
    settings = _settings()
    client = _client(settings)
    stream = settings.events_stream if events else settings.output_stream
    last = "0-0" if from_start else "$"
    seen = 0
    while count == 0 or seen < count:
        reply = client.xread({stream: last}, block=1000, count=100)
        for _, entries in reply or []:
            for entry_id, fields in entries:
                last = entry_id
                doc = json.loads(fields[names.DATA_FIELD.encode()])
                if raw:
                    print(json.dumps(doc, ensure_ascii=False))
                elif events:
                    console.print(f"{doc['event_key'][:12]}  {_describe_event(doc)}  "
                                  f"mentions={doc['mentions']} sources={', '.join(doc['sources'])}")
                else:
                    print_enriched(doc)
                seen += 1


def _load_dates(path: Path | None) -> dict[str, str]:
    if path is None:
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
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
    """Run the pipeline offline (no Redis) and print enriched articles as JSON lines."""
    from service.pipeline import pipeline_batch

    _settings()
    published = _load_dates(dates)
    raw: list[dict[str, Any]] = []
    for path in files:
        raw += list(articles_from_stdin() if str(path) == "-" else articles_from_file(path))
    articles = []
    for item in raw:
        if item.get("id") in published:
            item.setdefault("published_at", published[item["id"]])
        articles.append(ArticleIn.model_validate(item))
    for doc in pipeline_batch(articles):
        if pretty:
            print_enriched(doc.model_dump(mode="json"))
        else:
            print(doc.model_dump_json())


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
) -> None:
    """Put dead letters back on articles.raw (original payload) and remove them from the DLQ atomically."""
    settings = _settings()
    client = _client(settings)
    entries = client.xrange(settings.dlq_stream) if not ids else [
        e for i in ids for e in client.xrange(settings.dlq_stream, i, i)]
    replayed = 0
    for entry_id, fields in entries:
        doc = json.loads(fields[names.DATA_FIELD.encode()])
        if (reason and doc["reason"] != reason) or not doc["payload"]:
            continue
        pipe = client.pipeline(transaction=True)
        pipe.xadd(settings.input_stream, {names.DATA_FIELD: doc["payload"]})
        pipe.xdel(settings.dlq_stream, entry_id)
        pipe.execute()
        replayed += 1
    console.print(f"replayed {replayed} dead letters onto {settings.input_stream}")


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


def main() -> None:
    try:
        app()
    except redis.ConnectionError as exc:
        console.print(f"[red]cannot reach Redis[/red]: {redact(str(exc))}")
        sys.exit(2)


if __name__ == "__main__":
    main()
