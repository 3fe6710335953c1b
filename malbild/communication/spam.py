"""Keeping the public forms usable without an account: a honeypot field that people never see
and bots fill in, a signed timestamp that shows how soon after showing the form it was sent,
and a limit on how many forms one address may send an hour (lib.ratelimit)."""

import time

from django.core import signing
from django.http import HttpRequest

from malbild.lib import ratelimit
from malbild.lib.ratelimit import Limit

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


def _limit(form: str) -> Limit:
    return Limit(f"public-form:{form}", RATE_LIMIT, RATE_WINDOW)


def over_limit(request: HttpRequest, form: str) -> bool:
    """Whether this address has already sent RATE_LIMIT forms within the hour."""
    try:
        ratelimit.check(_limit(form), ratelimit.client(request))
    except ratelimit.RateLimited:
        return True
    return False


def count(request: HttpRequest, form: str) -> None:
    """Count one more form from this address."""
    ratelimit.count(_limit(form), ratelimit.client(request))
