"""For tests of the public forms (`lib/spam.py`)."""

import time

from django.core import signing

from malbild.lib import spam


def started_earlier(seconds: float = 10) -> str:
    """A start token as if the form had been shown `seconds` ago (the minimum time passes)."""
    return signing.dumps(time.time() - seconds, salt=spam.SALT)
