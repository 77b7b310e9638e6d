"""Alert pieces without services: address guard, matcher, signature, Atom and e-mail text."""

from __future__ import annotations

import hashlib
import hmac
import socket
import ssl
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trustme

from services.alerts.alert_body import alert_for
from services.alerts.atom import ATOM_NS, render_feed
from services.alerts.email_sender import build_message
from services.alerts.matcher import keyword_terms, matches
from services.alerts.subscriptions import Subscription
from services.alerts.webhook import check_webhook_url, encode, post_alert, sign
from services.common.address_guard import AddressRefused
from services.common.contracts import ArticleEvent, ArticleRef, Pairing, PairingEvent
from services.common.errors import TransientError
from tests.alert_receivers import WebhookReceiver


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://172.16.5.5/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[fe80::1]/hook",
    "http://0.0.0.0/hook",
    "ftp://example.org/hook",
    "http://user:pw@example.org/hook",
])
def test_webhooks_into_the_local_network_are_refused(url: str) -> None:
    with pytest.raises(AddressRefused):
        check_webhook_url(url, allowed_hosts="")


def test_the_allow_list_lets_chosen_hosts_and_networks_through() -> None:
    check_webhook_url("http://127.0.0.1:9999/hook", allowed_hosts="127.0.0.1")
    check_webhook_url("http://10.1.2.3/hook", allowed_hosts="example.org, 10.0.0.0/8")
    check_webhook_url("http://localhost/hook", allowed_hosts="localhost")
    with pytest.raises(AddressRefused):
        check_webhook_url("http://10.1.2.3/hook", allowed_hosts="127.0.0.1")


def test_a_public_address_is_accepted() -> None:
    check_webhook_url("https://93.184.215.14/hook", allowed_hosts="")


class _Resolver:
    """A name server for one name: each lookup gets the next of ``answers`` (the last one
    repeats), so the name can be re-pointed after the first lookup, as in DNS rebinding,
    which a local test cannot get from a real resolver."""

    def __init__(self, name: str, *answers: list[str]) -> None:
        self.name, self.answers = name, answers
        self.lookups = 0
        self._real = socket.getaddrinfo

    def __call__(self, host: object, port: object, *args: object, **kwargs: object) -> list:  # type: ignore[type-arg]
        if host != self.name:
            return self._real(host, port, *args, **kwargs)  # type: ignore[arg-type]
        addresses = self.answers[min(self.lookups, len(self.answers) - 1)]
        self.lookups += 1
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in addresses]


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    webhook = WebhookReceiver()
    yield webhook
    webhook.close()


def test_a_webhook_is_posted_to_the_address_checked_not_to_a_rebound_name(
    receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = receiver.server.server_address[1]
    resolver = _Resolver("hooks.example", ["127.0.0.1"], ["10.9.9.9"])
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    alert = {"alert_id": "a1", "event": "pairing.new"}

    post_alert(f"http://hooks.example:{port}/hook", "secret", alert,
               allowed_hosts="127.0.0.1/32", timeout=5, user_agent="test")

    assert resolver.lookups == 1  # checked once, never resolved again to connect
    assert len(receiver.posts) == 1
    assert receiver.posts[0].headers["host"] == f"hooks.example:{port}"
    assert receiver.posts[0].body == encode(alert)


def test_an_https_webhook_reached_by_address_still_checks_the_certificate_for_its_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    authority = trustme.CA()
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))  # httpx trusts the test CA
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("hooks.example").configure_cert(tls)
    receiver = WebhookReceiver(tls=tls)
    try:
        port = receiver.server.server_address[1]
        monkeypatch.setattr(socket, "getaddrinfo", _Resolver("hooks.example", ["127.0.0.1"]))

        post_alert(f"https://hooks.example:{port}/hook", "secret", {"alert_id": "a3"},
                   allowed_hosts="127.0.0.1/32", timeout=5, user_agent="test")
        assert len(receiver.posts) == 1
        monkeypatch.setattr(socket, "getaddrinfo", _Resolver("other.example", ["127.0.0.1"]))
        with pytest.raises(TransientError, match="certificate"):  # not the name it was issued for
            post_alert(f"https://other.example:{port}/hook", "secret", {"alert_id": "a4"},
                       allowed_hosts="127.0.0.1/32", timeout=5, user_agent="test")
    finally:
        receiver.close()


def test_a_webhook_tries_each_checked_address_until_one_answers(
    receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = receiver.server.server_address[1]
    monkeypatch.setattr(socket, "getaddrinfo", _Resolver("hooks.example", ["127.0.0.2", "127.0.0.1"]))
    with socket.socket() as refusing:
        refusing.bind(("127.0.0.2", port))  # the port is taken but nothing listens: refused

        post_alert(f"http://hooks.example:{port}/hook", "secret", {"alert_id": "a2"},
                   allowed_hosts="127.0.0.0/8", timeout=5, user_agent="test")

    assert len(receiver.posts) == 1


def _sub(**filter_: object) -> Subscription:
    events = filter_.pop("events", ["pairing.new", "article.matching"])
    return Subscription.model_validate({
        "id": "s1", "owner": "ana", "feed_token": "t", "created_at": "2026-11-01T00:00:00+00:00",
        "updated_at": "2026-11-01T00:00:00+00:00", "filter": filter_, "events": events,
        "channels": {"atom": True},
    })


ARTICLE = ArticleRef(article_id="a1", title="Gansu & Kazakhstan <copper> deal",
                     url="https://news.example/a1?x=1&y=2",
                     text="A copper smelter in Pavlodar will be built by Gansu firms.")
PAIRING_EVENT = PairingEvent(event_id="pairing.new:Gansu|KZ", province="Gansu", country="KZ",
                             sectors=["nonferrous-metals"], evidence="Gansu and Kazakhstan agreed.",
                             first_seen=datetime(2026, 11, 2, tzinfo=UTC), article=ARTICLE)
ARTICLE_EVENT = ArticleEvent(event_id="article.indexed:a1", article=ARTICLE, provinces=["Gansu"],
                             countries=["KZ", "TJ"], sectors=["nonferrous-metals"],
                             pairings=[Pairing(province="Gansu", country="KZ")], relevant=True)


def test_label_filters_and_keywords_decide_a_match() -> None:
    assert matches(_sub(countries=["kz"]), PAIRING_EVENT)
    assert not matches(_sub(countries=["TJ"]), PAIRING_EVENT)
    assert matches(_sub(countries=["TJ"]), ARTICLE_EVENT)
    assert matches(_sub(provinces=["Gansu"], sectors=["nonferrous-metals"]), PAIRING_EVENT)
    assert not matches(_sub(sectors=["railways"]), PAIRING_EVENT)
    assert matches(_sub(query='copper "copper smelter"'), PAIRING_EVENT)
    assert not matches(_sub(query="copper railway"), PAIRING_EVENT)
    assert not matches(_sub(query="smelt"), PAIRING_EVENT)  # whole words, not prefixes
    assert not matches(_sub(events=["article.matching"]), PAIRING_EVENT)
    assert not matches(_sub(events=["pairing.new"]), ARTICLE_EVENT)
    assert keyword_terms(' Copper  "Smelter   Project" ') == ["copper", "smelter project"]


def test_the_signature_is_hmac_sha256_of_the_exact_body() -> None:
    body = encode(alert_for("s1", PAIRING_EVENT))
    expected = hmac.new(b"k3y", body, hashlib.sha256).hexdigest()
    assert sign(body, "k3y") == f"sha256={expected}"


def test_the_atom_feed_escapes_titles_and_links() -> None:
    alert = alert_for("s1", PAIRING_EVENT)
    feed = render_feed(_sub(), [alert], "http://x/subscriptions/s1/alerts.atom?token=a&b=c")
    root = ET.fromstring(feed)
    entries = root.findall(f"{{{ATOM_NS}}}entry")
    assert len(entries) == 1
    assert entries[0].find(f"{{{ATOM_NS}}}link").get("href") == ARTICLE.url  # type: ignore[union-attr]
    assert "Gansu & Kazakhstan <copper> deal" in entries[0].find(f"{{{ATOM_NS}}}content").text  # type: ignore[union-attr, operator]


def test_an_article_title_cannot_inject_mail_headers() -> None:
    event = ArticleEvent(event_id="article.indexed:a2", article=ArticleRef(
        article_id="a2", title="Hi\r\nBcc: victim@example.org", url="https://n.example/a2"))
    message = build_message(alert_for("s1", event), "ana@example.org", "BRI <b@example.org>")
    assert message["Bcc"] is None
    assert "\n" not in message["Subject"]
