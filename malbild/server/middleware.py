"""Refusing a request body that is larger than anything Målbild accepts, before it is read; and
the time each request took, for the load test."""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from malbild.views import request_too_large

MB = 1024 * 1024


def limit_mb(request: HttpRequest) -> int:
    """The largest body this request may have, in MB: REQUEST_MAX_MB for a logged-in person,
    PUBLIC_REQUEST_MAX_MB for anyone else (the public forms and the API, whose JSON Django
    limits to DATA_UPLOAD_MAX_MEMORY_SIZE anyway)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return int(settings.REQUEST_MAX_MB)
    return int(settings.PUBLIC_REQUEST_MAX_MB)


class RequestSizeLimit:
    """413 for a body whose declared length is over the limit, before a byte of it is read:
    Django limits the fields of a form (DATA_UPLOAD_MAX_MEMORY_SIZE) but not its files, which
    it would otherwise receive whole, to memory or a temporary file, before any form could say
    they are too large. A body without a length (chunked) is read by Django as empty."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a malformed length as no body at all
        if length > settings.PUBLIC_REQUEST_MAX_MB * MB:
            limit = limit_mb(request)
            if length > limit * MB:
                return request_too_large(request, limit)
        return self.get_response(request)


class ServerTiming:
    """`Server-Timing: cpu;dur=…, app;dur=…` on every answer: the CPU time the request's thread
    spent in Målbild (`time.thread_time`, so the other threads of the process do not count) and
    the wall-clock time it took, in milliseconds, from the first middleware to the last. The
    load test reads it for its per-route figures (docs/performance.md). Only in the middleware
    stack with MALBILD_SERVER_TIMING=1: it would tell anyone how long each page takes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cpu, wall = time.thread_time(), time.perf_counter()
        response = self.get_response(request)
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
        response["Server-Timing"] = f"cpu;dur={cpu * 1000:.2f}, app;dur={wall * 1000:.2f}"
        return response
