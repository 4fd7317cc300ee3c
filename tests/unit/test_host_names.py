"""Host routing's memory of host names: only the platform's own, bounded names are remembered."""

from __future__ import annotations

import pytest

from storefront.tenancy.hosts import MAX_REMEMBERED_HOSTS, CountyHosts, HostMatch


@pytest.fixture
def hosts() -> CountyHosts:
    return CountyHosts("shop.test", "https://shop.test:8443", allow_loopback=True)


def remembered_size(hosts: CountyHosts) -> int:
    return sum(len(host) + len(found.origin) for host, found in hosts._configured.items())


async def test_the_platforms_names_are_answered_as_before(hosts):
    for host, expected in (
        ("shop.test", HostMatch("https://shop.test:8443")),
        ("www.shop.test", HostMatch("https://shop.test:8443")),
        ("localhost:8000", HostMatch("https://shop.test:8443")),
        ("[::1]:8000", HostMatch("https://shop.test:8443")),
        ("raohe.shop.test", HostMatch("https://raohe.shop.test:8443", "raohe")),
        (" RAOHE.Shop.Test.:8080", HostMatch("https://raohe.shop.test:8443", "raohe")),
        ("xn--fiq228c.shop.test", HostMatch("https://xn--fiq228c.shop.test:8443", "xn--fiq228c")),
        (f"{'a' * 63}.shop.test", HostMatch(f"https://{'a' * 63}.shop.test:8443", "a" * 63)),
    ):
        assert await hosts.match(host) == expected, host
        assert await hosts.match(host) == expected, host  # and again, remembered
        assert host in hosts._configured


async def test_huge_host_names_are_refused_and_never_remembered(hosts):
    for number in range(200):
        assert await hosts.match(f"{number}{'x' * 60_000}.shop.test") is None
    assert await hosts.match(f"{'a' * 64}.shop.test") is None  # longer than a host label
    assert hosts._configured == {}
    assert await hosts.match("raohe.shop.test") == HostMatch("https://raohe.shop.test:8443", "raohe")
    assert list(hosts._configured) == ["raohe.shop.test"]


async def test_a_flood_of_made_up_subdomains_neither_grows_memory_nor_keeps_the_platforms_names_out(hosts):
    for number in range(MAX_REMEMBERED_HOSTS * 2 + 10):
        await hosts.match(f"junk-{number}-{'x' * 40}.shop.test")
    assert len(hosts._configured) <= MAX_REMEMBERED_HOSTS
    assert remembered_size(hosts) <= MAX_REMEMBERED_HOSTS * 2 * (253 + len("https://:65535"))
    assert await hosts.match("shop.test") == HostMatch("https://shop.test:8443")
    assert "shop.test" in hosts._configured


@pytest.mark.parametrize(
    "label",
    [
        "raohe/products/honey",
        "raohe?lang=en",
        "raohe%2fcart",
        "raohe#x",
        "raohe\\cart",
        "-raohe",
        "rao_he",
        "饶河",
    ],
)
async def test_a_subdomain_that_is_not_a_county_slug_is_never_routed(hosts, label):
    headers = [(b"host", f"{label}.shop.test".encode())]
    scope = {"path": "/", "raw_path": b"/", "headers": headers, "state": {}}
    assert await hosts.route(scope) is False
    assert scope["path"] == "/"
    assert hosts._configured == {}


@pytest.mark.parametrize(
    "host",
    ["raohe.shop.test:abc", "127.0.0.1:abc", "shop.test:99999", "localhost:0", "[::1]:x", "shop.test:"],
)
async def test_a_host_whose_port_is_no_port_is_not_ours(hosts, host):
    """Such a Host would pass routing and then break every page that builds its own URL (a 500)."""
    assert await hosts.match(host) is None
    assert hosts._configured == {}
