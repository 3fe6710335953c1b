"""The shared cast and fixtures for every test."""

import os

import pytest
from django.core.cache import caches
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    # Argon2 is deliberately slow; tests that are about hashing set it back themselves.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests render templates without running collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Uploaded files (minutes) go to the test's own directory, never to var/.
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tasks run in the test's process, at once: the worker's behaviour is tested on its own.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # Each test's database starts afresh, with the same ids and data versions: so does the page
    # cache, which lives in the process.
    caches["pages"].clear()


def make_user(email: str, name: str = "", **fields):
    from malbild.accounts.models import User

    return User.objects.create_user(email=email, password=PASSWORD, name=name, **fields)


@pytest.fixture
def teacher(db):
    return make_user("larare@test.example", "Lena Lärare")


@pytest.fixture
def rektor(db):
    return make_user("rektor@test.example", "Rut Rektor")


def stored_files(suffix: str = "") -> list[str]:
    """The names of the files kept (in the database: server.storage), those ending in `suffix`."""
    from malbild.server.models import StoredFile

    names = StoredFile.objects.filter(name__endswith=suffix).values_list("name", flat=True)
    return sorted(names)


def audit_events(**filters):
    """Audit events matching `filters`, across organisations (events of logins have none)."""
    from malbild.audit.models import AuditEvent
    from malbild.tenants.scope import unscoped

    with unscoped():
        return list(AuditEvent.objects.filter(**filters))


# The cast -----------------------------------------------------------------------------------------
# Mittköping (test edition): a förvaltning with an area and two schools; an admin for everything,
# an elected member, a rektor and a teacher limited to Åsens skola, a reader. Ekby: one admin.


def make_org(name: str, slug: str):
    from malbild.tenants.models import Organisation

    return Organisation.objects.create(name=name, slug=slug)


def make_unit(org, name: str, parent=None, kind: str = "skola", code: str | None = None):
    from malbild.tenants import services
    from malbild.tenants.scope import scope

    with scope(org):
        return services.create_unit(
            org, parent, name=name, kind=kind, code=code or name.upper().replace(" ", "-")[:40]
        )


def give_role(user, org, role: str, unit=None):
    from malbild.tenants.models import Membership
    from malbild.tenants.scope import scope

    with scope(org):
        return Membership.objects.create(organisation=org, user=user, role=role, unit=unit)


class Cast:
    """Everyone the tests need, built once per test."""

    def __init__(self) -> None:
        self.org = make_org("Mittköping", "mittkoping")
        self.root = make_unit(self.org, "Barn- och utbildningsförvaltningen", kind="forvaltning")
        self.area = make_unit(self.org, "Norra området", self.root, kind="omrade")
        self.school = make_unit(self.org, "Åsens skola", self.area, code="ASEN")
        self.team = make_unit(self.org, "Arbetslag F-3", self.school, kind="arbetslag")
        self.other_school = make_unit(self.org, "Berga skola", self.area, code="BERGA")
        self.admin = make_user("admin@mittkoping.test", "Anna Admin")
        self.elected = make_user("politiker@mittkoping.test", "Per Politiker")
        self.rektor = make_user("rektor@mittkoping.test", "Rut Rektor")
        self.teacher = make_user("larare@mittkoping.test", "Lars Lärare")
        self.reader = make_user("lasare@mittkoping.test", "Lisa Läsare")
        give_role(self.admin, self.org, "admin")
        give_role(self.elected, self.org, "elected")
        give_role(self.rektor, self.org, "unit_lead", self.school)
        give_role(self.teacher, self.org, "staff", self.school)
        give_role(self.reader, self.org, "viewer")
        self.ekby = make_org("Ekby", "ekby")
        self.ekby_root = make_unit(self.ekby, "Ekby skolförvaltning", kind="forvaltning")
        self.ekby_school = make_unit(self.ekby, "Ekby skola", self.ekby_root, code="EKS")
        self.ekby_admin = make_user("admin@ekby.test", "Eva Ekby")
        give_role(self.ekby_admin, self.ekby, "admin")


@pytest.fixture
def cast(db) -> Cast:
    return Cast()


@pytest.fixture
def english(request):
    """Pages and messages in English, so that a test compares against the msgids whether the
    Swedish catalogue is compiled or not (the cast's people speak English too)."""
    from django.utils import translation

    from malbild.accounts.models import User

    if "cast" in request.fixturenames:
        request.getfixturevalue("cast")
        User.objects.update(language="en")
    with translation.override("en"):
        yield
