"""The ``bri`` command line: local services, workers, feeds, polling, search and checks."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from services.cli.subscriptions_cli import apikey_app, subscriptions_app
from services.common.settings import get_settings

app = typer.Typer(help="BRI Monitor: Belt and Road capacity-cooperation news monitoring.",
                  no_args_is_help=True)
services_app = typer.Typer(help="Local Redis and Elasticsearch.", no_args_is_help=True)
feeds_app = typer.Typer(help="The feeds being watched.", no_args_is_help=True)
deadletter_app = typer.Typer(help="Messages that kept failing.", no_args_is_help=True)
index_app = typer.Typer(help="The articles index behind its alias.", no_args_is_help=True)
app.add_typer(services_app, name="services")
app.add_typer(index_app, name="index")
app.add_typer(feeds_app, name="feeds")
app.add_typer(deadletter_app, name="deadletter")

app.add_typer(subscriptions_app, name="subscriptions")
app.add_typer(apikey_app, name="apikey")


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@services_app.command("up")
def services_up() -> None:
    """Install if missing, start and wait for Redis and Elasticsearch on 127.0.0.1."""
    from services.devservices import elasticsearch_node, redis_server
    from services.devservices.errors import ServiceError

    settings = get_settings()
    try:
        started = time.monotonic()
        redis_status = redis_server.start(settings)
        typer.echo(f"redis {redis_status.version} up on 127.0.0.1:{settings.redis_port} "
                   f"({time.monotonic() - started:.1f}s)")
        started = time.monotonic()
        es_status = elasticsearch_node.start(settings)
        typer.echo(f"elasticsearch {es_status.version} up on 127.0.0.1:"
                   f"{settings.elasticsearch_port}, health {es_status.health} "
                   f"({time.monotonic() - started:.1f}s)")
    except ServiceError as exc:
        _fail(str(exc))


@services_app.command("down")
def services_down() -> None:
    """Stop the local Redis and Elasticsearch started by `bri services up`."""
    from services.devservices import elasticsearch_node, redis_server

    settings = get_settings()
    typer.echo("elasticsearch stopped" if elasticsearch_node.stop(settings)
               else "elasticsearch was not running")
    typer.echo("redis stopped" if redis_server.stop(settings) else "redis was not running")


@services_app.command("status")
def services_status() -> None:
    """Whether Redis and Elasticsearch answer, with versions and queue lengths."""
    import redis as redis_lib

    from services.cli.pipeline_status import queue_lengths
    from services.devservices import elasticsearch_node, redis_server

    settings = get_settings()
    r = redis_server.status(settings)
    e = elasticsearch_node.status(settings)
    typer.echo(f"redis:         {'up ' + str(r.version) if r.running else 'down'}")
    typer.echo(f"elasticsearch: {'up ' + str(e.version) + ', ' + str(e.health) if e.running else 'down'}")
    if r.running:
        client = redis_lib.Redis.from_url(settings.redis_url)
        lengths = ", ".join(f"{k} {v}" for k, v in queue_lengths(client).items())
        typer.echo(f"queues:        {lengths}")
    if not (r.running and e.running):
        raise typer.Exit(1)


@app.command("status")
def status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Queue depths and lag, workers alive, and tasks finished over the last minute."""
    import redis as redis_lib

    from services.cli.status_report import gather, render
    from services.common.celery_app import redis_client

    settings = get_settings()
    try:
        report = gather(redis_client())
    except redis_lib.RedisError as exc:
        _fail(f"Redis at {settings.redis_url} is unreachable ({exc}); start it with `bri services up`")
    if as_json:
        typer.echo(json.dumps(report.as_dict(), indent=2))
        return
    for line in render(report):
        typer.echo(line)


@app.command("workers")
def workers(
    scheduler: Annotated[bool, typer.Option(help="also run the periodic feed poll")] = True,
) -> None:
    """Run every stage's Celery worker, plus the periodic poll, until Ctrl-C."""
    from services.cli.workers import WorkerGroup, worker_specs

    group = WorkerGroup(worker_specs(get_settings(), with_scheduler=scheduler))
    group.start()
    raise typer.Exit(group.wait())


@app.command("worker")
def worker(
    stage: Annotated[str, typer.Argument(help="ingest, extract, classify, index or alerts")],
    node: Annotated[str | None, typer.Option(help="node name, if one host runs two of a stage")] = None,
) -> None:
    """Run one stage's Celery worker, sized by its BRI_*_CONCURRENCY setting (one per container)."""
    import os

    from services.cli.workers import STAGES, stage_spec

    if stage not in STAGES:
        _fail(f"{stage}: not a stage; choose one of {', '.join(STAGES)}")
    args = stage_spec(get_settings(), stage, node).args
    os.execv(args[0], args)  # the worker itself is the process: signals reach Celery directly


@feeds_app.command("add")
def feeds_add(urls: Annotated[list[str], typer.Argument(help="feed URL(s)")]) -> None:
    """Watch one or more feeds (RSS, Atom or JSON Feed)."""
    from services.common.celery_app import redis_client
    from services.ingest.feed_registry import FeedRegistry

    registry = FeedRegistry(redis_client())
    for url in urls:
        if not url.startswith(("http://", "https://")):
            _fail(f"{url}: a feed URL must start with http:// or https://")
        state, result = registry.add_or_revive(url)
        said = {"added": "added", "revived": "revived (was gone)", "watched": "already watched"}
        typer.echo(f"{said[result]}: {state.url} (id {state.id})")


@feeds_app.command("import")
def feeds_import(source: Annotated[str, typer.Argument(help="OPML file path or URL")]) -> None:
    """Watch every feed listed in an OPML file (as exported by feed readers)."""
    from services.common.celery_app import redis_client
    from services.common.settings import get_settings as settings_now
    from services.ingest.feed_registry import FeedRegistry
    from services.ingest.http_fetch import FetchError, fetch
    from services.ingest.opml import MalformedOpmlError, feed_urls_from_opml
    from services.ingest.poller import feed_limits

    base_url = None
    if source.startswith(("http://", "https://")):
        try:
            content = fetch(source, feed_limits(settings_now())).content
        except FetchError as exc:
            _fail(str(exc))
        base_url = source
    else:
        content = _read_file(source)
    try:
        urls = feed_urls_from_opml(content, base_url)
    except MalformedOpmlError as exc:
        _fail(f"{source}: {exc}")
    registry = FeedRegistry(redis_client())
    added = sum(1 for url in urls if registry.add(url)[1])
    typer.echo(f"{len(urls)} feed(s) in {source}: {added} added, {len(urls) - added} already watched")


@feeds_app.command("remove")
def feeds_remove(url: str) -> None:
    """Stop watching a feed."""
    from services.common.celery_app import redis_client
    from services.ingest.feed_registry import FeedRegistry

    if not FeedRegistry(redis_client()).remove(url):
        _fail(f"{url} is not watched")
    typer.echo(f"removed: {url}")


@feeds_app.command("list")
def feeds_list(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every watched feed's health: state, last success, last error, 304s, entries a day, next poll."""
    from services.cli.feeds_table import print_feed_table
    from services.common.celery_app import redis_client
    from services.ingest.feed_health import feed_health
    from services.ingest.feed_registry import FeedRegistry

    now = time.time()
    feeds = [feed_health(f, now) for f in FeedRegistry(redis_client()).all()]
    if as_json:
        typer.echo(json.dumps([asdict(f) for f in feeds], indent=2))
        return
    if not feeds:
        typer.echo("no feeds; add one with `bri feeds add URL`")
        return
    print_feed_table(feeds, now)


@feeds_app.command("export")
def feeds_export(
    file: Annotated[Path | None, typer.Argument(help="OPML file to write (default: stdout)")] = None,
    include_gone: Annotated[bool, typer.Option(help="also list feeds marked gone")] = False,
) -> None:
    """Write the watched feeds as OPML 2.0, for a feed reader or `bri feeds import`."""
    from services.common.celery_app import redis_client
    from services.ingest.feed_registry import FeedRegistry
    from services.ingest.opml import opml_document

    feeds = [f for f in FeedRegistry(redis_client()).all() if include_gone or f.state != "gone"]
    document = opml_document((f.url, f.title) for f in feeds)
    if file is None:
        sys.stdout.buffer.write(document)
        return
    file.write_bytes(document)
    typer.echo(f"{len(feeds)} feed(s) written to {file}", err=True)


@app.command("poll")
def poll() -> None:
    """Poll every feed once now; new articles go to the workers' queues."""
    from services.common.celery_app import redis_client
    from services.ingest.feed_registry import FeedRegistry
    from services.ingest.poller import poll_feed
    from services.ingest.worker import send_links

    settings = get_settings()
    registry = FeedRegistry(redis_client())
    feeds = registry.all()
    if not feeds:
        _fail("no feeds to poll; add one with `bri feeds add URL`")
    for feed in feeds:
        outcome = poll_feed(
            feed.url, registry, settings,
            send_entries=send_links,
        )
        detail = outcome.error or f"{outcome.new_entries} new article(s)"
        typer.echo(f"{outcome.status:>12}  {feed.url}  {detail}")


@app.command("search")
def search(
    text: Annotated[str, typer.Argument(help="simple query syntax: \"phrase\", +must, -not, a | b")] = "",
    province: Annotated[list[str] | None, typer.Option("--province", "-p")] = None,
    country: Annotated[list[str] | None, typer.Option("--country", "-c", help="ISO alpha-2")] = None,
    sector: Annotated[list[str] | None, typer.Option("--sector", "-s")] = None,
    relevant: Annotated[bool, typer.Option("--relevant", help="only capacity-cooperation news")] = False,
    since: Annotated[str | None, typer.Option(help="published on or after YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="published on or before YYYY-MM-DD")] = None,
    sort: Annotated[str, typer.Option(help="relevance or date")] = "relevance",
    size: Annotated[int, typer.Option(help="hits to show")] = 10,
    after: Annotated[str | None, typer.Option(help="the next-page cursor a previous search printed")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Full-text search over indexed articles, with label filters."""
    from dataclasses import replace

    from elasticsearch import ApiError, TransportError

    from services.cli.output import print_hits
    from services.common.es_client import elasticsearch_client
    from services.search.cursor import decode_cursor, encode_cursor
    from services.search.query import InvalidSearch, SearchRequest, build_query, normalised

    settings = get_settings()
    if sort not in ("relevance", "date"):
        _fail(f"--sort must be relevance or date, not {sort!r}")
    try:
        request = normalised(SearchRequest(
            text=text, provinces=province or [], countries=country or [], sectors=sector or [],
            relevant_only=relevant, published_from=_date("since", since),
            published_to=_date("until", until), sort=sort, size=size,  # type: ignore[arg-type]
        ))
        if after:
            request = replace(request, search_after=decode_cursor(after, request))
        body = build_query(request)
    except InvalidSearch as exc:
        _fail(f"{exc} (parameter: {exc.field})")
    try:
        response = elasticsearch_client(settings).search(index=settings.index_alias, **body)
    except TransportError as exc:
        _fail(f"Elasticsearch at {settings.elasticsearch_url} is unreachable ({exc}); "
              "start it with `bri services up`")
    except ApiError as exc:
        if exc.status_code == 404:
            _fail("nothing indexed yet: the articles index does not exist")
        _fail(f"Elasticsearch rejected the search: {exc}")
    if as_json:
        typer.echo(json.dumps(response.body, indent=2))
        return
    print_hits(response.body)
    hits = response.body["hits"]["hits"]
    if len(hits) == request.size:
        typer.echo(f"next page: add --after {encode_cursor(request, hits[-1]['sort'])}")


def _date(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"--{name} must be a date as YYYY-MM-DD, not {value!r}")
    return None


@app.command("api")
def api(
    host: Annotated[str | None, typer.Option(
        help="address to listen on (default: BRI_API_HOST, else 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(
        help="port to listen on (default: BRI_API_PORT, else 8000)")] = None,
    workers: Annotated[int, typer.Option(help="server processes")] = 1,
) -> None:
    """Serve the search API, its OpenAPI docs (/docs) and the web page (/) until Ctrl-C."""
    import uvicorn

    # Before the server processes start, so that they share one metrics directory.
    import services.common.metrics  # noqa: F401

    settings = get_settings()
    host, port = host or settings.api_host, port or settings.api_port
    typer.echo(f"web page http://{host}:{port}/  API docs http://{host}:{port}/docs  "
               f"(index alias {settings.index_alias})")
    uvicorn.run("services.api.app:create_app", factory=True, host=host, port=port,
                workers=workers, log_level=settings.log_level.lower())


@app.command("extract")
def extract(
    path: Annotated[str, typer.Argument(help="HTML file, or - for standard input")] = "-",
    url: Annotated[str | None, typer.Option(help="the page's URL, to resolve relative links")] = None,
) -> None:
    """Extract main text and metadata from one HTML page and print it as JSON."""
    from services.ingest.extract import ExtractionError, extract_article

    raw = sys.stdin.buffer.read() if path == "-" else _read_file(path)
    try:
        extraction = extract_article(raw, url)
    except ExtractionError as exc:
        _fail(str(exc))
    typer.echo(json.dumps(asdict(extraction), default=str, ensure_ascii=False, indent=2))


@app.command("classify")
def classify_command(
    path: Annotated[str, typer.Argument(help="text file, JSON lines with a `text` field, or -")] = "-",
) -> None:
    """Classify plain text or JSON lines; prints one JSON object of labels per input."""
    from services.classify.classifier import classify

    raw = sys.stdin.buffer.read() if path == "-" else _read_file(path)
    content = raw.decode("utf-8", errors="replace")
    records = _json_lines(content)
    inputs = records if records is not None else [{"text": content}]
    for record in inputs:
        labels = classify(str(record.get("text", "")), title=str(record.get("title", "")))
        typer.echo(json.dumps(labels.model_dump(mode="json"), ensure_ascii=False))


def _json_lines(content: str) -> list[dict[str, object]] | None:
    lines = [line for line in content.splitlines() if line.strip()]
    if not lines or not lines[0].lstrip().startswith("{"):
        return None
    records = []
    for number, line in enumerate(lines, start=1):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            _fail(f"line {number} is not valid JSON: {exc}")
        if not isinstance(record, dict) or "text" not in record:
            _fail(f"line {number} has no `text` field")
        records.append(record)
    return records


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror}")
    return b""


@deadletter_app.command("list")
def deadletter_list(limit: int = 50) -> None:
    """Messages that failed for good, newest first, with their error."""
    from services.common import dead_letter
    from services.common.celery_app import redis_client

    letters = dead_letter.list_letters(redis_client(), limit)
    if not letters:
        typer.echo("the dead-letter queue is empty")
    for letter in letters:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(letter.failed_at))
        typer.echo(f"{letter.id}  {when}  {letter.task}  {letter.error_type}: {letter.error}")


@deadletter_app.command("replay")
def deadletter_replay(
    ids: Annotated[list[str] | None, typer.Argument(help="ids to replay (default: all)")] = None,
) -> None:
    """Send dead-lettered messages back to their queue."""
    from celery import Celery

    from services.common import dead_letter
    from services.common.celery_app import create_app, redis_client

    client = redis_client()
    chosen = ids or [letter.id for letter in dead_letter.list_letters(client, limit=100000)]
    sender: Celery = create_app("cli")
    for letter_id in chosen:
        letter = dead_letter.take(client, letter_id)
        if letter is None:
            typer.echo(f"{letter_id}: not in the dead-letter queue")
            continue
        sender.send_task(letter.task, args=letter.args, kwargs=letter.kwargs, queue=letter.queue)
        typer.echo(f"{letter_id}: replayed to {letter.queue}")


@index_app.command("migrate")
def index_migrate() -> None:
    """Move the alias onto a new index built from the current template, copying every
    article; safe while the workers run (see services/index/migration.py)."""
    from elasticsearch import TransportError

    from services.common.es_client import elasticsearch_client
    from services.index.migration import migrate

    settings = get_settings()
    try:
        result = migrate(elasticsearch_client(settings), settings)
    except TransportError as exc:
        _fail(f"Elasticsearch unreachable: {exc}")
        return
    if result is None:
        typer.echo(f"{settings.index_alias} already uses the current template")
        return
    typer.echo(f"{settings.index_alias}: {result.old_index} -> {result.new_index}, "
               f"{result.copied} articles copied, {result.caught_up} caught up")


@app.command("demo")
def demo(
    query: Annotated[str, typer.Argument(help="the search to run at the end")] = "cooperation",
    port: Annotated[int, typer.Option(help="port of the local sample-feed server")] = 8765,
) -> None:
    """The whole pipeline on the sample feeds: services, workers, poll, then a search."""
    from services.cli.demo import run_demo

    raise typer.Exit(run_demo(query, port))


@app.command("eval")
def eval_command(
    paths: Annotated[list[str], typer.Argument(
        help="labelled passages: JSON-lines files or folders of them, one set each")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    mistakes: Annotated[bool, typer.Option("--mistakes", help="list every passage's misses")] = False,
    kinds: Annotated[bool, typer.Option("--kinds", help="also score each `kinds` tag")] = False,
) -> None:
    """Precision, recall and F1 of the classifier on labelled passages.

    One set prints its full report; several (``bri eval DEV HELDOUT_DIR``) print their
    scores side by side, with a column per language where passages name one.
    """
    from services.classify.classifier import classify
    from services.classify.evaluation import DatasetError, format_report
    from services.classify.evaluation_sets import (
        LabelledSet,
        columns,
        format_kinds,
        format_side_by_side,
        load_set,
    )

    sets: list[LabelledSet] = []
    for path in paths:
        try:
            sets.append(load_set(Path(path)))
        except OSError as exc:
            _fail(f"cannot read {path}: {exc.strerror}")
        except DatasetError as exc:
            _fail(f"{path}: {exc}")
    found = columns(sets, classify)
    if as_json:
        # One set keeps the single report's shape; several are keyed by column name.
        body = found[0].report.as_dict() if len(found) == 1 else {
            c.name: c.report.as_dict() for c in found}
        typer.echo(json.dumps(body, indent=2))
        return
    if len(found) == 1:
        typer.echo(format_report(found[0].report, show_mistakes=mistakes))
    else:
        typer.echo(format_side_by_side(found))
        if mistakes:
            for column in found:
                if ":" not in column.name:
                    typer.echo(f"\n{column.name}\n" + format_report(column.report, True))
    if kinds:
        typer.echo("\n" + format_kinds(sets, classify))


@app.command("reclassify")
def reclassify_command(
    everything: Annotated[bool, typer.Option("--all", help="also documents of the current version")] = False,
) -> None:
    """Re-run the current classifier over indexed documents labelled by another version."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from services.classify.reclassify import reclassify
    from services.common.es_client import elasticsearch_client

    settings = get_settings()
    client = elasticsearch_client(settings)
    # rich draws the bar on stderr, so the summary line on stdout stays easy to parse;
    # it draws nothing when stderr is not a terminal.
    bar = Progress("reclassifying", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   console=Console(stderr=True), transient=True)
    task = bar.add_task("reclassify", total=None)
    try:
        with bar:
            counts = reclassify(
                client, settings.index_alias, everything=everything,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
    finally:
        client.close()
    typer.echo(f"{counts.seen} document(s) read, {counts.updated} updated, {counts.failed} failed "
               f"(classifier {counts.version})")
    if counts.failed:
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
