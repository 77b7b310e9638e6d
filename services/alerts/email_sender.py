"""E-mail delivery through an SMTP relay (stdlib smtplib)."""

from __future__ import annotations

import smtplib
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
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                          timeout=settings.smtp_timeout_seconds) as smtp:
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentError(f"mail relay refused {to}: {exc.recipients}") from exc
    except smtplib.SMTPResponseException as exc:
        error = f"mail relay answered {exc.smtp_code} {exc.smtp_error!r}"
        if 400 <= exc.smtp_code < 500:
            raise TransientError(error) from exc
        raise PermanentError(error) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise TransientError(
            f"mail relay {settings.smtp_host}:{settings.smtp_port} unreachable: {exc}") from exc
