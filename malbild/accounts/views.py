from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from malbild import audit
from malbild.accounts import oidc
from malbild.accounts.forms import LoginForm, PasswordResetForm, ProfileForm, SetPasswordForm
from malbild.accounts.models import User, UserManager
from malbild.accounts.personal_data import export_json
from malbild.accounts.signals import profile_panels
from malbild.lib import ratelimit
from malbild.lib.ratelimit import Limit, RateLimited
from malbild.tenants.models import Membership


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The key django-axes counts failures under: the e-mail, normalised as the login form does."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return UserManager.normalize(str(raw))


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


# Failed logins from one address, to any account, before that address may log in only from
# browsers that logged in before (docs/configuration.md explains the numbers).
LOGIN_ADDRESS_LIMITS = (
    Limit("login-failures-address", 30, 15 * 60),
    Limit("login-failures-address-day", 200, 24 * 60 * 60),
)
# A browser where someone logged in with their password: a signed list of (hashed) accounts,
# which the limits per address let through, so that a pupil trying passwords on the school's
# network never locks the teachers out.
DEVICE_COOKIE = "malbild_device"
DEVICE_SALT = "malbild.accounts.device"
DEVICE_ACCOUNTS = 5  # the most recent accounts a shared computer remembers
DEVICE_DAYS = 180


def _device_cookie_name() -> str:
    # The __Host- prefix pins the cookie to this host, over HTTPS, like the session's.
    return f"__Host-{DEVICE_COOKIE}" if settings.SESSION_COOKIE_SECURE else DEVICE_COOKIE


def _account_mark(email: str) -> str:
    return salted_hmac(DEVICE_SALT, UserManager.normalize(email)).hexdigest()[:20]


def _device_accounts(request: HttpRequest) -> list[str]:
    value = request.COOKIES.get(_device_cookie_name(), "")
    try:
        marks = signing.loads(value, salt=DEVICE_SALT, max_age=DEVICE_DAYS * 24 * 60 * 60)
    except signing.BadSignature:
        return []
    return [m for m in marks if isinstance(m, str)] if isinstance(marks, list) else []


def _known_device(request: HttpRequest, email: str) -> bool:
    """Whether someone logged in to `email` with their password in this browser before."""
    return bool(email) and _account_mark(email) in _device_accounts(request)


def _remember_device(request: HttpRequest, response: HttpResponse, email: str) -> None:
    mark = _account_mark(email)
    marks = [mark, *(m for m in _device_accounts(request) if m != mark)][:DEVICE_ACCOUNTS]
    response.set_cookie(
        _device_cookie_name(),
        signing.dumps(marks, salt=DEVICE_SALT),
        max_age=DEVICE_DAYS * 24 * 60 * 60,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


class LoginView(auth_views.LoginView):
    """Django's login, with django-axes locking an e-mail and address pair after five failures,
    and the limits per address above across every account."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"sso": oidc.enabled()}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        email = axes_username(request, None)
        if not _known_device(request, email):
            try:
                for limit in LOGIN_ADDRESS_LIMITS:
                    ratelimit.check(limit, ratelimit.client(request))
            except RateLimited as e:
                # Unbound: a bound form would authenticate when it is shown.
                form = LoginForm(request, initial={"username": email})
                context = self.get_context_data(form=form, address_limited=e.minutes)
                return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        _remember_device(self.request, response, form.get_user().email)
        return response

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if form.has_error(NON_FIELD_ERRORS, "invalid_login"):
            for limit in LOGIN_ADDRESS_LIMITS:
                ratelimit.count(limit, ratelimit.client(self.request))
        return super().form_invalid(form)


def landing_url(user: Any) -> str:
    """Where a login without a `next` lands: the start page of the person's organisation when
    they have roles in one (what needs them, how it is going), else the list of their
    organisations to choose among (one query)."""
    organisations = {m.organisation.slug for m in Membership.of_person(user)}
    if len(organisations) == 1:
        return reverse("dashboards:home", args=[organisations.pop()])
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _safe_next(request: HttpRequest, url: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if allowed else ""


# Each start writes a session and asks the provider for its discovery document: a flood from one
# address is stopped; a school's staff arriving in the morning stays well below it.
SSO_START_LIMIT = Limit("sso-start-address", 120, 10 * 60)


# Starting a login is a GET (a link on the login page), as with every OpenID Connect client: it
# writes only the one-time state, nonce and PKCE verifier into the visitor's own session.
@require_safe
@never_cache
def sso_login(request: HttpRequest) -> HttpResponse:
    """Send the person to the municipality's login service."""
    if not oidc.enabled():
        raise Http404
    try:
        ratelimit.hit(SSO_START_LIMIT, ratelimit.client(request))
    except RateLimited as e:
        message = ngettext(
            "Many logins with the municipality's account have been started from your network in "
            "the last few minutes. Wait %(minutes)s minute and try again.",
            "Many logins with the municipality's account have been started from your network in "
            "the last few minutes. Wait %(minutes)s minutes and try again.",
            e.minutes,
        ) % {"minutes": e.minutes}
        return _sso_failed(request, oidc.LoginFailed(message, "start limit", status=429))
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
    return redirect(_safe_next(request, next_url) or landing_url(user))


def _sso_failed(request: HttpRequest, error: oidc.LoginFailed) -> HttpResponse:
    oidc.logger.warning("Single sign-on failed: %s", error.detail)
    if isinstance(error, oidc.Refused):  # after the login's transaction was rolled back
        with transaction.atomic():
            oidc.audit_refusal(error, request)
    return render(
        request, "accounts/sso_failed.html", {"message": error.message}, status=error.status
    )


# Reset e-mails: per account (counted by the address typed, whether an account has it or not, so
# the answer says nothing about who has one) and per address (docs/configuration.md).
RESET_ACCOUNT_LIMIT = Limit("password-reset-email", 3, 60 * 60)
RESET_ADDRESS_LIMIT = Limit("password-reset-address", 20, 60 * 60)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = UserManager.normalize(form.cleaned_data["email"])
        counted = [(RESET_ADDRESS_LIMIT, ratelimit.client(self.request)),
                   (RESET_ACCOUNT_LIMIT, f"email:{email}")]  # fmt: skip
        try:
            for limit, who in counted:
                ratelimit.check(limit, who)
        except RateLimited as e:
            form.add_error(None, _reset_limit_message(limit, e.minutes))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        with transaction.atomic():
            response = super().form_valid(form)
            audit.record(
                "accounts.password_reset_requested",
                request=self.request,
                summary=form.cleaned_data["email"],
            )
        for limit, who in counted:
            ratelimit.count(limit, who)
        return response


def _reset_limit_message(limit: Limit, minutes: int) -> str:
    if limit is RESET_ACCOUNT_LIMIT:
        return ngettext(
            "A new password has been asked for this address several times in the last hour. "
            "Look for the e-mail in your inbox, and in the spam folder, or wait %(minutes)s "
            "minute and try again.",
            "A new password has been asked for this address several times in the last hour. "
            "Look for the e-mail in your inbox, and in the spam folder, or wait %(minutes)s "
            "minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
    return ngettext(
        "Many new passwords have been asked for from your network in the last hour. Wait "
        "%(minutes)s minute and try again.",
        "Many new passwords have been asked for from your network in the last hour. Wait "
        "%(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


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
    # What the apps above show here (the API: the person's keys).
    panels = profile_panels.render(User, request=request)
    return render(request, "accounts/profile.html", {"form": form, "panels": panels})


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
