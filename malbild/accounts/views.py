import ipaddress
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from malbild import audit
from malbild.accounts import oidc
from malbild.accounts.forms import LoginForm, PasswordResetForm, ProfileForm, SetPasswordForm
from malbild.accounts.models import User, UserManager
from malbild.accounts.personal_data import export_json


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The key django-axes counts failures under: the e-mail, normalised as the login form does."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return UserManager.normalize(str(raw))


def client_ip(request: HttpRequest) -> str | None:
    """The visitor's address, for login lockouts and the audit trail.

    Behind `MALBILD_PROXY_COUNT` proxies, REMOTE_ADDR is the nearest proxy's, and each proxy
    appends the address it saw to X-Forwarded-For: the visitor's is the one the outermost proxy
    added, counted from the right. Entries further left come from the visitor and may be forged.
    """
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.AXES_IPWARE_PROXY_COUNT or 0
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """Answer a locked-out login with the login page and a plain explanation."""
    form = LoginForm(request)
    form.initial["username"] = axes_username(request, credentials)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "locked_out": True, "sso": oidc.enabled()},
        status=429,
    )


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"sso": oidc.enabled()}


def _safe_next(request: HttpRequest, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


# Starting a login is a GET (a link on the login page), as with every OpenID Connect client: it
# writes only the one-time state, nonce and PKCE verifier into the visitor's own session.
@require_safe
@never_cache
def sso_login(request: HttpRequest) -> HttpResponse:
    """Send the person to the municipality's login service."""
    if not oidc.enabled():
        raise Http404
    try:
        url = oidc.begin(request, _safe_next(request, request.GET.get("next", "")))
    except oidc.LoginFailed as e:
        return _sso_failed(request, e)
    return HttpResponseRedirect(url)


@require_safe
@never_cache
def sso_callback(request: HttpRequest) -> HttpResponse:
    """Where the login service sends the person back: check its answer, then log them in."""
    if not oidc.enabled():
        raise Http404
    try:
        claims, next_url = oidc.finish(request)
        with transaction.atomic():
            user = oidc.person_for(claims, request)
            login(request, user, backend=oidc.BACKEND)
    except oidc.LoginFailed as e:
        return _sso_failed(request, e)
    return redirect(_safe_next(request, next_url) or settings.LOGIN_REDIRECT_URL)


def _sso_failed(request: HttpRequest, error: oidc.LoginFailed) -> HttpResponse:
    oidc.logger.warning("Single sign-on failed: %s", error.detail)
    if isinstance(error, oidc.Refused):  # after the login's transaction was rolled back
        with transaction.atomic():
            oidc.audit_refusal(error, request)
    return render(
        request, "accounts/sso_failed.html", {"message": error.message}, status=error.status
    )


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(
                "accounts.password_reset_requested",
                request=self.request,
                summary=form.cleaned_data["email"],
            )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record("accounts.password_reset", actor=form.user, request=self.request)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form: Any) -> HttpResponse:
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record("accounts.password_changed", request=self.request)
        messages.success(self.request, _("Your password has been changed."))
        return response


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User):  # login_required lets only people through
        raise PermissionDenied
    if request.method == "POST":
        before = {"name": user.name, "language": user.language}
        form = ProfileForm(request.POST, instance=user)
        if form.is_valid():
            with transaction.atomic():
                form.save()
                audit.record(
                    "accounts.profile_changed",
                    request=request,
                    target=user,
                    before=before,
                    after={"name": user.name, "language": user.language},
                )
            translation.activate(user.language)
            messages.success(request, _("Your profile has been saved."))
            response = redirect("accounts:profile")
            _set_language_cookie(response, user.language)
            return response
    else:
        form = ProfileForm(instance=user)
    return render(request, "accounts/profile.html", {"form": form})


@require_POST
@login_required
def personal_data(request: HttpRequest) -> HttpResponse:
    """Everything Målbild holds about the signed-in person, as a JSON file (GDPR art. 15, 20).

    A POST, since the download is audited; the event names no data, only that it was taken.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    with transaction.atomic():
        body = export_json(user)
        audit.record("accounts.data_exported", request=request, target=user)
    filename = f"malbild-mina-uppgifter-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered on the profile of a signed-in person."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    user = request.user
    if isinstance(user, User) and user.language != language:
        with transaction.atomic():
            before = {"language": user.language}
            user.language = language
            user.save(update_fields=["language"])
            audit.record(
                "accounts.language_changed",
                request=request,
                target=user,
                before=before,
                after={"language": language},
            )
    _set_language_cookie(response, language)
    return response


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=getattr(settings, "LANGUAGE_COOKIE_SECURE", False),
        httponly=True,
    )
