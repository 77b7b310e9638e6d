"""`bri demo`: the whole pipeline on the sample feeds, ending with a search."""

from __future__ import annotations

import os
import time

import typer

from services.common.settings import Settings, get_settings


def run_demo(query: str, port: int) -> int:
    from services.cli.output import print_hits
    from services.cli.pipeline_status import wait_until_idle
    from services.cli.workers import WorkerGroup, worker_specs
    from services.common.celery_app import redis_client
    from services.common.es_client import elasticsearch_client
    from services.devservices import elasticsearch_node, redis_server
    from services.index.schema import ensure_index
    from services.ingest.feed_registry import FeedRegistry
    from services.ingest.poller import poll_feed
    from services.ingest.worker import send_links
    from services.samplefeeds.server import start_sample_server
    from services.search.query import SearchRequest, build_query

    settings = get_settings()
    typer.secho("1/5 starting Redis and Elasticsearch", bold=True)
    redis_server.start(settings)
    elasticsearch_node.start(settings)
    es = elasticsearch_client(settings)
    ensure_index(es, settings)

    log_dir = settings.state_dir / "demo-logs"
    with start_sample_server(port) as feeds_server:
        typer.secho(f"2/5 sample feeds served at {feeds_server.base_url}", bold=True)
        settings = allow_fetching_from(f"127.0.0.1:{feeds_server.port}")
        registry = FeedRegistry(redis_client())
        for url in feeds_server.feed_urls:
            registry.add(url)
            typer.echo(f"    watching {url}")

        typer.secho(f"3/5 starting workers (logs in {log_dir})", bold=True)
        group = WorkerGroup(worker_specs(settings, with_scheduler=False), log_dir=str(log_dir))
        group.start()
        try:
            typer.secho("4/5 polling feeds", bold=True)
            for url in feeds_server.feed_urls:
                outcome = poll_feed(
                    url, registry, settings,
                    send_entries=send_links,
                )
                detail = outcome.error or f"{outcome.new_entries} new article(s)"
                typer.echo(f"    {outcome.status:>12}  {url}  {detail}")
            started = time.monotonic()
            if not wait_until_idle(redis_client(), timeout=300):
                typer.secho("    the pipeline did not drain within 300s; see the logs",
                            fg=typer.colors.RED)
                return 1
            es.indices.refresh(index=settings.index_alias)
            count = es.count(index=settings.index_alias)["count"]
            typer.echo(f"    pipeline idle after {time.monotonic() - started:.1f}s; "
                       f"{count} article(s) indexed")
        finally:
            group.stop()

    typer.secho(f'5/5 search: "{query}" (relevant articles)', bold=True)
    body = build_query(SearchRequest(text=query, relevant_only=True, size=5))
    print_hits(es.search(index=settings.index_alias, **body).body)
    typer.echo("Redis and Elasticsearch keep running; stop them with `bri services down`.")
    return 0


def allow_fetching_from(entry: str) -> Settings:
    """Add ``entry`` to BRI_FETCH_ALLOWED_HOSTS, here and in workers started from now on.

    The sample feeds are served on loopback, which fetching refuses unless allowed; only
    the demo's own server is added, to whatever the operator allowed already.
    """
    current = os.environ.get("BRI_FETCH_ALLOWED_HOSTS", "")
    os.environ["BRI_FETCH_ALLOWED_HOSTS"] = ",".join(filter(None, [current, entry]))
    get_settings.cache_clear()  # settings are read once per process
    return get_settings()
