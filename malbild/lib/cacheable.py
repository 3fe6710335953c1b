"""Answers for the public pages: read-only and cacheable.

Each view gathers the rows it shows, then `cached_render` computes the ETag from those rows (and
the language and the address) and Last-Modified from their newest change, and answers 304 when
the visitor already holds this version; only otherwise is the template rendered. The templates
extend `communication/public_base.html`, which carries no CSRF token and no nonce, so the same
data always gives the same bytes.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

MAX_AGE = 60  # seconds a browser may reuse a page before asking again


def signature(request: HttpRequest, parts: Iterable[Any]) -> str:
    digest = hashlib.sha256()
    for part in (translation.get_language(), request.get_full_path(), *parts):
        digest.update(repr(part).encode())
        digest.update(b"\0")
    return f'"{digest.hexdigest()[:32]}"'


def newest(*moments: datetime | None) -> datetime | None:
    found = [m for m in moments if m is not None]
    return max(found) if found else None


def cacheable(response: HttpResponse, etag: str, last_modified: datetime | None) -> HttpResponse:
    response["ETag"] = etag
    if last_modified is not None:
        response["Last-Modified"] = http_date(last_modified.timestamp())
    patch_cache_control(response, public=True, max_age=MAX_AGE)
    patch_vary_headers(response, ("Accept-Language",))
    return response


def cached_render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    parts: Iterable[Any],
    last_modified: datetime | None,
    content_type: str | None = None,
) -> HttpResponse:
    """The page, or 304 Not Modified when the visitor's copy shows the same data."""
    etag = signature(request, parts)
    stamp = int(last_modified.timestamp()) if last_modified is not None else None
    unchanged = get_conditional_response(request, etag=etag, last_modified=stamp)
    if unchanged is not None:
        return cacheable(unchanged, etag, last_modified)
    response = render(request, template, context, content_type=content_type)
    return cacheable(response, etag, last_modified)


def cached_bytes(
    request: HttpRequest,
    body: bytes,
    content_type: str,
    *,
    parts: Iterable[Any],
    last_modified: datetime | None,
) -> HttpResponse:
    """A feed, answered the same way: 304 when unchanged."""
    etag = signature(request, parts)
    stamp = int(last_modified.timestamp()) if last_modified is not None else None
    unchanged = get_conditional_response(request, etag=etag, last_modified=stamp)
    if unchanged is not None:
        return cacheable(unchanged, etag, last_modified)
    return cacheable(HttpResponse(body, content_type=content_type), etag, last_modified)
