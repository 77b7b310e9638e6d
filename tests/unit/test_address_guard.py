"""The fetch guard through the real httpx clients, against real sockets on loopback.

Public addresses come only from a stand-in resolver: these tests never reach the
internet, and a refused address is refused before any connection is attempted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from services.common.address_guard import (
    AddressRefused,
    AllowList,
    FetchPolicy,
    HostNotFound,
    guarded_async_client,
    guarded_client,
)
from services.common.settings import Settings
from services.ingest.http_fetch import PermanentFetchError, TransientFetchError, fetch
from tests.local_servers import Answer, RecordingServer, StandInResolver, fetch_limits_allowing

PUBLIC = "93.184.215.14"


@pytest.fixture
def internal() -> Iterator[RecordingServer]:
    """Stands for an internal service (Elasticsearch, an admin page) on loopback."""
    with RecordingServer({"/_cat/indices": Answer(body=b"<html><p>secret</p></html>")}) as server:
        yield server


@pytest.mark.parametrize(("address", "rule"), [
    ("127.0.0.1", "a loopback address"),
    ("127.8.9.10", "a loopback address"),
    ("[::1]", "a loopback address"),
    ("10.1.2.3", "a private address"),
    ("172.16.5.5", "a private address"),
    ("192.168.0.10", "a private address"),
    ("[fd12:3456::1]", "a private address"),
    ("169.254.10.1", "a link-local address"),
    ("[fe80::1]", "a link-local address"),
    ("100.64.0.1", "a carrier-grade NAT address"),
    ("100.127.255.254", "a carrier-grade NAT address"),
    ("224.0.0.1", "a multicast address"),
    ("[ff02::1]", "a multicast address"),
    ("0.0.0.0", "an unspecified address"),
    ("[::]", "an unspecified address"),
    ("169.254.169.254", "a cloud metadata address"),
    ("100.100.100.200", "a cloud metadata address"),
    ("[fd00:ec2::254]", "a cloud metadata address"),
    ("[::ffff:127.0.0.1]", "an IPv4-mapped IPv6 address of 127.0.0.1, a loopback address"),
    ("[::ffff:169.254.169.254]", "IPv4-mapped IPv6 address of 169.254.169.254, a cloud metadata"),
    ("[::10.0.0.1]", "an IPv4-compatible IPv6 address of 10.0.0.1, a private address"),
    ("[64:ff9b::7f00:1]", "a NAT64 IPv6 address of 127.0.0.1, a loopback address"),
    ("[2002:c0a8:0101::1]", "a 6to4 IPv6 address of 192.168.1.1, a private address"),
    ("240.0.0.1", "a reserved address"),
    ("255.255.255.255", "a reserved address"),
    ("198.18.0.1", "benchmark, documentation or protocol"),
    ("192.0.2.1", "benchmark, documentation or protocol"),
    ("[2001:db8::1]", "benchmark, documentation or protocol"),
])
def test_each_internal_range_is_refused_naming_address_and_rule(address: str, rule: str) -> None:
    url = f"http://{address}/feed"
    shown = address.strip("[]")
    with pytest.raises(PermanentFetchError) as refused:
        fetch(url, fetch_limits_allowing())
    message = str(refused.value)
    assert message.startswith(url)
    assert shown in message and rule in message
    assert "BRI_FETCH_ALLOWED_HOSTS" in message


def test_a_loopback_server_is_never_contacted(internal: RecordingServer) -> None:
    with pytest.raises(PermanentFetchError, match=r"127.0.0.1 is a loopback address"):
        fetch(internal.url("/_cat/indices"), fetch_limits_allowing())
    assert internal.requested == []


def test_a_name_resolving_to_an_internal_address_is_refused_with_both_named() -> None:
    resolver = StandInResolver({"intranet.example": [["10.0.0.7"]]})
    with pytest.raises(PermanentFetchError,
                       match=r"intranet.example resolves to 10.0.0.7, a private address"):
        fetch("http://intranet.example/feed", fetch_limits_allowing(resolver=resolver))


def test_one_internal_address_among_public_ones_refuses_the_name() -> None:
    resolver = StandInResolver({"mixed.example": [[PUBLIC, "127.0.0.1"]]})
    policy = FetchPolicy(resolver=resolver)
    with pytest.raises(AddressRefused, match=r"127.0.0.1, a loopback address"):
        policy.addresses_to_connect("mixed.example", 80)


def test_a_name_that_does_not_resolve_is_a_transient_failure_worth_retrying() -> None:
    def outage(host: str, port: int) -> list:  # type: ignore[type-arg]
        raise HostNotFound(f"{host} does not resolve (temporary failure in name resolution)")

    with pytest.raises(TransientFetchError, match=r"news\.example does not resolve"):
        fetch("http://news.example/feed", fetch_limits_allowing(resolver=outage))


def test_a_misspelt_allow_list_fails_when_the_settings_are_read() -> None:
    with pytest.raises(ValueError, match="invalid port"):
        Settings(fetch_allowed_hosts="feeds.intranet:http")


def test_metadata_names_are_refused_before_any_lookup() -> None:
    def no_lookup(host: str, port: int) -> list:  # type: ignore[type-arg]
        raise AssertionError(f"{host} was looked up")

    policy = FetchPolicy(resolver=no_lookup)
    for name in ("metadata.google.internal", "Metadata.Google.Internal.", "instance-data"):
        with pytest.raises(AddressRefused, match=r"cloud metadata service name"):
            policy.addresses_to_connect(name, 80)


def test_a_public_address_is_accepted_and_is_what_would_be_connected_to() -> None:
    resolver = StandInResolver({"news.example": [[PUBLIC, "2606:4700::1111"]]})
    policy = FetchPolicy(resolver=resolver)

    addresses = policy.addresses_to_connect("news.example", 443)

    assert [str(a) for a in addresses] == [PUBLIC, "2606:4700::1111"]
    assert [str(a) for a in policy.addresses_to_connect(PUBLIC, 80)] == [PUBLIC]


def test_a_redirect_to_an_internal_address_is_refused_at_the_hop(
    internal: RecordingServer
) -> None:
    target = internal.url("/_cat/indices")
    with RecordingServer({"/story": Answer(302, headers=(("Location", target),))}) as public:
        with pytest.raises(PermanentFetchError, match=r"127.0.0.1 is a loopback address"):
            fetch(public.url("/story"), fetch_limits_allowing(public.allow_entry))
        assert public.requested == ["/story"]
    assert internal.requested == []


def test_a_redirect_to_a_name_resolving_inside_is_refused_at_the_hop() -> None:
    resolver = StandInResolver({"rebound.example": [["192.168.1.1"]]})
    moved = Answer(301, headers=(("Location", "http://rebound.example/admin"),))
    with RecordingServer({"/story": moved}) as public, pytest.raises(
        PermanentFetchError, match=r"rebound.example resolves to 192.168.1.1, a private address"
    ):
        fetch(public.url("/story"), fetch_limits_allowing(public.allow_entry, resolver=resolver))


def test_dns_rebinding_cannot_reach_loopback() -> None:
    """The name answers an accepted address first, loopback afterwards: each connection
    resolves once and connects to what it checked, so loopback is never reached."""
    page = Answer(body=b"<html>public</html>")
    with RecordingServer({"/feed": page}, host="127.0.0.2") as accepted, \
            RecordingServer({"/feed": page}, port=accepted.port) as loopback:
        resolver = StandInResolver({"news.example": [["127.0.0.2"], ["127.0.0.1"]]})
        # 127.0.0.2 stands for a public address here, allowed on the server's port.
        limits = fetch_limits_allowing(accepted.allow_entry, resolver=resolver)
        url = f"http://news.example:{accepted.port}/feed"

        assert fetch(url, limits).content == b"<html>public</html>"
        with pytest.raises(PermanentFetchError, match=r"resolves to 127.0.0.1, a loopback"):
            fetch(url, limits)

        assert accepted.requested == ["/feed"]
        assert loopback.requested == []
        assert resolver.lookups["news.example"] == 2  # once per connection, never in between


def test_requests_on_one_connection_are_checked_once_and_keep_the_host_name() -> None:
    with RecordingServer({"/a": Answer(body=b"a"), "/b": Answer(body=b"b")}) as server:
        resolver = StandInResolver({"news.example": [[server.host]]})
        policy = FetchPolicy(allow=AllowList.parse(server.allow_entry), resolver=resolver)
        with guarded_client(policy) as client:
            first = client.get(f"http://news.example:{server.port}/a")
            second = client.get(f"http://news.example:{server.port}/b")
        assert (first.text, second.text) == ("a", "b")
        assert resolver.lookups["news.example"] == 1
        assert str(second.url) == f"http://news.example:{server.port}/b"


@pytest.mark.parametrize("url", ["ftp://news.example/feed", "file:///etc/passwd"])
def test_schemes_other_than_http_are_refused(url: str) -> None:
    with pytest.raises(PermanentFetchError, match=r"only http and https"):
        fetch(url, fetch_limits_allowing())


def test_a_redirect_to_another_scheme_is_refused() -> None:
    moved = Answer(302, headers=(("Location", "ftp://news.example/feed"),))
    with RecordingServer({"/feed": moved}) as server, pytest.raises(
        PermanentFetchError, match=r"only http and https"
    ):
        fetch(server.url("/feed"), fetch_limits_allowing(server.allow_entry))


def test_ports_outside_the_allowed_set_are_refused_unless_listed() -> None:
    resolver = StandInResolver({"news.example": [[PUBLIC]]})
    policy = FetchPolicy(resolver=resolver)
    with pytest.raises(AddressRefused, match=r"port 6379 of news.example is not an allowed port"):
        policy.addresses_to_connect("news.example", 6379)
    for port in (80, 443, 8080, 8443):
        assert policy.addresses_to_connect("news.example", port)

    listed = FetchPolicy(allow=AllowList.parse("news.example:6379"), resolver=resolver)
    assert listed.addresses_to_connect("news.example", 6379)


def test_a_loopback_server_allowed_by_host_and_port_is_reachable_on_that_port_only() -> None:
    with RecordingServer({"/feed": Answer(body=b"<rss/>")}) as server, \
            RecordingServer({"/feed": Answer(body=b"<rss/>")}) as other:
        limits = fetch_limits_allowing(server.allow_entry)
        assert fetch(server.url("/feed"), limits).content == b"<rss/>"
        with pytest.raises(PermanentFetchError, match=r"127.0.0.1 is a loopback address"):
            fetch(other.url("/feed"), limits)
        assert other.requested == []


def test_allow_list_entries_by_name_and_by_network() -> None:
    resolver = StandInResolver({"feeds.intranet": [["10.0.0.7"]], "wiki.intranet": [["10.9.0.1"]],
                                "db.intranet": [["192.168.5.5"]]})
    policy = FetchPolicy(allow=AllowList.parse("feeds.intranet, 10.9.0.0/16"), resolver=resolver)

    assert policy.addresses_to_connect("feeds.intranet", 80)  # by name
    assert policy.addresses_to_connect("wiki.intranet", 443)  # by network
    assert policy.addresses_to_connect("10.9.200.1", 8080)
    with pytest.raises(AddressRefused, match=r"192.168.5.5, a private address"):
        policy.addresses_to_connect("db.intranet", 80)
    with pytest.raises(AddressRefused, match=r"port 9200"):
        policy.addresses_to_connect("feeds.intranet", 9200)  # a name entry keeps the port rule


def test_allow_list_syntax() -> None:
    allow = AllowList.parse(" Feeds.Intranet. , 127.0.0.1:8765, [::1]:8080, 10.0.0.0/8, fd00::1 ")
    assert allow.hosts == {"feeds.intranet"}
    assert allow.host_ports == {("127.0.0.1", 8765), ("::1", 8080)}
    assert [str(n) for n in allow.networks] == ["10.0.0.0/8", "fd00::1/128"]
    with pytest.raises(ValueError, match=r"invalid port"):
        AllowList.parse("feeds.intranet:http")


def test_the_policy_comes_from_the_settings() -> None:
    settings = Settings(fetch_allowed_hosts="127.0.0.1:8765", fetch_allowed_ports="80, 8000")
    policy = FetchPolicy.from_settings(settings)
    assert policy.allowed_ports == {80, 8000}
    assert policy.addresses_to_connect("127.0.0.1", 8765)
    with pytest.raises(AddressRefused, match=r"loopback"):
        policy.addresses_to_connect("127.0.0.1", 8000)


def test_the_async_client_obeys_the_same_policy(internal: RecordingServer) -> None:
    async def fetch_both(server: RecordingServer) -> tuple[str, Exception]:
        policy = FetchPolicy(allow=AllowList.parse(server.allow_entry))
        async with guarded_async_client(policy) as client:
            allowed = (await client.get(server.url("/feed"))).text
            try:
                await client.get(internal.url("/_cat/indices"))
            except AddressRefused as exc:
                return allowed, exc
        raise AssertionError("the internal server was fetched")

    with RecordingServer({"/feed": Answer(body=b"<rss/>")}) as server:
        allowed, refused = asyncio.run(fetch_both(server))
    assert allowed == "<rss/>"
    assert "127.0.0.1 is a loopback address" in str(refused)
    assert internal.requested == []


def test_the_async_client_refuses_a_redirect_hop_inside(internal: RecordingServer) -> None:
    moved = Answer(302, headers=(("Location", internal.url("/_cat/indices")),))

    async def follow(server: RecordingServer) -> None:
        policy = FetchPolicy(allow=AllowList.parse(server.allow_entry))
        async with guarded_async_client(policy, follow_redirects=True) as client:
            await client.get(server.url("/story"))

    with RecordingServer({"/story": moved}) as server, pytest.raises(AddressRefused):
        asyncio.run(follow(server))
    assert internal.requested == []


def test_environment_proxies_are_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy would connect on our behalf, past the guard."""
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with RecordingServer({"/feed": Answer(body=b"ok")}) as server:
        policy = FetchPolicy(allow=AllowList.parse(server.allow_entry))
        with guarded_client(policy) as client:
            assert client.get(server.url("/feed")).text == "ok"
        with guarded_client(policy) as client, pytest.raises(AddressRefused):
            client.get("http://127.0.0.1:9/")
