"""HTTP GETs for feeds and pages: conditional, size-capped, deadline-bound.

Feeds and pages come from servers we don't control, so every response is read as a
stream with a byte cap and an overall deadline (a server that drips one byte a second
must not hold a worker forever), and every failure becomes a FetchError whose message
names the URL and the problem, marked transient (retry later) or permanent. Every
connection, redirect hops included, goes through the address guard
(``services.common.address_guard``): a URL reaching an internal address is a permanent
error naming the address and the rule.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message

import httpx

from services.common.address_guard import AddressRefused, FetchPolicy, guarded_client
from services.common.errors import PermanentError, TransientError
from services.common.settings import Settings


class FetchError(Exception):
    """Mixin marker for fetch failures (combined with Transient/Permanent below).

    When the server answered with an error status, ``status`` holds it and
    ``retry_after`` its Retry-After header, so the scheduler can honour both.
    """

    status: int | None = None
    retry_after: str | None = None


class TransientFetchError(FetchError, TransientError):
    pass


class PermanentFetchError(FetchError, PermanentError):
    pass


@dataclass(frozen=True)
class FetchResult:
    url: str
    final_url: str
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def charset(self) -> str | None:
        """The charset the Content-Type header names, if any (not checked against codecs)."""
        if not self.content_type:
            return None
        header = Message()
        header["content-type"] = self.content_type
        return header.get_content_charset()


@dataclass(frozen=True)
class FetchLimits:
    max_bytes: int
    timeout_seconds: float
    deadline_seconds: float
    user_agent: str
    policy: FetchPolicy = field(default_factory=FetchPolicy)  # public addresses, usual ports

    @classmethod
    def from_settings(cls, settings: Settings, max_bytes: int) -> FetchLimits:
        """The configured timeouts and user agent, with the byte cap of one kind of response."""
        return cls(
            max_bytes=max_bytes,
            timeout_seconds=settings.http_timeout_seconds,
            deadline_seconds=settings.http_total_deadline_seconds,
            user_agent=settings.user_agent,
            policy=FetchPolicy.from_settings(settings),
        )


MAX_REDIRECTS = 5


def fetch(
    url: str,
    limits: FetchLimits,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """One GET with its own short-lived client (the CLI's one-off fetches)."""
    _check_scheme(url)
    headers = _request_headers(limits, etag, last_modified)
    body = _CappedBody(url, limits)
    with _translated_errors(url, limits), guarded_client(
        limits.policy, timeout=limits.timeout_seconds, follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
    ) as client, client.stream("GET", url, headers=headers) as response:
        body.check_declared(response)
        for chunk in response.iter_bytes():
            body.add(chunk)
        result = _result(url, response, body.content())
    _check_status(result)
    return result


async def fetch_async(
    client: httpx.AsyncClient,
    url: str,
    limits: FetchLimits,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """The same GET on a shared, pooled async client (the ingest workers' fetches).

    The client must be a guarded one following redirects (at most MAX_REDIRECTS) under
    ``limits.policy``: see ``async_fetcher``. Here the deadline covers the whole
    exchange, waiting for headers included.
    """
    _check_scheme(url)
    headers = _request_headers(limits, etag, last_modified)
    body = _CappedBody(url, limits)
    with _translated_errors(url, limits):
        try:
            async with asyncio.timeout(limits.deadline_seconds), client.stream(
                "GET", url, headers=headers, timeout=limits.timeout_seconds
            ) as response:
                body.check_declared(response)
                async for chunk in response.aiter_bytes():
                    body.add(chunk)
                result = _result(url, response, body.content())
        except TimeoutError as exc:
            raise TransientFetchError(
                f"{url}: response still incomplete after {limits.deadline_seconds:.0f}s"
            ) from exc
    _check_status(result)
    return result


def _check_scheme(url: str) -> None:
    scheme = httpx.URL(url).scheme if "://" in url else ""
    if scheme not in ("http", "https"):
        raise PermanentFetchError(f"{url}: only http and https URLs can be fetched")


def _request_headers(limits: FetchLimits, etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {"User-Agent": limits.user_agent, "Accept-Encoding": "gzip, deflate"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _result(url: str, response: httpx.Response, content: bytes) -> FetchResult:
    return FetchResult(
        url=url,
        final_url=str(response.url),
        status=response.status_code,
        content=content,
        headers={k.lower(): v for k, v in response.headers.items()},
    )


@contextmanager
def _translated_errors(url: str, limits: FetchLimits) -> Iterator[None]:
    """Guard refusals and httpx's exceptions as FetchErrors that name the URL and say
    whether to retry."""
    try:
        yield
    except AddressRefused as exc:
        raise PermanentFetchError(f"{url}: {exc}") from exc
    except httpx.UnsupportedProtocol as exc:  # a redirect to another scheme
        raise PermanentFetchError(f"{url}: only http and https URLs can be fetched ({exc})") from exc
    except httpx.TooManyRedirects as exc:
        raise PermanentFetchError(f"{url}: too many redirects") from exc
    except httpx.TimeoutException as exc:
        raise TransientFetchError(
            f"{url}: timed out after {limits.timeout_seconds:.0f}s ({type(exc).__name__})"
        ) from exc
    except httpx.TransportError as exc:
        raise TransientFetchError(f"{url}: unreachable ({type(exc).__name__}: {exc})") from exc
    except httpx.InvalidURL as exc:
        raise PermanentFetchError(f"{url}: invalid URL ({exc})") from exc


class _CappedBody:
    """A response body read chunk by chunk, refused once over the byte cap or the deadline."""

    def __init__(self, url: str, limits: FetchLimits) -> None:
        self.url = url
        self.limits = limits
        self.started = time.monotonic()
        self.size = 0
        self.chunks: list[bytes] = []

    def check_declared(self, response: httpx.Response) -> None:
        declared = response.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise PermanentFetchError(
                f"{self.url}: response of {int(declared)} bytes exceeds the "
                f"{self.limits.max_bytes}-byte limit"
            )

    def add(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limits.max_bytes:
            raise PermanentFetchError(
                f"{self.url}: response exceeds the {self.limits.max_bytes}-byte limit"
            )
        if time.monotonic() - self.started > self.limits.deadline_seconds:
            raise TransientFetchError(
                f"{self.url}: response still incomplete after {self.limits.deadline_seconds:.0f}s"
            )
        self.chunks.append(chunk)

    def content(self) -> bytes:
        return b"".join(self.chunks)


def _check_status(result: FetchResult) -> None:
    status = result.status
    if status == 304 or 200 <= status < 300:
        return
    error: FetchError
    if status in (408, 425, 429) or status >= 500:
        error = TransientFetchError(f"{result.url}: server answered HTTP {status}")
    else:
        error = PermanentFetchError(f"{result.url}: server answered HTTP {status}")
    error.status = status
    error.retry_after = result.headers.get("retry-after")
    raise error
