"""The shared cast and fixtures for every test."""

import copy
import io
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test.utils import override_settings
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, max_examples=200)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

PASSWORD = "correct horse battery staple"


def fast_settings(media_root: Path) -> dict[str, Any]:
    """The settings every test runs with (and every shared layer is built with)."""
    from django.conf import settings

    return {
        # Argon2 is deliberately slow; tests that are about hashing set it back themselves.
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
        # Tests render templates without running collectstatic first.
        "STORAGES": {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        # Uploaded files (minutes) go to the test's own directory, never to var/.
        "MEDIA_ROOT": media_root,
        # Tasks run in the test's process, at once: the worker's behaviour is tested on its own.
        "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        # WhiteNoise would index every static file again for each test's client (a few hundred
        # files, a tenth of the suite's time); it looks a file up when one is asked for instead.
        "WHITENOISE_AUTOREFRESH": True,
    }


@pytest.fixture(autouse=True)
def _fast_tests(settings, tmp_path):
    for name, value in fast_settings(tmp_path / "media").items():
        setattr(settings, name, value)
    # Each test's database starts afresh, with the same ids and data versions: so does the page
    # cache, which lives in the process.
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _rate_limit_windows(monkeypatch):
    """The rate limits' windows are fixed on the clock (lib/ratelimit.py): each test sees the
    clock stand one second into a day, so its counts never straddle two windows and a wait is
    always the whole window, whenever the test runs. Tests that move the clock patch it again."""
    from malbild.lib import ratelimit

    day = 24 * 60 * 60  # the longest window; every shorter one divides it
    start = time.time() // day * day + 1
    monkeypatch.setattr(ratelimit, "_now", lambda: start)


@pytest.fixture(autouse=True)
def _default_language() -> None:
    """Each test starts in the default language (Swedish). A request through the test client
    leaves its language active in the thread (LocaleMiddleware never deactivates it), so without
    this a test that runs after an English request in the same process would speak English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


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


def load_demo() -> None:
    """The demo as `malbild demo` prepares it (its document is left to the worker)."""
    from malbild.demo import content

    content.prepare("http://127.0.0.1:8000")


NATIONAL_SCALE = "0.002"  # 2 organisations, 40 units, 200 goals, 2,000 measurements, 32 rounds


def seed_national() -> None:
    """The national dataset (DESIGN.md §6) at a small scale, as `seed_national` generates it."""
    from django.core.management import call_command

    call_command("seed_national", "--scale", NATIONAL_SCALE, stdout=io.StringIO())


# Data shared by consecutive tests -----------------------------------------------------------------
# Building the cast takes tens of milliseconds and loading the demo seconds, and most tests only
# read them. As with Django's setUpTestData, each is built once, inside a transaction (a "layer")
# that stays open while consecutive tests ask for the same shared data; every test runs in a
# savepoint inside it (pytest-django's own per-test transaction) and is rolled back to it, so
# each test still starts from exactly the same rows. A test that asks for other shared data, for
# none, or for real transactions (transaction=True) has the layer rolled back first: tests that
# do not ask for the cast or the demo never see them. Python objects are copied for each test.

SHARED: dict[str, Callable[[], Any]] = {
    "cast": lambda: Cast(),
    "demo": load_demo,
    "national_dataset": seed_national,
}


class Layer:
    """The shared data that the open transaction holds, and the names it was built for."""

    def __init__(self, media_root: Path) -> None:
        self.media_root = media_root
        self.names: frozenset[str] = frozenset()
        self.atomic: Any = None
        self.values: dict[str, Any] = {}

    def enter(self, names: frozenset[str]) -> None:
        if self.atomic is not None and connection.closed_in_transaction:
            # A test closed the connection (a backup's restore, a worker's loop do), and the
            # layer's transaction went with it: roll back the bookkeeping and build again.
            self.leave()
        if names == self.names and self.atomic is not None:
            return
        self.leave()
        if not names:
            return
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.names = names
        try:
            with override_settings(**fast_settings(self.media_root)):
                caches["pages"].clear()
                for name, build in SHARED.items():
                    if name in names:
                        self.values[name] = build()
        except BaseException:
            self.leave()
            raise

    def leave(self) -> None:
        if self.atomic is not None:
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.names, self.atomic, self.values = frozenset(), None, {}

    def value(self, name: str) -> Any:
        """A copy of the shared `name` (None when this test has no layer: a transactional test),
        so that a test changing its objects leaves the next test's alone."""
        return copy.deepcopy(self.values[name]) if name in self.values else None


@pytest.fixture(scope="session")
def _layer(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Layer]:
    layer = Layer(tmp_path_factory.mktemp("shared-media"))
    yield layer
    with django_db_blocker.unblock():
        layer.leave()  # before the test database is dropped


def _transactional_item(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    options = marker.kwargs if marker else {}
    fixtures = set(getattr(item, "fixturenames", ()))
    return bool(
        options.get("transaction")
        or options.get("reset_sequences")
        or {"transactional_db", "live_server", "django_db_reset_sequences"} & fixtures
    )


def _shared_names(item: pytest.Item) -> frozenset[str]:
    if _transactional_item(item):
        return frozenset()
    return frozenset(SHARED) & set(getattr(item, "fixturenames", ()))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest-django's order (database tests, transactional ones, the rest), tests that
    share the same data run one after another, so that each layer is built once."""

    def order(item: pytest.Item) -> tuple[int, list[str]]:
        uses_db = item.get_closest_marker("django_db") is not None or "db" in getattr(
            item, "fixturenames", ()
        )
        group = 1 if _transactional_item(item) else 0 if uses_db else 2
        return group, sorted(_shared_names(item))

    items.sort(key=order)


@pytest.fixture
def _enter_layer(request, _layer, django_db_blocker) -> None:
    names = _shared_names(request.node)
    with django_db_blocker.unblock():
        _layer.enter(names)


@pytest.fixture
def _django_db_helper(_enter_layer, _django_db_helper):
    """pytest-django's per-test database access, inside the shared layer this test asks for:
    the layer is opened (or rolled back) before the test's own transaction begins."""
    return _django_db_helper


@pytest.fixture
def cast(db, _layer) -> Cast:
    return _layer.value("cast") or Cast()


@pytest.fixture
def demo(db, _layer) -> None:
    """Mittköping and Ekby as `make demo` loads them, shared read-only (see Layer): a test may
    change them, and its changes are rolled back after it. Its follow-up document is queued for
    the worker, not generated (malbild/reports/tests/test_demo.py generates it)."""
    if "demo" not in _layer.values:
        load_demo()  # a transactional test: loaded for it alone


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


@pytest.fixture
def national_dataset(db, _layer) -> None:
    """`seed_national` at NATIONAL_SCALE, shared read-only like the demo."""
    if "national_dataset" not in _layer.values:
        seed_national()  # a transactional test: generated for it alone
