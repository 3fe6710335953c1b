"""Keeping the public forms usable without an account: a honeypot field that people never see
and bots fill in, a signed timestamp that shows how soon after showing the form it was sent,
and a limit on how many forms one address may send an hour (in the database cache, shared by
every process). A public form subclasses `SpamGuardForm`; its view asks `guarded` whether to
save (the stories' and the feedback's public forms)."""

import hashlib
import time
from typing import Any

from django import forms
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The salt the communication app used: forms shown before the apps were split stay valid.
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


class SpamGuardForm(forms.Form):
    """A honeypot field hidden from people and a signed start time; the view asks `guarded`."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started"].initial = started_token()

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        elapsed = seconds_since(data.get("started") or "")
        if elapsed is None:
            self.add_error(None, _("The form has expired. Check what you wrote and send it again."))
        elif elapsed < MIN_SECONDS:
            self.add_error(
                None, _("The form was sent too quickly. Wait a moment and send it again.")
            )
        return data


def guarded(request: HttpRequest, form: SpamGuardForm, name: str) -> tuple[bool, int]:
    """Whether the form may be saved, and the status to answer otherwise. A filled honeypot
    is answered as if it had worked (a bot learns nothing) but nothing is saved."""
    if over_limit(request, name):
        form.is_valid()  # so the form shows what was written, with the message on top
        form.add_error(None, limit_message())
        return False, 429
    if not form.is_valid():
        return False, 400
    count(request, name)
    return (not form.is_bot), 200


def limit_message() -> str:
    return gettext(
        "Many messages have been sent from your connection in the last hour. Please try again "
        "later."
    )
