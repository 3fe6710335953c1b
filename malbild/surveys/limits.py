"""One answer per device as far as the web allows without tracking, and a limit on how many
answers one address may send to a survey.

The device: answering sets a cookie signed by Målbild that holds only the survey's id (no
identifier of the pupil or the device), and the page refuses a second answer while it is there.
A pupil in a private window, or on another device, can answer again: the limit per address and
the teacher's eye on the count (`Survey.expected_pupils`) are what stop a flood.

The address: counted in the database cache that every process shares, under a hash of the
address (the address itself is personal data and is never stored), per survey and per window.
A whole school often sits behind one address, so the limit follows the group's size.
"""

import hashlib
import time

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from malbild.surveys.models import Survey

COOKIE_PREFIX = "elevrosten-"
COOKIE_SALT = "malbild.surveys.answered"
COOKIE_DAYS = 120  # longer than a survey can be open
WINDOW = 600  # seconds
# Answers per address and window: twice the group when its size is known, never fewer than
# FLOOR; without a size, room for a whole school's survey hour behind one address.
FLOOR = 30
WITHOUT_SIZE = 600


def _cookie(survey: Survey) -> str:
    return f"{COOKIE_PREFIX}{survey.pk}"


def answered_here(request: HttpRequest, survey: Survey) -> bool:
    """Whether this browser has already answered this survey (a shared device never has)."""
    if survey.shared_devices:
        return False
    value = request.get_signed_cookie(_cookie(survey), default=None, salt=COOKIE_SALT)
    return value == str(survey.pk)


def remember(response: HttpResponse, survey: Survey) -> None:
    """Mark this browser as having answered: the cookie holds the survey's id and nothing else."""
    if survey.shared_devices:
        return
    response.set_signed_cookie(
        _cookie(survey),
        str(survey.pk),
        salt=COOKIE_SALT,
        max_age=COOKIE_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=_secure(),
    )


def _secure() -> bool:
    from django.conf import settings

    return bool(settings.SESSION_COOKIE_SECURE)


def limit(survey: Survey) -> int:
    if survey.expected_pupils:
        return max(FLOOR, 2 * survey.expected_pupils)
    return WITHOUT_SIZE


def _key(request: HttpRequest, survey: Survey) -> str:
    from axes.helpers import get_client_ip_address

    address = get_client_ip_address(request) or "unknown"
    # Only a hash, salted with the survey, goes into the cache: the address is personal data.
    digest = hashlib.sha256(f"{survey.pk}:{address}".encode()).hexdigest()[:32]
    return f"survey-rate:{digest}:{int(time.time() // WINDOW)}"


class Counter:
    """This address's answers to a survey in the current window: read once when the answer
    arrives (`over`), written once when it has been stored (`add`)."""

    def __init__(self, request: HttpRequest, survey: Survey) -> None:
        self.key = _key(request, survey)
        self.seen = int(cache.get(self.key, 0))
        self.over = self.seen >= limit(survey)

    def add(self) -> None:
        """Count the stored answer. Two processes counting at the same instant may count once
        between them: a limit a few answers lenient in a burst, never an answer refused
        wrongly."""
        cache.set(self.key, self.seen + 1, WINDOW + 5)
