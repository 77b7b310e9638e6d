"""Group commit: index tasks running side by side share one bulk request.

Each index task submits its document and waits for the outcome of the bulk request that
carried it; only then is its message acknowledged. A burst of articles becomes a few
bulk requests instead of one request per article, with no message acknowledged before
its document is written.

What has to follow a stored document before its message may be acknowledged (recording
pairings, telling the alerts stage) runs once per bulk request in ``on_stored``, over
every document of the request, so that follow-up costs one round of messages per flush
rather than one per article.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import ApiError, Elasticsearch, TransportError, helpers

from services.common.errors import DependencyDownError, PermanentError, TransientError

log = logging.getLogger(__name__)


@dataclass
class _Pending:
    doc_id: str
    document: dict[str, Any]
    version: int
    context: Any = None
    future: Future[str] = field(default_factory=Future)


OnStored = Callable[[list[Any]], None]


class BulkWriter:
    def __init__(
        self, es: Elasticsearch, index: str, max_docs: int = 200, max_wait_ms: int = 50,
        on_stored: OnStored | None = None,
    ) -> None:
        """``on_stored`` gets the contexts of a request's stored documents before any waiter
        is told; if it raises, every one of them gets that error instead of its result."""
        self.es = es
        self.on_stored = on_stored
        self.index = index
        self.max_docs = max_docs
        self.max_wait = max_wait_ms / 1000
        self._pending: list[_Pending] = []
        self._lock = threading.Condition()
        self._flusher = threading.Thread(target=self._run, name="bulk-writer", daemon=True)
        self._flusher.start()
        self.bulk_requests = 0

    def submit(
        self, doc_id: str, document: dict[str, Any], version: int, context: Any = None
    ) -> Future[str]:
        item = _Pending(doc_id, document, version, context)
        with self._lock:
            self._pending.append(item)
            self._lock.notify()
        return item.future

    def write(
        self, doc_id: str, document: dict[str, Any], version: int, timeout: float,
        context: Any = None,
    ) -> str:
        """Submit and wait; returns "created", "updated" or "stale" (a newer one is stored)."""
        try:
            return self.submit(doc_id, document, version, context).result(timeout=timeout)
        except FutureTimeout as exc:
            raise DependencyDownError(
                f"Elasticsearch did not answer a bulk request within {timeout:.0f}s"
            ) from exc

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            try:
                self._flush(batch)
            except Exception as exc:  # never let the flusher thread die
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(exc)

    def _next_batch(self) -> list[_Pending]:
        with self._lock:
            while not self._pending:
                self._lock.wait()
            first_seen = time.monotonic()
            while len(self._pending) < self.max_docs:
                remaining = self.max_wait - (time.monotonic() - first_seen)
                if remaining <= 0:
                    break
                self._lock.wait(timeout=remaining)
            batch, self._pending = self._pending[: self.max_docs], self._pending[self.max_docs :]
            return batch

    def _flush(self, batch: list[_Pending]) -> None:
        by_id = {item.doc_id: item for item in batch}
        # Two messages for one article in the same batch: the newest version wins.
        for item in batch:
            if by_id[item.doc_id].version < item.version:
                by_id[item.doc_id] = item
        actions = [
            {
                "_op_type": "index",
                "_index": self.index,
                "_id": item.doc_id,
                "version": item.version,
                "version_type": "external_gte",
                "_source": item.document,
            }
            for item in by_id.values()
        ]
        self.bulk_requests += 1
        try:
            results = helpers.streaming_bulk(
                self.es, actions, raise_on_error=False, raise_on_exception=True,
                max_retries=0, chunk_size=self.max_docs,
            )
            outcome = {item["index"]["_id"]: item["index"] for _, item in results}
        except TransportError as exc:
            error = DependencyDownError(f"Elasticsearch unreachable while indexing: {exc}")
            for item in batch:
                item.future.set_exception(error)
            return
        except ApiError as exc:
            error = _api_error(exc)
            for item in batch:
                item.future.set_exception(error)
            return
        stored: list[tuple[_Pending, str]] = []
        for item in batch:
            try:
                stored.append((item, _result_of(outcome.get(item.doc_id), item.doc_id)))
            except (PermanentError, TransientError) as exc:
                item.future.set_exception(exc)
        if self.on_stored is not None and stored:
            try:
                self.on_stored([item.context for item, _ in stored])
            except Exception as exc:
                for item, _ in stored:
                    item.future.set_exception(exc)
                return
        for item, result in stored:
            item.future.set_result(result)


def _result_of(result: dict[str, Any] | None, doc_id: str) -> str:
    if result is None:
        return "stale"  # superseded by a newer message for the same article in this batch
    status = int(result.get("status", 500))
    if status in (200, 201):
        return str(result.get("result", "updated"))
    if status == 409:
        return "stale"
    reason = result.get("error", {})
    message = f"document {doc_id} rejected by Elasticsearch (HTTP {status}): {reason}"
    if status == 429 or status >= 500:
        raise TransientError(message)
    raise PermanentError(message)


def _api_error(exc: ApiError) -> Exception:
    message = f"Elasticsearch refused the bulk request: {exc}"
    status = getattr(exc, "status_code", None) or getattr(exc.meta, "status", 500)
    if status == 429 or status >= 500:
        return DependencyDownError(message)
    return PermanentError(message)
