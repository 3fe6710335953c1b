"""The ways a view enters an organisation, or the space shared between organisations.

`member_view` resolves the organisation from the URL once, answers anonymous visitors with a
redirect to login and non-members with 404, checks the declared capability (403 with an
explanation when the person may read but not do this), and runs the view inside
`tenants.scope`, so every tenant-owned query is limited to that organisation. `public_view`
opens an organisation's public pages to anyone, and `shared_view` the pages under `/delat/` to
the members of any organisation.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from malbild.tenants.models import Membership, Organisation
from malbild.tenants.permissions import Access, explain, roles_with
from malbild.tenants.scope import scope

View = Callable[..., HttpResponse]


def member_view(capability: str | None = None) -> Callable[[View], View]:
    """Wrap a view of `/o/<org>/…`. `capability` is needed somewhere in the organisation;
    the view checks the object's own unit with `request.access.require(...)`."""
    if capability is not None:
        roles_with(capability)  # fail at import for a misspelt capability

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            # The person's roles here and the organisation in one query: no role and no such
            # organisation are the same 404, so the organisation needs no query of its own.
            memberships = Membership.of_person_in(request.user, org)
            if not memberships:
                raise Http404
            organisation = memberships[0].organisation
            with scope(organisation):
                access = Access(organisation, memberships)
                if capability is not None and not access.can(capability, anywhere=True):
                    raise PermissionDenied(explain(capability))
                request.organisation = organisation  # type: ignore[attr-defined]
                request.access = access  # type: ignore[attr-defined]
                return view(request, *args, **kwargs)

        wrapper.capability = capability  # type: ignore[attr-defined]
        return wrapper

    return decorator


def public_view(view: View) -> View:
    """Wrap a view of `/offentlig/<org>/…`: anyone may read, if the organisation publishes."""

    @wraps(view)
    def wrapper(request: HttpRequest, org: str, *args: Any, **kwargs: Any) -> HttpResponse:
        organisation = get_object_or_404(Organisation, slug=org, has_public_pages=True)
        with scope(organisation):
            request.organisation = organisation  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

    return wrapper


def shared_view(view: View) -> View:
    """Wrap a view of `/delat/…`, what organisations share with each other's members (DESIGN.md
    §4): anonymous visitors are sent to log in, and a person without a role in any organisation
    gets 404, as for an organisation they are not a member of. The person's roles everywhere are
    in `request.memberships`. Every page under `/delat/` goes through here (a test says so)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        memberships = Membership.of_person(request.user)
        if not memberships:
            raise Http404
        request.memberships = memberships  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    wrapper.shared_view = True  # type: ignore[attr-defined]
    return wrapper


def memberships_of(request: HttpRequest) -> list[Membership]:
    """The person's roles in every organisation (set by `shared_view`)."""
    return request.memberships  # type: ignore[attr-defined]


def organisation_of(request: HttpRequest) -> Organisation:
    """The organisation that `member_view` or `public_view` resolved for this request."""
    return request.organisation  # type: ignore[attr-defined]


def access_of(request: HttpRequest) -> Access:
    """What the person may do in that organisation (set by `member_view`)."""
    return request.access  # type: ignore[attr-defined]
