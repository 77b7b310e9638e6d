"""JSON log lines: one parseable object per record, with the task's bound fields."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from services.common import log_context
from services.common.log_format import JsonFormatter
from services.common.task_hooks import articles_in, payload_context
from tests.builders import classified


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(log_context.ContextFilter())
    logger = logging.getLogger("bri.test.json")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)
    log_context.clear()


def test_a_line_carries_the_bound_fields_and_an_error_trace(captured) -> None:  # type: ignore[no-untyped-def]
    logger, stream = captured
    log_context.start(stage="classify", task_id="t-1", feed_url=None)
    log_context.bind(article_id="abc")
    try:
        raise ValueError("broken page")
    except ValueError:
        logger.exception("could not classify %s", "abc")
    line = json.loads(stream.getvalue())
    assert line["message"] == "could not classify abc"
    assert line["level"] == "error"
    assert (line["stage"], line["task_id"], line["article_id"]) == ("classify", "t-1", "abc")
    assert "feed_url" not in line
    assert "ValueError: broken page" in line["error"]


def test_fields_bound_outside_a_task_are_not_carried(captured) -> None:  # type: ignore[no-untyped-def]
    logger, stream = captured
    log_context.clear()
    log_context.bind(feed_url="https://news.example/feed.xml")
    logger.info("polled")
    assert "feed_url" not in json.loads(stream.getvalue())


def test_celery_payload_arguments_stay_out_of_the_line(captured) -> None:  # type: ignore[no-untyped-def]
    logger, stream = captured
    logger.info("Task received", extra={"data": {"id": "t-2", "args": "[{'text': 'whole article'}]"}})
    line = json.loads(stream.getvalue())
    assert line["data"] == {"id": "t-2"}


def test_context_is_read_from_every_article_payload_shape() -> None:
    message = classified(url="https://news.example/a.html")
    fetched = message.article.model_dump(mode="json", by_alias=True)
    as_classified = message.model_dump(mode="json", by_alias=True)
    link = {"url": "https://news.example/a.html", "feed_url": "https://news.example/feed.xml"}
    assert payload_context([fetched])["article_id"] == message.article.article_id
    assert payload_context([as_classified])["article_id"] == message.article.article_id
    assert payload_context([link])["feed_url"] == "https://news.example/feed.xml"
    assert [articles_in([p]) for p in (fetched, as_classified, link)] == [1, 1, 1]
    assert articles_in([{"schema": "pairing.new", "article": {"article_id": "x"}}]) == 0
    assert articles_in(["https://news.example/feed.xml"]) == 0


def test_a_batch_of_alert_events_counts_each_article_it_announces() -> None:
    article = {"article_id": "x", "title": "t", "url": "https://news.example/x"}
    batch = {
        "schema": "alert.events",
        "version": 1,
        "events": [
            {"schema": "pairing.new", "event_id": "pairing.new:Gansu|KZ", "article": article},
            {"schema": "article.indexed", "event_id": "article.indexed:x", "article": article},
            {"schema": "article.indexed", "event_id": "article.indexed:y", "article": article},
        ],
    }
    assert articles_in([batch]) == 2
