"""Keeping the public forms usable without an account: a honeypot field that people never see
and bots fill in, a signed timestamp that shows how soon after showing the form it was sent,
and a limit on how many forms one address may send an hour (lib.ratelimit). A public form
subclasses `SpamGuardForm`; its view asks `guarded` whether to save (the stories' and the
feedback's public forms)."""

import time
from typing import Any

from django import forms
from django.core import signing
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from malbild.lib import ratelimit
from malbild.lib.ratelimit import Limit

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
