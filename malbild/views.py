"""Pages that belong to the site as a whole: start, health, accessibility, errors."""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from malbild.tenants.models import Membership, Organisation

MB = 1024 * 1024


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Your organisations to choose among, and the organisations that publish to everyone."""
    organisations: dict[Organisation, list[str]] = {}
    if request.user.is_authenticated:
        for membership in Membership.of_person(request.user):
            where = membership.unit.name if membership.unit else ""
            label = membership.get_role_display() + (f" – {where}" if where else "")
            organisations.setdefault(membership.organisation, []).append(label)
    public = Organisation.objects.filter(has_public_pages=True).order_by("name")[:200]
    return render(
        request,
        "pages/home.html",
        {"organisations": list(organisations.items()), "public_organisations": public},
    )


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database answers; load balancers and monitoring poll this."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return JsonResponse(
        {"status": "ok" if status == 200 else "error", "database": database}, status=status
    )


@require_safe
@login_required
def baseline(request: HttpRequest) -> HttpResponse:
    """The baseline page of the benchmark (DESIGN.md §6): base.html, one query, the full
    middleware stack and a logged-in person. `make bench` compares the dashboard against it;
    no page links here."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return render(request, "pages/baseline.html")


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html", {"contact_email": settings.CONTACT_EMAIL})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Django stops a form with too much text, or too many fields or files, as it reads it: say so.
    if isinstance(exception, RequestDataTooBig):
        if _is_api(request):
            return request_too_large(request, settings.DATA_UPLOAD_MAX_MEMORY_SIZE // MB)
        message = _(
            "The form holds more text than Målbild accepts (at most %(max)s MB besides its "
            "files). Nothing was saved."
        ) % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // MB}
        return _too_large(request, message)
    if isinstance(exception, TooManyFieldsSent | TooManyFilesSent):
        message = _(
            "The form holds more fields or files than Målbild accepts (at most %(fields)s "
            "fields and %(files)s files). Nothing was saved."
        ) % {
            "fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            "files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        }
        return _too_large(request, message)
    return render(request, "errors/400.html", status=400)


def request_too_large(request: HttpRequest, limit_mb: int) -> HttpResponse:
    """413 for a body larger than `limit_mb`: a page, or the API's error body under /api/."""
    message = _(
        "The request is larger than Målbild accepts: at most %(max)s MB can be sent at once. "
        "Choose a smaller file, or split it into several."
    ) % {"max": limit_mb}
    return _too_large(request, message)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _too_large(request: HttpRequest, message: str) -> HttpResponse:
    if _is_api(request):  # docs/api.md: one shape for every error
        return JsonResponse({"detail": message, "errors": []}, status=413)
    return render(request, "errors/413.html", {"message": message}, status=413)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    message = str(exception) if exception and str(exception) else ""
    return render(request, "errors/403.html", {"message": message}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: whatever broke may be what the context processors need.
    return HttpResponse(loader.render_to_string("errors/500.html"), status=500)


def csrf_failure(request: HttpRequest, reason: str = "", **kwargs: Any) -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)
