"""First-seen pairings in the real Redis: one "pairing.new" however many workers race,
announced with the other events of its bulk request in one message."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import redis

from services.common.routing import TASK_ALERT_EVENTS
from services.index.announce import announce
from services.index.pairings_registry import PairingRegistry
from tests.builders import classified

pytestmark = pytest.mark.integration

RACERS = 32


def events_of(sent: list[tuple[str, dict]], schema: str) -> list[dict]:  # type: ignore[type-arg]
    """The events of one kind in the batches sent, each batch checked to be one."""
    found = []
    for task, body in sent:
        assert task == TASK_ALERT_EVENTS
        assert body["schema"] == "alert.events" and body["version"] == 1
        found += [event for event in body["events"] if event["schema"] == schema]
    return found


def test_many_workers_indexing_the_same_new_pairing_emit_exactly_one_event(
    redis_db, settings  # type: ignore[no-untyped-def]
) -> None:
    sent: list[tuple[str, dict]] = []  # type: ignore[type-arg]
    lock = threading.Lock()
    barrier = threading.Barrier(RACERS)

    def send(task: str, body: dict) -> None:  # type: ignore[type-arg]
        with lock:
            sent.append((task, body))

    def racer(n: int) -> None:
        # Each racer has its own connection, as separate worker processes would.
        client = redis.Redis.from_url(settings.redis_url, decode_responses=True)
        message = classified(url=f"https://news.example/race-{n}.html")
        barrier.wait()
        announce(client, [message], send)
        client.close()

    threads = [threading.Thread(target=racer, args=(n,)) for n in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    pairing_events = events_of(sent, "pairing.new")
    assert len(pairing_events) == 1
    assert pairing_events[0]["event_id"] == "pairing.new:Gansu|KZ"
    assert pairing_events[0]["schema"] == "pairing.new" and pairing_events[0]["version"] == 1
    assert len(events_of(sent, "article.indexed")) == RACERS
    stats = PairingRegistry(redis_db).stats("Gansu", "KZ")
    assert stats is not None and stats.articles == RACERS
    assert pairing_events[0]["article"]["article_id"] == stats.first_article
    sector = PairingRegistry(redis_db).stats("Gansu", "KZ", "railways")
    assert sector is not None and sector.articles == RACERS


def test_a_redelivered_index_message_neither_announces_again_nor_counts_twice(
    redis_db  # type: ignore[no-untyped-def]
) -> None:
    sent: list[str] = []

    def send(task: str, body: dict) -> None:  # type: ignore[type-arg]
        sent.extend(event["event_id"] for event in body["events"])

    first_fetch = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    message = classified(fetched_at=first_fetch)
    for _ in range(3):
        announce(redis_db, [message], send)
    assert sent.count("pairing.new:Gansu|KZ") == 1
    assert len(sent) == 2  # one pairing.new, one article.indexed
    later = classified(url="https://news.example/later.html",
                       fetched_at=first_fetch + timedelta(days=3))
    announce(redis_db, [later], send)
    assert "pairing.new:Gansu|KZ" not in sent[2:]
    stats = PairingRegistry(redis_db).stats("Gansu", "KZ")
    assert stats is not None
    assert stats.articles == 2
    assert stats.first_seen == first_fetch
    assert stats.last_seen == first_fetch + timedelta(days=3)


def test_an_event_lost_before_it_was_marked_sent_is_sent_on_redelivery(redis_db) -> None:  # type: ignore[no-untyped-def]
    message = classified()

    def crash(task: str, body: dict) -> None:  # type: ignore[type-arg]
        raise ConnectionError("broker went away")

    with pytest.raises(ConnectionError):
        announce(redis_db, [message], crash)
    sent: list[str] = []
    announce(redis_db, [message],
             lambda task, body: sent.extend(event["event_id"] for event in body["events"]))
    assert "pairing.new:Gansu|KZ" in sent


def test_a_flush_of_many_articles_is_announced_in_one_message_with_one_event_per_new_pairing(
    redis_db  # type: ignore[no-untyped-def]
) -> None:
    sent: list[tuple[str, dict]] = []  # type: ignore[type-arg]
    first = classified(url="https://news.example/first.html")
    batch = [
        first,
        classified(url="https://news.example/second.html"),  # the same new pairing
        classified(url="https://news.example/qinghai.html", provinces=("Qinghai",),
                   countries=("TM",)),
        first,  # the same article twice in one flush
    ]
    announce(redis_db, batch, lambda task, body: sent.append((task, body)))

    assert len(sent) == 1
    pairings = events_of(sent, "pairing.new")
    assert sorted(e["event_id"] for e in pairings) == ["pairing.new:Gansu|KZ",
                                                       "pairing.new:Qinghai|TM"]
    # The earlier article of the flush is the pairing's first, in the event and the registry.
    gansu = next(e for e in pairings if e["province"] == "Gansu")
    assert gansu["article"]["article_id"] == first.article.article_id
    stats = PairingRegistry(redis_db).stats("Gansu", "KZ")
    assert stats is not None and stats.first_article == first.article.article_id
    assert stats.articles == 2
    articles = events_of(sent, "article.indexed")
    assert sorted(e["article"]["article_id"] for e in articles) == sorted(
        {m.article.article_id for m in batch})

    # The whole flush redelivered: nothing new to tell.
    announce(redis_db, batch, lambda task, body: sent.append((task, body)))
    assert len(sent) == 1
