"""`bri feeds list` as a table: one line of figures per feed, its problem underneath."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import typer

from services.ingest.feed_health import FeedHealth
from services.ingest.schedule import describe_interval

_STATE_COLOURS = {"active": typer.colors.GREEN, "failing": typer.colors.YELLOW,
                  "gone": typer.colors.RED}
HEADER = f"{'STATE':<8} {'FAILS':>5} {'304s':>5} {'/DAY':>6} {'LAST OK':>9} {'NEXT':>7}  FEED"
# Title and problem lines start under the FEED column.
INDENT = " " * (len(HEADER) - len("FEED"))


def _seconds_from(iso: str | None, now: float) -> float | None:
    return datetime.fromisoformat(iso).timestamp() - now if iso else None


def _ago(iso: str | None, now: float) -> str:
    delta = _seconds_from(iso, now)
    return "never" if delta is None else describe_interval(max(0.0, -delta)) + " ago"


def _next(feed: FeedHealth, now: float) -> str:
    delta = _seconds_from(feed.next_poll_at, now)
    if delta is None:
        return "never"
    return "now" if delta < 1 else "in " + describe_interval(delta)


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def print_feed_table(feeds: Sequence[FeedHealth], now: float) -> None:
    typer.echo(HEADER)
    for feed in feeds:
        state = typer.style(f"{feed.state:<8}", fg=_STATE_COLOURS[feed.state])
        typer.echo(
            f"{state} {feed.consecutive_failures:>5} {_share(feed.not_modified_share):>5} "
            f"{_rate(feed.entries_per_day):>6} {_ago(feed.last_success_at, now):>9} "
            f"{_next(feed, now):>7}  {feed.url}"
        )
        if feed.title:
            typer.echo(f"{INDENT}{feed.title}")
        if feed.state == "gone":
            typer.secho(f"{INDENT}gone: {feed.gone_reason}", fg=typer.colors.RED)
        elif feed.last_error:
            typer.secho(f"{INDENT}last error ({_ago(feed.last_error_at, now)}): {feed.last_error}",
                        fg=typer.colors.YELLOW)
