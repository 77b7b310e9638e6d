"""E-mail alerts through a real local SMTP relay that wants TLS and a login."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from services.alerts.alert_body import alert_for
from services.alerts.email_sender import send_alert_email
from services.common.contracts import ArticleEvent, ArticleRef
from services.common.errors import PermanentError
from services.common.settings import Settings
from tests.alert_receivers import free_port

ALERT = alert_for("s1", ArticleEvent(
    event_id="article.indexed:a1",
    article=ArticleRef(article_id="a1", title="Gansu and Kazakhstan", url="https://n.example/a1"),
))
USER, PASSWORD = "alerts", "s3cret"

# The relay speaking TLS from the start does not count that as TLS for AUTH, so it is told
# not to require it, and warns.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class _Relay:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(), auth_data.password.decode()) == (USER, PASSWORD)
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # the relay answers 235 or 535 itself


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[trustme.CA, Path]]:
    authority = trustme.CA()
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    yield authority, bundle


def _server_context(authority: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture(params=["starttls", "tls"])
def relay(request: pytest.FixtureRequest, ca: tuple[trustme.CA, Path]) -> Iterator[tuple[_Relay, str, int]]:
    handler = _Relay()
    port = free_port()
    tls = _server_context(ca[0])
    options: dict[str, Any] = (
        {"tls_context": tls, "require_starttls": True} if request.param == "starttls"
        else {"ssl_context": tls, "auth_require_tls": False}  # TLS from the start: encrypted
    )
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate,
                            auth_required=True, **options)
    controller.start()
    yield handler, request.param, port
    controller.stop()


def _settings(security: str, port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": security,
                              "smtp_username": USER, "smtp_password": PASSWORD, "smtp_timeout_seconds": 5}
    return Settings(**{**values, **overrides})


def test_an_alert_is_sent_encrypted_and_logged_in(
    relay: tuple[_Relay, str, int], ca: tuple[trustme.CA, Path]
) -> None:
    handler, security, port = relay

    send_alert_email(ALERT, "ana@example.org", _settings(security, port, smtp_ca_file=str(ca[1])))

    assert handler.logins == [USER]
    assert [m["To"] for m in handler.messages] == ["ana@example.org"]


def test_a_wrong_password_is_a_permanent_error_naming_the_refusal(
    relay: tuple[_Relay, str, int], ca: tuple[trustme.CA, Path]
) -> None:
    handler, security, port = relay
    settings = _settings(security, port, smtp_ca_file=str(ca[1]), smtp_password="wrong")

    with pytest.raises(PermanentError, match="answered 535"):
        send_alert_email(ALERT, "ana@example.org", settings)
    assert handler.messages == []


def test_a_relay_certificate_from_an_unknown_ca_is_refused(relay: tuple[_Relay, str, int]) -> None:
    handler, security, port = relay

    with pytest.raises(PermanentError, match="certificate not trusted"):
        send_alert_email(ALERT, "ana@example.org", _settings(security, port))
    assert handler.logins == []


def test_a_password_is_never_sent_unencrypted() -> None:
    with pytest.raises(PermanentError, match="unencrypted"):
        send_alert_email(ALERT, "ana@example.org", _settings("none", free_port()))
