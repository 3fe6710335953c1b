"""The vocabulary of the permission matrix, shared by every app's `tests/matrix.py`.

Each app lists its routes' cases in `malbild/<app>/tests/matrix.py` as `CASES`, and
`malbild/tests/test_permission_matrix.py` runs them all.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from conftest import Cast
from malbild.tenants import services
from malbild.tenants.models import Invitation, Membership
from malbild.tenants.scope import scope

LOGIN = "login"  # anonymous on a member page: a redirect to the login page
NEW_PASSWORD = "ett nytt långt lösenord 2026"

PathFn = Callable[[Client, Cast], str]
DataFn = Callable[[Cast], dict[str, Any]]


@dataclass
class Case:
    method: str
    path: PathFn
    anonymous: int | str | None
    other: int | None  # Ekby's admin on a Mittköping page
    weak: tuple[str, int] | None  # (cast member, status)
    right: tuple[str | None, int]  # (cast member, or None for anonymous; status)
    data: DataFn = field(default=lambda c: {})
    # False only for a POST that the right role may make but that changes nothing (a refusal
    # the view explains), so leaves no audit event.
    writes: bool = True


def org_url(name: str, *args: Any) -> PathFn:
    return lambda client, c: reverse(name, args=["mittkoping", *[a(c) for a in args]])


def unit(attr: str) -> Callable[[Cast], int]:
    return lambda c: getattr(c, attr).pk


def person(attr: str) -> Callable[[Cast], int]:
    return lambda c: getattr(c, attr).pk


def teacher_membership(c: Cast) -> int:
    with scope(c.org):
        return Membership.objects.get(user=c.teacher).pk


def archived_team_url(client: Client, c: Cast) -> str:
    with scope(c.org):
        services.archive_unit(c.team)
    return reverse("tenants:unit_restore", args=["mittkoping", c.team.pk])


def reset_confirm_url(client: Client, c: Cast) -> str:
    uid = urlsafe_base64_encode(force_bytes(c.teacher.pk))
    return reverse(
        "accounts:password_reset_confirm",
        args=[uid, default_token_generator.make_token(c.teacher)],
    )


def reset_set_password_url(client: Client, c: Cast) -> str:
    # Django trades the token for a session marker on the first visit.
    return client.get(reset_confirm_url(client, c))["Location"]


def invitation_url(client: Client, c: Cast) -> str:
    with scope(c.org):
        invitation = Invitation.objects.create(
            organisation=c.org,
            email="ny@mittkoping.test",
            role="staff",
            unit=c.school,
            invited_by=c.admin,
        )
    return reverse("invitation", args=[services.invitation_token(invitation)])


def pending_invitation_url(client: Client, c: Cast) -> str:
    with scope(c.org):
        invitation = Invitation.objects.create(
            organisation=c.org,
            email="ny@mittkoping.test",
            role="staff",
            unit=c.school,
            invited_by=c.admin,
        )
    return reverse("tenants:invitation_withdraw", args=["mittkoping", invitation.pk])
