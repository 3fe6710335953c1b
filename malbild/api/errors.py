"""One shape for every error the API gives: `{"detail": "…", "errors": [...]}` (docs/api.md)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from malbild.api.schemas import Error, ErrorDetail
from malbild.lib.ratelimit import RateLimited


class Invalid(Exception):
    """A request that parsed but cannot be done as asked (422), with a detail per problem."""

    def __init__(self, detail: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


# Documented on every operation that needs a key.
ERRORS: dict[int, Any] = {401: Error, 403: Error, 404: Error, 422: Error, 429: Error}


def answer(
    api: NinjaAPI, request: HttpRequest, status: int, detail: str, errors: list[dict[str, Any]]
) -> HttpResponse:
    details = [ErrorDetail(**error) for error in errors]
    body = Error(detail=detail, errors=details).model_dump(mode="json")
    return api.create_response(request, body, status=status)


def _validation_errors(exc: ValidationError) -> list[dict[str, Any]]:
    found = []
    for error in exc.errors:
        loc = [part if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        if loc[:2] == ["body", "payload"]:  # every body parameter is called payload
            del loc[1]
        item: dict[str, Any] = {"loc": loc, "msg": str(error.get("msg", ""))}
        if loc[:2] == ["body", "measurements"] and len(loc) > 2 and isinstance(loc[2], int):
            item["row"] = loc[2]
        found.append(item)
    return found


def install(api: NinjaAPI) -> None:
    """Replace ninja's default handlers so that every error answers with :class:`Error`."""

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        response = answer(
            api, request, 401,
            _("A valid API key is needed: send “Authorization: Bearer <key>”. Keys are created "
              "on your profile page."),
            [],
        )  # fmt: skip
        response["WWW-Authenticate"] = "Bearer"
        return response

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 400:  # a body that is not JSON: a validation error like any other
            return answer(api, request, 422, _("The request body is not valid JSON."), [])
        return answer(api, request, exc.status_code, str(exc), [])

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(
            api, request, 422, _("The request has errors; nothing was changed."),
            _validation_errors(exc),
        )  # fmt: skip

    def unprocessable(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(api, request, 422, exc.detail, exc.errors)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return answer(api, request, 404, _("Not found."), [])

    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        detail = str(exc) or _("You may read this but not change it.")
        return answer(api, request, 403, detail, [])

    def too_many(request: HttpRequest, exc: Any) -> HttpResponse:
        response = answer(
            api, request, 429,
            _("Too many requests. Wait %(seconds)s seconds and try again.")
            % {"seconds": exc.retry_after},
            [],
        )  # fmt: skip
        response["Retry-After"] = str(exc.retry_after)
        return response

    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(ValidationError, invalid)
    api.add_exception_handler(Invalid, unprocessable)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(RateLimited, too_many)
