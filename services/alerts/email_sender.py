"""E-mail delivery through an SMTP relay (stdlib smtplib).

Relays that want it get STARTTLS or TLS from the start, with the certificate checked
against the system's CAs (or those of ``BRI_SMTP_CA_FILE``), and a login; a password
is never sent over an unencrypted connection.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from typing import Any

from services.alerts.alert_body import alert_text
from services.common.errors import PermanentError, TransientError
from services.common.settings import Settings


def build_message(alert: dict[str, Any], to: str, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    # Header injection: a title with line breaks must not add headers.
    message["Subject"] = " ".join(f"[BRI Monitor] {alert['summary']}".split())[:200]
    message["X-BRI-Alert-Id"] = alert["alert_id"]
    message.set_content(alert_text(alert))
    return message


def send_alert_email(alert: dict[str, Any], to: str, settings: Settings) -> None:
    message = build_message(alert, to, settings.smtp_from)
    relay = f"{settings.smtp_host}:{settings.smtp_port}"
    if settings.smtp_username and settings.smtp_security == "none":
        raise PermanentError(
            f"mail relay {relay}: BRI_SMTP_USERNAME is set but BRI_SMTP_SECURITY is none; "
            "refusing to send the password unencrypted (use starttls or tls)")
    try:
        with _connect(settings) as smtp:
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError(f"mail relay refused {to}: {exc.recipients}") from exc
    except smtplib.SMTPResponseException as exc:
        error = f"mail relay {relay} answered {exc.smtp_code} {exc.smtp_error!r}"
        if 400 <= exc.smtp_code < 500:
            raise TransientError(error) from exc
        raise PermanentError(error) from exc
    except ssl.SSLCertVerificationError as exc:
        raise PermanentError(
            f"mail relay {relay}: certificate not trusted ({exc.verify_message}); "
            "set BRI_SMTP_CA_FILE for a private CA") from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise PermanentError(f"mail relay {relay}: {exc}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientError(f"mail relay {relay} unreachable: {exc}") from exc


def _connect(settings: Settings) -> smtplib.SMTP:
    """A connection to the relay, encrypted and logged in as the settings say."""
    context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)
    smtp: smtplib.SMTP
    if settings.smtp_security == "tls":
        smtp = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port,
                                timeout=settings.smtp_timeout_seconds, context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                            timeout=settings.smtp_timeout_seconds)
    try:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
    except BaseException:
        smtp.close()
        raise
    return smtp
