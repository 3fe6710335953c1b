"""Partial updates with htmx: one way to answer with the changed part of a page.

A page marks each part that can change on its own as a partial whose name is the id of the
element it renders (`{% partialdef discussion-section inline %}<section id="discussion-section"
…>`). A form or a filter that changes it asks htmx for that element (`hx-target=
"#discussion-section" hx-swap="outerHTML"`). The view answers, from the same template:

- a GET list page: `page_or_part(request, "plans/list.html", "activity-results", context,
  announce=…)` gives the whole page, or only the results when htmx asked for them;
- a POST on a page: when `request.htmx`, `part(request, "scanning/detail.html",
  "discussion-section", context, announce=_("Your comment has been posted."))`; without
  JavaScript the same view redirects as before (post/redirect/get).

Each part comes with the page's one live region (`#status` in base.html), swapped out of band,
saying `announce` to screen readers. A form with errors answers 200 with the form and its
messages in place (htmx swaps no 4xx answer). Answers that differ by `HX-Request` say so in
`Vary`, so that no cache hands a fragment to a page load. A history restore (htmx reloading a
pushed URL it no longer holds) gets the whole page.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.html import format_html


def asks_for(request: HttpRequest, name: str) -> bool:
    """Whether htmx asked for the element `name` alone (not a history restore). django-htmx's
    middleware sets `request.htmx`."""
    htmx = getattr(request, "htmx", None)
    if htmx is None or not htmx:
        return False
    return not htmx.history_restore_request and htmx.target == name


def part(
    request: HttpRequest,
    template: str,
    name: str,
    context: dict[str, Any],
    *,
    announce: str,
    also: tuple[str, ...] = (),
    status: int = 200,
) -> HttpResponse:
    """The partial `name` of `template`, then the parts in `also` swapped out of band (each
    is rendered with `oob` true, for its `hx-swap-oob` attribute), then the live region
    saying `announce`."""
    html = [render_to_string(f"{template}#{name}", context, request)]
    for other in also:
        html.append(render_to_string(f"{template}#{other}", {**context, "oob": True}, request))
    html.append(
        format_html(
            '<div id="status" class="visually-hidden" role="status" aria-live="polite" '
            'hx-swap-oob="innerHTML">{}</div>',
            announce,
        )
    )
    response = HttpResponse("".join(html), status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def page_or_part(
    request: HttpRequest,
    template: str,
    name: str,
    context: dict[str, Any],
    *,
    announce: str,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or, when htmx asked for the element `name`, that part alone with
    `announce` in the live region. Either way the answer varies on HX-Request."""
    if asks_for(request, name):
        return part(request, template, name, context, announce=announce, status=status)
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
