"""Queue and task names: the only thing stages need to know to message each other."""

from __future__ import annotations

QUEUE_INGEST = "ingest"  # I/O: polling feeds and fetching pages
QUEUE_EXTRACT = "extract"  # CPU: main text and metadata out of fetched pages
QUEUE_CLASSIFY = "classify"
QUEUE_INDEX = "index"
QUEUE_ALERTS = "alerts"

TASK_POLL_DUE_FEEDS = "bri.ingest.poll_due_feeds"
TASK_POLL_FEED = "bri.ingest.poll_feed"
TASK_POLL_FEEDS = "bri.ingest.poll_feeds"
TASK_FETCH_ARTICLE = "bri.ingest.fetch_article"  # one link (and its retries)
TASK_FETCH_ARTICLES = "bri.ingest.fetch_articles"  # a batch of links, fetched concurrently
TASK_RESEND_STALLED = "bri.ingest.resend_stalled"
TASK_EXTRACT_PAGE = "bri.ingest.extract_page"
TASK_CLASSIFY_ARTICLE = "bri.classify.classify_article"
TASK_INDEX_ARTICLE = "bri.index.index_article"
TASK_PAIRING_NEW = "bri.alerts.pairing_new"
TASK_ARTICLE_INDEXED = "bri.alerts.article_indexed"
TASK_ALERT_EVENTS = "bri.alerts.alert_events"
TASK_DELIVER_ALERT = "bri.alerts.deliver_alert"

TASK_QUEUES: dict[str, str] = {
    TASK_POLL_DUE_FEEDS: QUEUE_INGEST,
    TASK_POLL_FEED: QUEUE_INGEST,
    TASK_POLL_FEEDS: QUEUE_INGEST,
    TASK_FETCH_ARTICLE: QUEUE_INGEST,
    TASK_FETCH_ARTICLES: QUEUE_INGEST,
    TASK_RESEND_STALLED: QUEUE_INGEST,
    TASK_EXTRACT_PAGE: QUEUE_EXTRACT,
    TASK_CLASSIFY_ARTICLE: QUEUE_CLASSIFY,
    TASK_INDEX_ARTICLE: QUEUE_INDEX,
    TASK_PAIRING_NEW: QUEUE_ALERTS,
    TASK_ARTICLE_INDEXED: QUEUE_ALERTS,
    TASK_ALERT_EVENTS: QUEUE_ALERTS,
    TASK_DELIVER_ALERT: QUEUE_ALERTS,
}

# Every queue a stage consumes, in pipeline order; a queue added to TASK_QUEUES joins it.
PIPELINE_QUEUES: tuple[str, ...] = tuple(dict.fromkeys(TASK_QUEUES.values()))
