"""The index stage's Celery task (queue ``index``).

Run with ``celery -A services.index.worker worker -Q index -P threads -c 8``: the thread
pool lets several messages wait on one shared bulk request (see bulk_writer).
"""

from __future__ import annotations

import threading
from typing import Any

import redis
from elasticsearch import TransportError

from services.common import contracts, inflight
from services.common.celery_app import ReliableTask, create_app, redis_client, send_to_stage
from services.common.errors import DependencyDownError, TransientError
from services.common.es_client import elasticsearch_client
from services.common.routing import TASK_INDEX_ARTICLE
from services.common.settings import get_settings
from services.index.announce import announce
from services.index.bulk_writer import BulkWriter
from services.index.documents import document_version, to_document
from services.index.schema import ensure_index

app = create_app("index")
# Several messages in hand at once, so that their documents can share a bulk request.
app.conf.worker_prefetch_multiplier = 4

_writer: BulkWriter | None = None
_writer_lock = threading.Lock()


def writer() -> BulkWriter:
    global _writer
    with _writer_lock:
        if _writer is None:
            settings = get_settings()
            es = elasticsearch_client(settings)
            try:
                alias = ensure_index(es, settings)
            except TransportError as exc:
                raise DependencyDownError(f"Elasticsearch unreachable: {exc}") from exc
            _writer = BulkWriter(
                es, alias, settings.bulk_max_docs, settings.bulk_max_wait_ms, on_stored=_after_stored
            )
        return _writer


def _after_stored(messages: list[contracts.ArticleClassified]) -> None:
    """Once a bulk request has stored these articles, before any of their messages is acked.

    Only then, so an alert never points at a missing article; all of them at once, so the
    alerts stage gets one message per flush and the ledger one transaction.
    """
    client = redis_client()
    try:
        announce(client, messages, lambda task, body: send_to_stage(app, task, body))
        inflight.settle_many(client, [message.article.url for message in messages])
    except redis.RedisError as exc:
        raise TransientError(f"Redis unreachable while recording pairings: {exc}") from exc


@app.task(name=TASK_INDEX_ARTICLE, base=ReliableTask)
def index_article(payload: dict[str, Any]) -> str:
    message = contracts.load(contracts.ArticleClassified, payload)
    # Returns once the document is stored and its bulk request's follow-up (_after_stored) done.
    return writer().write(
        message.article.article_id,
        to_document(message),
        document_version(message),
        timeout=get_settings().elasticsearch_timeout_seconds * 2,
        context=message,
    )
