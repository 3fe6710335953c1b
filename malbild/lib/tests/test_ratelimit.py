"""The one rate limiter (lib.ratelimit): fixed windows in the shared database cache, keyed by
hashes, and the visitor's address read from the proxy's header only behind a trusted proxy."""

import pytest
from django.core.cache import cache

from malbild.lib import ratelimit
from malbild.lib.ratelimit import Limit, RateLimited

pytestmark = pytest.mark.django_db

THREE_A_MINUTE = Limit("test", 3, 60)


def test_hit_counts_and_refuses_the_one_over_the_limit():
    for _ in range(3):
        ratelimit.hit(THREE_A_MINUTE, "192.0.2.1")
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit(THREE_A_MINUTE, "192.0.2.1")
    assert 1 <= refused.value.retry_after <= 60
    assert refused.value.minutes == 1
    ratelimit.hit(THREE_A_MINUTE, "192.0.2.2")  # another one has its own count
    ratelimit.hit(Limit("other", 3, 60), "192.0.2.1")  # and so has another limit


def test_check_does_not_count_and_count_does_not_check():
    for _ in range(5):
        ratelimit.check(THREE_A_MINUTE, "x")
    for _ in range(4):
        ratelimit.count(THREE_A_MINUTE, "x")
    with pytest.raises(RateLimited):
        ratelimit.check(THREE_A_MINUTE, "x")


def test_a_new_window_starts_afresh(monkeypatch):
    now = [1_000_000.0]
    monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
    for _ in range(3):
        ratelimit.hit(THREE_A_MINUTE, "x")
    with pytest.raises(RateLimited) as refused:
        ratelimit.hit(THREE_A_MINUTE, "x")
    assert refused.value.retry_after == 1_000_020 - 1_000_000  # to the next whole minute
    now[0] += 60
    ratelimit.hit(THREE_A_MINUTE, "x")


def test_only_hashes_go_into_the_cache(monkeypatch):
    keys = []
    monkeypatch.setattr(cache, "set", lambda key, *a, **k: keys.append(key))
    ratelimit.hit(THREE_A_MINUTE, "198.51.100.7")
    ratelimit.count(THREE_A_MINUTE, "anna@kommun.test")
    assert keys
    assert not any("198.51" in k or "anna" in k for k in keys)


# The visitor's address ----------------------------------------------------------------------------

PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # No trusted proxy: the header is the visitor's to forge.
        ([], PROXY, "198.51.100.1", PROXY),
        # A request that did not come from the proxy: its header is ignored.
        (["10.0.0.0/8"], "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        (["10.0.0.2"], "10.0.0.3", "198.51.100.1", "10.0.0.3"),
        # From the proxy: the address it appended, the rightmost one.
        (["10.0.0.2"], PROXY, "198.51.100.1", "198.51.100.1"),
        (["10.0.0.2"], PROXY, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # forged entry on the left
        # Two proxies: skip each trusted one from the right.
        (["10.0.0.0/24"], PROXY, "198.51.100.1, 10.0.0.9", "198.51.100.1"),
        (["10.0.0.0/24", "2001:db8::/32"], PROXY, "198.51.100.1, 2001:db8::5", "198.51.100.1"),
        # Nothing usable in the header: the proxy's own address.
        (["10.0.0.2"], PROXY, "", PROXY),
        (["10.0.0.2"], PROXY, "not-an-address", PROXY),
        (["10.0.0.2"], PROXY, "198.51.100.1, garbage", PROXY),
        # Every entry a trusted proxy: the leftmost.
        (["10.0.0.0/24"], PROXY, "10.0.0.7, 10.0.0.9", "10.0.0.7"),
        # IPv6, written the usual way.
        (["::1"], "::1", "2001:DB8::0:1", "2001:db8::1"),
    ],
)
def test_the_visitors_address_comes_from_the_header_only_behind_a_trusted_proxy(
    rf, settings, trusted, remote, forwarded, expected
):
    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=remote)
    assert ratelimit.client_ip(request) == expected


def test_the_audit_trail_and_the_login_lock_use_the_same_address(rf, settings):
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="203.0.113.9")
    assert get_client_ip_address(request) == "203.0.113.9"
    request = rf.get("/", HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR=PROXY)
    assert get_client_ip_address(request) == "198.51.100.1"
