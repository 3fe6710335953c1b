"""A person's own data, gathered for download (GDPR art. 15 and 20).

Each app says which of its rows are about a person in its own `personal_data.py`, by calling
:func:`register`; nothing here knows the other apps' models. The export crosses organisations on
purpose: it is the person's data, wherever they wrote it.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from malbild.accounts.models import SsoIdentity, User
from malbild.tenants.scope import unscoped

FORMAT = "malbild-personal-data/1"


@dataclass(frozen=True)
class Part:
    """The rows of one model that name the person in one of `person_fields`.

    Every column is exported (foreign keys as ids) except those in `exclude`: secrets such as
    token hashes, and bulky copies of other data. `collect`, when given, replaces the query, for
    rows that reach the person through another table.
    """

    key: str
    model: str
    person_fields: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    collect: Callable[[User], Any] | None = None

    def rows(self, user: User) -> list[dict[str, Any]]:
        """The person's rows, oldest first (one query)."""
        model = apps.get_model(self.model)
        columns = [f.attname for f in model._meta.concrete_fields if f.name not in self.exclude]
        with unscoped():
            if self.collect is not None:
                queryset = self.collect(user)
            else:
                match = Q(pk__in=[])
                for name in self.person_fields:
                    match |= Q(**{name: user})
                queryset = model._default_manager.filter(match)
            return list(queryset.order_by("pk").values(*columns))


_PARTS: dict[str, Part] = {}
_ERASERS: dict[str, Callable[[User], int]] = {}


def register(*parts: Part) -> None:
    """Add parts to the export; called once by each app's `personal_data` module."""
    for part in parts:
        if part.key in _PARTS and _PARTS[part.key] != part:
            raise ValueError(f"Two parts of the personal data are called {part.key!r}")
        _PARTS[part.key] = part


def on_anonymise(key: str) -> Callable[[Callable[[User], int]], Callable[[User], int]]:
    """Register what an app removes when a person is anonymised: their secrets (feed tokens,
    API tokens) and what only they could use. The function returns how many rows it removed and
    runs inside the anonymisation's transaction."""

    def decorator(function: Callable[[User], int]) -> Callable[[User], int]:
        _ERASERS[key] = function
        return function

    return decorator


def parts() -> list[Part]:
    """Every registered part, after importing each app's `personal_data` module."""
    autodiscover_modules("personal_data")
    return sorted(_PARTS.values(), key=lambda part: part.key)


def erasers() -> dict[str, Callable[[User], int]]:
    autodiscover_modules("personal_data")
    return dict(sorted(_ERASERS.items()))


def export(user: User) -> dict[str, Any]:
    """Everything Målbild holds about `user`, as one JSON-ready document (a query per part)."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": timezone.now(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "name": user.name,
            "language": user.language,
            "active": user.is_active,
            "platform_administrator": user.is_staff,
            "joined": user.date_joined,
            "last_login": user.last_login,
        },
    }
    for part in parts():
        document[part.key] = part.rows(user)
    return document


def export_json(user: User) -> bytes:
    return json.dumps(export(user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


# The accounts app's own part: the person's accounts at the municipality's login service.
register(Part("accounts.sso_identities", "accounts.SsoIdentity", ("user",)))


@on_anonymise("accounts.sso_identities")
def unlink_sso(user: User) -> int:
    """The login service's account no longer leads to the anonymised one (nor says whose it was)."""
    removed, _by_model = SsoIdentity.objects.filter(user=user).delete()
    return removed
