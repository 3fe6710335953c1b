"""The ways a view enters an organisation, or the space shared between organisations.

`member_view` resolves the organisation from the URL once, answers anonymous visitors with a
redirect to login and non-members with 404, checks the declared capability (403 with an
explanation when the person may read but not do this), and runs the view inside
`tenants.scope`, so every tenant-owned query is limited to that organisation. `public_view`
opens an organisation's public pages to anyone, and `shared_view` the pages under `/delat/` to
the members of any organisation.

Each decorator takes a view whose first parameter is the kind of request it lets in
(`tenants.requests`), so mypy checks that the view uses only what the decorator set. The view
keeps its other parameters; the decorated view takes the organisation's slug (`org`) from the
URL besides.
"""

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, Protocol, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from malbild.tenants.models import Membership, Organisation
from malbild.tenants.permissions import Access, explain, roles_with
from malbild.tenants.requests import MemberRequest, PublicRequest, SharedRequest
from malbild.tenants.scope import scope

P = ParamSpec("P")


class OrganisationView(Protocol[P]):
    """A decorated view of `/o/<org>/…` or `/offentlig/<org>/…`, as the URL conf calls it."""

    def __call__(
        self, request: HttpRequest, org: str, *args: P.args, **kwargs: P.kwargs
    ) -> HttpResponse: ...


def member_view(
    capability: str | None = None,
) -> Callable[[Callable[Concatenate[MemberRequest, P], HttpResponse]], OrganisationView[P]]:
    """Wrap a view of `/o/<org>/…`. `capability` is needed somewhere in the organisation;
    the view checks the object's own unit with `request.access.require(...)`."""
    if capability is not None:
        roles_with(capability)  # fail at import for a misspelt capability

    def decorator(
        view: Callable[Concatenate[MemberRequest, P], HttpResponse],
    ) -> OrganisationView[P]:
        @wraps(view)
        def wrapper(
            request: HttpRequest, org: str, *args: P.args, **kwargs: P.kwargs
        ) -> HttpResponse:
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
                # From here on the request is what MemberRequest describes.
                member = cast(MemberRequest, request)
                member.organisation = organisation
                member.access = access
                return view(member, *args, **kwargs)

        return wrapper

    return decorator


def public_view(
    view: Callable[Concatenate[PublicRequest, P], HttpResponse],
) -> OrganisationView[P]:
    """Wrap a view of `/offentlig/<org>/…`: anyone may read, if the organisation publishes."""

    @wraps(view)
    def wrapper(request: HttpRequest, org: str, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        organisation = get_object_or_404(Organisation, slug=org, has_public_pages=True)
        with scope(organisation):
            public = cast(PublicRequest, request)  # from here on, what PublicRequest describes
            public.organisation = organisation
            return view(public, *args, **kwargs)

    return wrapper


class SharedView(Protocol[P]):
    """A view wrapped by `shared_view`, marked so (malbild/tenants/tests/test_shared_pages.py
    finds every page under `/delat/` that is not)."""

    shared_view: bool

    def __call__(self, request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse: ...


def shared_view(view: Callable[Concatenate[SharedRequest, P], HttpResponse]) -> SharedView[P]:
    """Wrap a view of `/delat/…`, what organisations share with each other's members (DESIGN.md
    §4): anonymous visitors are sent to log in, and a person without a role in any organisation
    gets 404, as for an organisation they are not a member of. The person's roles everywhere are
    in `request.memberships`. Every page under `/delat/` goes through here (a test says so)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        memberships = Membership.of_person(request.user)
        if not memberships:
            raise Http404
        person = cast(SharedRequest, request)  # from here on, what SharedRequest describes
        person.memberships = memberships
        return view(person, *args, **kwargs)

    marked = cast(SharedView[P], wrapper)
    marked.shared_view = True
    return marked
