"""Making and revoking personal API keys (linked from the profile page)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from malbild.api import tokens
from malbild.api.forms import TokenForm


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    """The form for a new key; after it, the key itself, shown this once."""
    form = TokenForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, key = tokens.create(
            request.user, form.organisations[data["organisation"]], data["name"], data["scope"],
            request,
        )  # fmt: skip
        return render(request, "api/token_created.html", {"token": token, "key": key})
    status = 400 if request.method == "POST" else 200
    return render(request, "api/token_form.html", {"form": form}, status=status)


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of one's own keys; another person's key answers 404."""
    token = next((t for t in tokens.tokens_of(request.user) if t.pk == token_id), None)
    if token is None:
        raise Http404
    tokens.revoke(token, request)
    messages.success(request, _("The API key “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:profile")


# A panel on the accounts app's profile page -------------------------------------------------------


def keys_panel(*, request: HttpRequest, **_signal: Any) -> str:
    """On the profile page (`accounts.signals.profile_panels`): the person's API keys (two
    queries)."""
    return render_to_string(
        "api/token_section.html",
        {
            "tokens": tokens.tokens_of(request.user),
            "may_create": bool(tokens.organisations_of(request.user)),
        },
        request,
    )
