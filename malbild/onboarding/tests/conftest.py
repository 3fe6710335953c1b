import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command

from malbild.imports.tests.kolada_server import FakeKolada, serving
from malbild.tenants.models import Organisation, OrgUnit
from malbild.tenants.scope import scope


@pytest.fixture(autouse=True)
def _in_english(english):
    """Every test here in English (conftest.english): they compare messages with the msgids."""


@pytest.fixture
def kolada(settings):
    """A local server that answers like Kolada (malbild/imports/tests/kolada_server.py)."""
    with serving(FakeKolada(page_size=10)) as fake:
        settings.KOLADA_URL = fake.url
        settings.KOLADA_TIMEOUT = 2.0
        settings.KOLADA_BACKOFF = 0.01
        yield fake


@dataclass
class Fresh:
    """A municipality just made by `malbild create_organisation`: a name, one administrator
    and one unit, Kolada municipality 2490 (Älvsta in the local Kolada)."""

    org: Organisation
    top: OrgUnit
    admin: Any


@pytest.fixture
def fresh(db) -> Fresh:
    from malbild.accounts.models import User

    call_command(
        "create_organisation", "Älvsta kommun", "alvsta", admin="admin@alvsta.test",
        kolada_id="2490", stdout=io.StringIO(),
    )  # fmt: skip
    org = Organisation.objects.get(slug="alvsta")
    with scope(org):
        top = OrgUnit.objects.get(code="ROOT")
    admin = User.objects.get(email="admin@alvsta.test")
    admin.language = "en"  # the messages are compared with the msgids
    admin.save()
    return Fresh(org, top, admin)


def url(name: str, org: str = "alvsta", *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=[org, *args])
