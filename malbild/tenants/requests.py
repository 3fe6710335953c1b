"""The request as a view receives it, typed with what the middleware and the decorators put on it.

A view names the kind it needs in its signature (`request: MemberRequest`), and the decorator
promises it: `member_view` lets in only a `MemberRequest`, `public_view` a `PublicRequest`,
`shared_view` a `SharedRequest`. So mypy checks that a view reads `request.access` only where
someone has set it. The classes are for the type checker: at run time a request stays Django's
own, and the decorators set the attributes on it.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from malbild.accounts.models import User
from malbild.tenants.models import Membership, Organisation
from malbild.tenants.permissions import Access


class Request(HttpRequest):
    """Any request: django-htmx's middleware says whether htmx sent it (`request.htmx`)."""

    htmx: HtmxDetails


class OrganisationRequest(Request):
    """A request inside one organisation, member or public: the organisation of the URL."""

    organisation: Organisation


class MemberRequest(OrganisationRequest):
    """What `member_view` let in: a signed-in member of `organisation`, and what they may do
    there (`access`)."""

    user: User
    access: Access


class PublicRequest(OrganisationRequest):
    """What `public_view` let in: anyone, on the pages of an organisation that publishes them."""


class SharedRequest(Request):
    """What `shared_view` let in, on the pages shared across organisations (`/delat/…`): a
    signed-in person with a role somewhere, and their roles in every organisation."""

    user: User
    memberships: list[Membership]
