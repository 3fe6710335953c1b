"""Pages that belong to the site as a whole: start, health, accessibility, errors."""

import logging
import sys
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from malbild.tenants.models import Membership, Organisation

logger = logging.getLogger(__name__)

# A task waiting longer than this tells the health check that no worker is taking tasks.
TASKS_LATE = timedelta(minutes=5)
# Seconds a visitor is asked to wait while the database is unreachable (Retry-After).
RETRY_AFTER_SECONDS = 10
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
    """Say which part of Målbild is down, if any; load balancers and monitoring poll this.

    The answer is 503 only when the database is unreachable, since then no page can be served.
    Background tasks waiting longer than TASKS_LATE (no worker, or one that is stuck) show as
    `"tasks": "late"` while the answer stays 200: a load balancer must not take a web server out
    of service for the worker's sake."""
    parts = {"database": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        tasks = _tasks_state()
        if tasks:
            parts["tasks"] = tasks
    except DatabaseError:
        parts["database"] = "unreachable"
    down = parts["database"] != "ok"
    response = JsonResponse(
        {"status": "error" if down else "ok", **parts}, status=503 if down else 200
    )
    if down:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _tasks_state() -> str:
    """ "ok" or "late" when tasks go through the database queue; "" when they do not (tests run
    them at once). Runs one query, on the queue's partial index of ready tasks."""
    if not settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db."):
        return ""
    from django_tasks_db.models import DBTaskResult

    oldest = (
        DBTaskResult.objects.ready()
        .order_by("enqueued_at")
        .values_list("enqueued_at", flat=True)
        .first()
    )
    return "late" if oldest and timezone.now() - oldest > TASKS_LATE else "ok"


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
    """500, or 503 while the database is unreachable (a restart, a failover): that is no error
    in Målbild, and the visitor need only wait. Django calls this inside its handling of the
    exception, so `sys.exc_info()` names it."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable(sys.exc_info()[1])
    # No request context: whatever broke may be what the context processors need.
    return HttpResponse(loader.render_to_string("errors/500.html"), status=500)


class _Outage:
    """Log an outage of the database once, when it begins, instead of once per request: a
    restart under load would otherwise write hundreds of identical tracebacks. An outage ends
    when no request has met it for QUIET seconds (per process)."""

    QUIET = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = -self.QUIET

    def met(self, error: BaseException | None) -> None:
        now = time.monotonic()
        with self._lock:
            begins = now - self._last > self.QUIET
            self._last = now
        if begins:
            logger.error(
                "The database is unreachable; pages answer 503 until it is back: %s", error
            )


_outage = _Outage()


def database_unavailable(error: BaseException | None) -> HttpResponse:
    _outage.met(error)
    response = HttpResponse(loader.render_to_string("errors/503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Django's request log would write one line per request; the outage is logged once above.
    response._has_been_logged = True  # type: ignore[attr-defined]  # django.utils.log's flag
    return response


def csrf_failure(request: HttpRequest, reason: str = "", **kwargs: Any) -> HttpResponse:
    return render(request, "errors/403_csrf.html", status=403)
