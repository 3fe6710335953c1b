"""Paging of long lists: 50 rows a page, `?page=N`, out-of-range numbers show the last page."""

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def paginate(request: HttpRequest, items: Any, size: int = PAGE_SIZE, param: str = "page") -> Page:
    """The page `?param=N` of `items`. The first page of a queryset reads one row more than it
    shows: when that row is not there, the rows read are all there are, and the list needs no
    COUNT query (most lists fit on one page)."""
    number = request.GET.get(param)
    if not isinstance(items, QuerySet) or number not in (None, "", "1"):
        return Paginator(items, size).get_page(number)
    rows = list(items[: size + 1])
    paginator = Paginator(items, size)
    if len(rows) <= size:
        paginator.__dict__["count"] = len(rows)  # Paginator.count is a cached_property
    return Page(rows[:size], 1, paginator)
