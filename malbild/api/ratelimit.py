"""How many API requests a key (or an address without a valid key) may make a minute, counted
in the database cache that every process shares (DESIGN.md §2). The minute is a fixed window:
its number is part of the key, so a count never needs resetting and `Retry-After` is the time
to the next minute."""

import hashlib
import math
import time

from django.core.cache import cache
from django.http import HttpRequest

WINDOW = 60  # seconds


class RateLimited(Exception):
    """Too many requests in this minute; `retry_after` seconds until the next one."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def client(request: HttpRequest) -> str:
    """The caller's address, as a hash: the address is personal data."""
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(request) or "unknown"
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def hit(who: str, limit: int) -> None:
    """Count one request by `who`; raise RateLimited once it is over `limit` this minute.

    One read, and one write while under the limit (a request over it writes nothing). Two
    processes counting the same key at the same instant may count once between them: a limit
    a few requests lenient under a burst, never a request refused wrongly."""
    now = time.time()
    window = int(now // WINDOW)
    key = f"api-rate:{who}:{window}"
    count = int(cache.get(key, 0))
    if count >= limit:
        raise RateLimited(max(1, math.ceil((window + 1) * WINDOW - now)))
    cache.set(key, count + 1, WINDOW + 5)
