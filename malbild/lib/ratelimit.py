"""Rate limits, and the visitor's address they count by (DESIGN.md §2).

Every limit in Målbild goes through here: the API's requests a minute, the public forms, the
pupils' survey answers, password resets, the single sign-on start page and failed logins from one
address. Counts live in the
database cache that every process shares. A limit is a fixed window: the window's number is part
of the key, so a count never needs resetting, and the time to the next window is the
`retry_after` that a refusal gives. Only hashes go into the keys: addresses and e-mail
addresses are personal data.

Counting is one read and, under the limit, one write. Two processes counting the same key at
the same instant may count once between them: a limit a few requests lenient under a burst,
never a request refused wrongly.
"""

import functools
import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    """At most `count` events of kind `name` per key in each window of `seconds`."""

    name: str
    count: int
    seconds: int


class RateLimited(Exception):
    """The limit is reached; `retry_after` seconds until the window ends."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def minutes(self) -> int:
        """The wait in whole minutes, for messages to people."""
        return max(1, math.ceil(self.retry_after / 60))


def hashed(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _now() -> float:
    return time.time()  # its own name, so tests move the clock for the windows only


def _window(limit: Limit) -> tuple[str, int]:
    """The key suffix of the current window and the seconds left in it."""
    now = _now()
    window = int(now // limit.seconds)
    return str(window), max(1, math.ceil((window + 1) * limit.seconds - now))


def _key(limit: Limit, who: str, window: str) -> str:
    return f"rate:{limit.name}:{hashed(who)}:{window}"


class Count:
    """`who`'s count of `limit` in the current window, read once: whether it is used up
    (`over`, and `retry_after`), and `add()`, one write, to count one event. For an event counted
    only once it has been stored, inside its transaction (a pupil's answers)."""

    def __init__(self, limit: Limit, who: str) -> None:
        window, self.retry_after = _window(limit)
        self.limit = limit
        self.key = _key(limit, who, window)
        self.used = int(cache.get(self.key, 0))
        self.over = self.used >= limit.count

    def add(self) -> None:
        self.used += 1
        cache.set(self.key, self.used, self.limit.seconds + 5)


def check(limit: Limit, who: str) -> None:
    """Raise RateLimited if `who` has used up `limit` in this window; count nothing."""
    found = Count(limit, who)
    if found.over:
        raise RateLimited(found.retry_after)


def count(limit: Limit, who: str) -> None:
    """Count one event of `who`, whatever the count."""
    Count(limit, who).add()


def hit(limit: Limit, who: str) -> None:
    """Count one event of `who`; raise RateLimited, counting nothing, once the limit is used up."""
    found = Count(limit, who)
    if found.over:
        raise RateLimited(found.retry_after)
    found.add()


# The visitor's address ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address, for rate limits, login locks and the audit trail.

    `X-Forwarded-For` is read only when the request came from one of `MALBILD_TRUSTED_PROXIES`:
    otherwise anyone could name any address in it. Each proxy appends the address it saw, so the
    header is read from the right, past the trusted proxies, to the first address that is not
    one: the visitor's. Entries further left come from the visitor and may be forged; an entry
    that is not an address stops the walk at the last proxy.
    """
    remote = request.META.get("REMOTE_ADDR")
    current = _parse(remote or "")
    if current is None or not _trusted(current):
        return str(current) if current is not None else remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for entry in reversed([e for e in forwarded.split(",") if e.strip()]):
        address = _parse(entry)
        if address is None:
            break
        current = address
        if not _trusted(address):
            break
    return str(current)


def client(request: HttpRequest) -> str:
    """Who a limit per address counts: the visitor's address (hashed in the key)."""
    return f"address:{client_ip(request) or 'unknown'}"
