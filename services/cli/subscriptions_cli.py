"""``bri apikey`` and ``bri subscriptions``: API keys and alert subscriptions.

These commands act on the same Redis the API uses and require the same API key
(``--key`` or ``BRI_API_KEY``), so the owner of a subscription is whoever holds the key.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from pydantic import ValidationError

apikey_app = typer.Typer(help="API keys for managing subscriptions.", no_args_is_help=True)
subscriptions_app = typer.Typer(help="Alert subscriptions (need an API key).", no_args_is_help=True)

KeyOption = Annotated[str, typer.Option("--key", envvar="BRI_API_KEY",
                                        help="API key from `bri apikey create`")]
EVENT_HELP = "pairing.new (first time a pairing is seen) or article.matching (every match)"


def _fail(message: str) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _owner(key: str) -> str:
    from services.alerts.api_keys import verify_key
    from services.common.celery_app import redis_client

    record = verify_key(redis_client(), key)
    if record is None:
        _fail("the API key is not valid; create one with `bri apikey create OWNER`")
    assert record is not None
    return record.owner


@apikey_app.command("create")
def apikey_create(owner: str) -> None:
    """Create an API key for OWNER; it is printed once and stored only as a salted hash."""
    from services.alerts.api_keys import create_key
    from services.common.celery_app import redis_client

    try:
        record, plain = create_key(redis_client(), owner)
    except ValueError as exc:
        _fail(str(exc))
        return
    typer.echo(plain)
    typer.echo(f"key id {record.key_id} for {record.owner}: keep it, it cannot be shown again",
               err=True)


def _input(base: dict[str, Any], province: list[str] | None, country: list[str] | None,
           sector: list[str] | None, query: str | None, event: list[str] | None,
           webhook: str | None, secret: str | None, email: str | None,
           atom: bool | None) -> Any:
    from services.alerts.subscriptions import SubscriptionInput, prepare
    from services.common.settings import get_settings

    data = json.loads(json.dumps(base))
    data.setdefault("filter", {})
    data.setdefault("channels", {})
    for name, value in (("provinces", province), ("countries", country), ("sectors", sector)):
        if value is not None:
            data["filter"][name] = value
    if query is not None:
        data["filter"]["query"] = query or None
    if event is not None:
        data["events"] = event
    for name, value in (("webhook_url", webhook), ("webhook_secret", secret), ("email", email)):
        if value is not None:
            data["channels"][name] = value or None
    if atom is not None:
        data["channels"]["atom"] = atom
    try:
        return prepare(SubscriptionInput.model_validate(data), get_settings().webhook_allowed_hosts)
    except (ValidationError, ValueError) as exc:
        _fail(str(exc))


def _print(sub: Any, reveal_secret: bool = False) -> None:
    data = sub.model_dump()
    if data["channels"]["webhook_secret"] and not reveal_secret:
        data["channels"]["webhook_secret"] = "********"
    typer.echo(json.dumps(data, indent=2))


Provinces = Annotated[list[str] | None, typer.Option("--province", "-p")]
Countries = Annotated[list[str] | None, typer.Option("--country", "-c", help="ISO alpha-2")]
Sectors = Annotated[list[str] | None, typer.Option("--sector", "-s")]
Query = Annotated[str | None, typer.Option(help='keywords, all required; "quoted phrases"')]
Events = Annotated[list[str] | None, typer.Option("--event", "-e", help=EVENT_HELP)]
Webhook = Annotated[str | None, typer.Option(help="URL alerts are POSTed to")]
Secret = Annotated[str | None, typer.Option(help="webhook HMAC secret (generated if omitted)")]
Email = Annotated[str | None, typer.Option(help="address alerts are mailed to")]
Atom = Annotated[bool | None, typer.Option("--atom/--no-atom", help="keep an Atom feed")]


@subscriptions_app.command("create")
def create(key: KeyOption, province: Provinces = None, country: Countries = None,
           sector: Sectors = None, query: Query = None, event: Events = None,
           webhook: Webhook = None, secret: Secret = None, email: Email = None,
           atom: Atom = None) -> None:
    """Subscribe to alerts; prints the subscription with its webhook secret and feed token."""
    from services.alerts.subscriptions import SubscriptionStore
    from services.common.celery_app import redis_client

    owner = _owner(key)
    data = _input({}, province, country, sector, query, event, webhook, secret, email, atom)
    _print(SubscriptionStore(redis_client()).create(owner, data), reveal_secret=True)


@subscriptions_app.command("list")
def list_(key: KeyOption) -> None:
    """Your subscriptions."""
    from services.alerts.subscriptions import SubscriptionStore
    from services.common.celery_app import redis_client

    subs = SubscriptionStore(redis_client()).owned(_owner(key))
    if not subs:
        typer.echo("no subscriptions; create one with `bri subscriptions create`")
    for sub in subs:
        _print(sub)


def _mine(key: str, subscription_id: str) -> Any:
    from services.alerts.subscriptions import SubscriptionStore
    from services.common.celery_app import redis_client

    owner = _owner(key)
    sub = SubscriptionStore(redis_client()).get(subscription_id)
    if sub is None or sub.owner != owner:
        _fail(f"no subscription {subscription_id}")
    return sub


@subscriptions_app.command("update")
def update(subscription_id: str, key: KeyOption, province: Provinces = None,
           country: Countries = None, sector: Sectors = None, query: Query = None,
           event: Events = None, webhook: Webhook = None, secret: Secret = None,
           email: Email = None, atom: Atom = None) -> None:
    """Change the options given; the others keep their values ('' clears a text option)."""
    from services.alerts.subscriptions import SubscriptionInput, SubscriptionStore
    from services.common.celery_app import redis_client

    sub = _mine(key, subscription_id)
    base = SubscriptionInput.model_validate(sub.model_dump(include={"filter", "events", "channels"}))
    data = _input(base.model_dump(), province, country, sector, query, event, webhook, secret,
                  email, atom)
    _print(SubscriptionStore(redis_client()).replace(sub, data))


@subscriptions_app.command("delete")
def delete(subscription_id: str, key: KeyOption) -> None:
    """Delete a subscription and its alert feed."""
    from services.alerts import alert_log
    from services.alerts.subscriptions import SubscriptionStore
    from services.common.celery_app import redis_client

    sub = _mine(key, subscription_id)
    SubscriptionStore(redis_client()).delete(sub)
    alert_log.drop(redis_client(), sub.id)
    typer.echo(f"deleted: {subscription_id}")
