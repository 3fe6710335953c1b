"""Keeping the public forms usable without an account: a honeypot field that people never see
and bots fill in, a signed timestamp that shows how soon after showing the form it was sent,
and a limit on how many forms one address may send an hour (in the database cache, shared by
every process)."""

import hashlib
import time

from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest

SALT = "malbild.communication.form-started"
MIN_SECONDS = 3  # faster than anyone types a message
MAX_AGE = 24 * 3600  # a form older than a day is shown again
RATE_LIMIT = 5  # forms per address and hour
RATE_WINDOW = 3600
HONEYPOT = "website"


def started_token() -> str:
    return signing.dumps(time.time(), salt=SALT)


def seconds_since(token: str) -> float | None:
    """How long ago the form was shown, or None for a token that is forged or too old."""
    try:
        started = float(signing.loads(token, salt=SALT, max_age=MAX_AGE))
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return time.time() - started


def _client(request: HttpRequest) -> str:
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(request) or "unknown"
    # Only a hash goes into the cache: the address is personal data.
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def _key(request: HttpRequest, form: str) -> str:
    return f"comm-rate:{form}:{_client(request)}"


def over_limit(request: HttpRequest, form: str) -> bool:
    """Whether this address has already sent RATE_LIMIT forms within the hour."""
    return int(cache.get(_key(request, form), 0)) >= RATE_LIMIT


def count(request: HttpRequest, form: str) -> None:
    """Count one more form from this address; the window starts with the first."""
    key = _key(request, form)
    if not cache.add(key, 1, RATE_WINDOW):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, RATE_WINDOW)
