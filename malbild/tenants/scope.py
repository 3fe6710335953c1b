"""Which organisation the current code works for.

Tenant-owned models use :class:`TenantManager`, which refuses to answer until an organisation is
active. Views get one from :func:`malbild.tenants.decorators.member_view`; services, tasks and
commands say which with :func:`scope`; the few places that must see every organisation (the
technical admin, migrations of data, `tenants.shared`) say so with :func:`unscoped`, which is
easy to find with grep.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.db import models

if TYPE_CHECKING:
    from malbild.tenants.models import Organisation


class NoActiveOrganisation(RuntimeError):
    """A tenant-owned table was queried without saying for which organisation."""


_UNSCOPED = object()
_active: ContextVar[Any] = ContextVar("malbild_organisation", default=None)


@contextmanager
def scope(organisation: "Organisation") -> Iterator["Organisation"]:
    token = _active.set(organisation)
    try:
        yield organisation
    finally:
        _active.reset(token)


@contextmanager
def unscoped() -> Iterator[None]:
    token = _active.set(_UNSCOPED)
    try:
        yield
    finally:
        _active.reset(token)


def active_organisation() -> "Organisation | None":
    """The organisation in scope, or None (also when unscoped)."""
    value = _active.get()
    return None if value is _UNSCOPED else value


def require_organisation() -> "Organisation":
    organisation = active_organisation()
    if organisation is None:
        raise NoActiveOrganisation("This needs one active organisation (tenants.scope).")
    return organisation


M = TypeVar("M", bound=models.Model)


class TenantManager(models.Manager[M], Generic[M]):
    """Returns only the active organisation's rows, and raises when none is active."""

    def get_queryset(self) -> models.QuerySet[M]:
        value = _active.get()
        if value is None:
            raise NoActiveOrganisation(
                f"{self.model.__name__} is tenant-owned: query it inside tenants.scope(...) "
                "or, for cross-organisation system work, tenants.unscoped()."
            )
        queryset = super().get_queryset()
        if value is _UNSCOPED:
            return queryset
        return queryset.filter(organisation=value)
