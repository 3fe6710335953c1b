"""Which addresses the feed fetcher treats as the public internet: an IPv6 address that carries
an IPv4 address inside it (NAT64, 6to4, Teredo, IPv4-compatible and IPv4-mapped) is judged by
that IPv4 address, since a gateway on the way would deliver the request there."""

import pytest

from malbild.scanning import feeds


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::10.0.0.1",  # NAT64, well-known prefix (RFC 6052)
        "64:ff9b::127.0.0.1",
        "64:ff9b::169.254.169.254",  # the cloud's metadata service
        "64:ff9b:1::a00:1",  # NAT64, local-use prefix (RFC 8215): an internal network
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:c0a8:1::1",  # 6to4 of 192.168.0.1
        "::10.0.0.1",  # IPv4-compatible
        "::127.0.0.1",
        "::169.254.169.254",
        "::ffff:10.0.0.1",  # IPv4-mapped
        "::ffff:127.0.0.1",
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
        "::1",
        "::",
    ],
)
def test_an_address_embedding_a_private_ipv4_address_is_not_public(address):
    assert not feeds._is_public(address)


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::8.8.8.8",  # NAT64 to a public address
        "2002:808:808::1",  # 6to4 of 8.8.8.8
        "::ffff:8.8.8.8",
        "2a00:1450:400f:80d::200e",  # an ordinary public IPv6 address
        "8.8.8.8",
    ],
)
def test_an_address_embedding_a_public_ipv4_address_is_public(address):
    assert feeds._is_public(address)


@pytest.mark.parametrize(
    "url", ["http://[64:ff9b::a9fe:a9fe]/latest", "http://[2002:a00:1::1]/x", "http://[::a00:1]/x"]
)
def test_fetching_from_an_embedded_private_address_is_refused(settings, url):
    settings.FEED_ALLOW_PRIVATE = False
    with pytest.raises(feeds.FeedError, match="private or internal network"):
        feeds.fetch(url)
